using Retention.Data;

namespace Retention.Spec;

/// <summary>
/// The rules that need the tokenizer's vocabulary size and EOS id: the injected tasks' token ids (listed ids inside the
/// vocabulary, enough free ids to sample from) and a set olmo.vocab_size large enough for them. The run sizes its model
/// by the same rules (<see cref="Pipeline.OlmoRunGraph.ModelConfig"/> calls <see cref="NeededIds"/> and
/// <see cref="ModelVocab"/>); said here, they fail `validate` at their keys instead of a run after its directory was made.
/// </summary>
public static class TokenizerFit
{
    /// <summary>Size and EOS of a built-in vocabulary where the kind pins them (no build, no fetch); null where the
    /// tokenizer must be built to know (a file, or GPT-2 with another EOS token).</summary>
    public static TokenizerIdentity? Known(TokenizerSpec spec) => spec.Kind switch
    {
        TextTokenizer.Cl100kBase when Cl100kTokenizer.SpecialTokens.TryGetValue(spec.EosToken, out int eos) =>
            new(Cl100kTokenizer.SpecialTokens.Values.Max() + 1, eos, null),
        TextTokenizer.Gpt2 when spec.EosToken == Gpt2Vocabulary.EosToken => new(Gpt2Vocabulary.Size, Gpt2Vocabulary.EosId, null),
        _ => null,
    };

    /// <summary>What the vocabulary refuses, each with the key to say it at (<see cref="Fit.Problems"/>), and otherwise the
    /// model's vocabulary as the run sizes it (<see cref="Fit.ModelVocab"/>: olmo.vocab_size, or the tokenizer's plus the
    /// appended task tokens), so that what `validate` prints is counted by the same build that checked it.</summary>
    public static Fit Check(DataSpec data, OlmoSpec? olmo, TokenizerIdentity tokenizer)
    {
        var tasks = new List<(InjectedTaskSpec, InjectedTask)>();
        int needed = tokenizer.VocabSize;   // with no task, the tokenizer's own
        for (int i = 0; i < data.Tasks.Count; i++)
        {
            InjectedTask task;
            try { task = InjectedTask.Create(data.Tasks[i]); }
            catch (ArgumentException) { return new([], null); }   // the validator says what is wrong with the task itself
            tasks.Add((data.Tasks[i], task));
            // Built task by task, so a refusal names the task whose ids do not fit (sampled ids depend on the ones before).
            try { needed = NeededIds(tasks, tokenizer.VocabSize, tokenizer.EosId); }
            catch (ArgumentException e) { return new([($"data.tasks[{i}]", WithoutTaskName(e.Message, task.Name))], null); }
        }
        var (vocab, refusal) = ModelVocab(olmo, needed, tokenizer.VocabSize);
        return refusal is null ? new([], vocab) : new([("olmo.vocab_size", refusal)], null);
    }

    /// <summary>The ids the tokenizer and the appended task tokens use: the tokenizer's with no task. Throws the task
    /// vocabulary's ArgumentException where the tasks' ids do not fit it.</summary>
    public static int NeededIds(IReadOnlyList<(InjectedTaskSpec Spec, InjectedTask Task)> tasks, int tokenizerVocabSize, int eosId) =>
        tasks.Count == 0 ? tokenizerVocabSize : TaskVocabulary.Build(tasks, tokenizerVocabSize, eosId).VocabSize;

    /// <summary>The model's vocabulary: a set olmo.vocab_size, which must hold the <paramref name="needed"/> ids
    /// (<see cref="NeededIds"/>), else those ids. The one rule the run sizes its model by
    /// (<see cref="Pipeline.OlmoRunGraph.ModelConfig"/>) and loading refuses olmo.vocab_size by.</summary>
    /// <returns>The vocabulary, or (0 and) why olmo.vocab_size is refused.</returns>
    public static (int Vocab, string? Refusal) ModelVocab(OlmoSpec? olmo, int needed, int tokenizerVocab) => olmo is { VocabSize: > 0 } o
        ? o.VocabSize < needed ? (0, VocabTooSmall(o.VocabSize, needed, tokenizerVocab)) : (o.VocabSize, null)
        : (needed, null);

    /// <summary>Where no task token is appended (no task, or every one sampled or existing), the tokenizer alone is too large:
    /// advising tokens: sampled there would advise what the tasks already do.</summary>
    static string VocabTooSmall(int vocabSize, int needed, int tokenizerVocab) => needed > tokenizerVocab
        ? $"{vocabSize} is below the {needed:N0} ids the tokenizer and the appended task tokens use " +
          "(raise it, or give the tasks tokens: sampled to use the tokenizer's own ids)"
        : $"{vocabSize} is below the tokenizer's {tokenizerVocab:N0} ids (no task token is appended); raise it to at least {tokenizerVocab:N0}";

    /// <param name="Problems">What the vocabulary refuses, each with its key; empty when the tasks and the model fit.</param>
    /// <param name="ModelVocab">The model's vocabulary where they fit; null where they do not, or a task could not be built.</param>
    public sealed record Fit(IReadOnlyList<(string Path, string Message)> Problems, int? ModelVocab);

    /// <summary>"cmp: token id 7 …" said at data.tasks[0] needs no "cmp: ".</summary>
    static string WithoutTaskName(string message, string name) =>
        message.StartsWith(name + ": ", StringComparison.Ordinal) ? message[(name.Length + 2)..].TrimEnd('.') : message.TrimEnd('.');
}
