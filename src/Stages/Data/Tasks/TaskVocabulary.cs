namespace Retention.Data;

/// <summary>The token ids one task is written with: item i is ItemIds[i], label class c is LabelIds[c].</summary>
public sealed record TaskTokens(string Task, int[] ItemIds, int[] LabelIds)
{
    /// <summary>TOK1 TOK2 LABEL of an instance.</summary>
    public (int Tok1, int Tok2, int Label) Encode(TaskInstance instance) =>
        (ItemIds[instance.A], ItemIds[instance.B], LabelIds[instance.Label]);
}

/// <summary>
/// Assigns token ids to the injected tasks' items and labels. append: new ids after the
/// tokenizer's vocabulary, V, V + 1, ... in task order (items, then labels when the task has its
/// own), so the tasks never share a token with text; the model's vocabulary must then be at least
/// <see cref="VocabSize"/>. existing: ids the user lists, which must be real tokenizer ids (below V),
/// not EOS, and not shared between or within tasks (a collision would make two items, or an item
/// and a label, indistinguishable).
/// </summary>
public sealed record TaskVocabulary(IReadOnlyList<TaskTokens> Tasks, int TokenizerVocabSize, int VocabSize)
{
    public const string Append = "append";
    public const string Existing = "existing";
    public const string Sampled = "sampled";
    public static readonly IReadOnlyList<string> Modes = [Append, Existing, Sampled];

    public int Appended => VocabSize - TokenizerVocabSize;

    public TaskTokens For(string task) => Tasks.FirstOrDefault(t => t.Task == task)
        ?? throw new KeyNotFoundException($"No injected task named '{task}'.");

    /// <summary>
    /// What is wrong with the id lists of an existing task (<paramref name="spec"/>'s tokens: existing), each with its
    /// key (item_ids, label_ids): one id per item, and per label unless the labels are items. Needs no tokenizer, so
    /// validation applies the same rule <see cref="Build"/> does, at the task's line, before a run starts. Empty when
    /// they fit or the task's ids are not listed.
    /// </summary>
    public static IReadOnlyList<(string Key, string Problem)> ListedIdProblems(InjectedTaskSpec spec, InjectedTask task)
    {
        if (spec.Tokens != Existing) return [];
        var problems = new List<(string, string)>();
        if (spec.ItemIds.Count != task.ItemCount)
            problems.Add(("item_ids", $"lists {spec.ItemIds.Count} ids, the task has {task.ItemCount} items"));
        int labels = task.LabelsAreItems ? 0 : task.LabelCount;
        if (spec.LabelIds.Count != labels)
            problems.Add(("label_ids", task.LabelsAreItems
                ? "must be empty (labels are written as item tokens)"
                : $"lists {spec.LabelIds.Count} ids, the task has {labels} labels"));
        return problems;
    }

    public static TaskVocabulary Build(IReadOnlyList<(InjectedTaskSpec Spec, InjectedTask Task)> tasks, int tokenizerVocabSize, int eosId)
    {
        int next = tokenizerVocabSize;
        var owner = new Dictionary<int, string>();
        var result = new List<TaskTokens>();
        foreach (var (spec, task) in tasks)
        {
            int labels = task.LabelsAreItems ? 0 : task.LabelCount;
            int[] items, ownLabels;
            switch (spec.Tokens)
            {
                case Append:
                    items = Enumerable.Range(next, task.ItemCount).ToArray();
                    ownLabels = Enumerable.Range(next + task.ItemCount, labels).ToArray();
                    next += task.ItemCount + labels;
                    break;
                case Existing:
                    if (ListedIdProblems(spec, task) is [var (key, problem), ..])
                        throw new ArgumentException($"{task.Name}: {key} {problem}.");
                    items = [.. spec.ItemIds];
                    ownLabels = [.. spec.LabelIds];
                    foreach (int id in items.Concat(ownLabels))
                    {
                        if (id < 0 || id >= tokenizerVocabSize)
                            throw new ArgumentException($"{task.Name}: token id {id} is not in the tokenizer's vocabulary 0..{tokenizerVocabSize - 1}.");
                        if (id == eosId) throw new ArgumentException($"{task.Name}: token id {id} is the EOS id.");
                    }
                    break;
                case Sampled:
                {
                    // Ids of the tokenizer's own vocabulary, drawn from the task's seed in the upper half of
                    // the ids (a BPE numbers its later, rarer merges last, so text seldom uses them): the
                    // model's vocabulary stays the tokenizer's (the paper's parameter counts), no id is EOS
                    // or another task's.
                    int low = tokenizerVocabSize / 2;
                    var order = StableRng.Seed(spec.Seed, 7, 2).Permutation(tokenizerVocabSize - low).Select(i => i + low);
                    var free = order.Where(id => id != eosId && !owner.ContainsKey(id)).Take(task.ItemCount + labels).ToArray();
                    if (free.Length < task.ItemCount + labels)
                        throw new ArgumentException($"{task.Name}: the upper half of the tokenizer's vocabulary of {tokenizerVocabSize} (where sampled ids are drawn) " +
                            $"has {free.Length} ids left for its {task.ItemCount + labels} task tokens; give it tokens: append, or fewer items.");
                    items = free[..task.ItemCount];
                    ownLabels = free[task.ItemCount..];
                    break;
                }
                default:
                    throw new ArgumentException($"{task.Name}: tokens must be {Append}, {Existing} or {Sampled} (got '{spec.Tokens}').");
            }
            foreach (int id in items.Concat(ownLabels))
                if (!owner.TryAdd(id, task.Name))
                    throw new ArgumentException($"{task.Name}: token id {id} is used twice (also by {owner[id]}).");
            result.Add(new TaskTokens(task.Name, items, task.LabelsAreItems ? items : ownLabels));
        }
        var names = result.GroupBy(t => t.Task).FirstOrDefault(g => g.Count() > 1);
        if (names is not null) throw new ArgumentException($"Two injected tasks are named '{names.Key}'.");
        return new TaskVocabulary(result, tokenizerVocabSize, next);
    }
}
