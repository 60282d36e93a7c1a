using Retention.Data;

namespace Retention.Spec;

/// <summary>
/// The rules that need the tokenizer's vocabulary size and EOS id: the injected tasks' token ids (listed ids inside the
/// vocabulary, enough free ids to sample from) and a set olmo.vocab_size large enough for them. The run applies the same
/// rules when it builds its model (<see cref="Pipeline.OlmoRunGraph.ModelConfig"/>); said here, they fail `validate` at
/// their keys instead of a run after its directory was made.
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

    /// <summary>What the vocabulary refuses, each with the key to say it at; empty when the tasks and the model fit.</summary>
    public static IReadOnlyList<(string Path, string Message)> Problems(DataSpec data, OlmoSpec? olmo, TokenizerIdentity tokenizer)
    {
        var tasks = new List<(InjectedTaskSpec, InjectedTask)>();
        for (int i = 0; i < data.Tasks.Count; i++)
        {
            InjectedTask task;
            try { task = InjectedTask.Create(data.Tasks[i]); }
            catch (ArgumentException) { return []; }   // the validator says what is wrong with the task itself
            tasks.Add((data.Tasks[i], task));
            // Built task by task, so a refusal names the task whose ids do not fit (sampled ids depend on the ones before).
            try { TaskVocabulary.Build(tasks, tokenizer.VocabSize, tokenizer.EosId); }
            catch (ArgumentException e) { return [($"data.tasks[{i}]", WithoutTaskName(e.Message, task.Name))]; }
        }
        int needed = tasks.Count == 0 ? tokenizer.VocabSize : TaskVocabulary.Build(tasks, tokenizer.VocabSize, tokenizer.EosId).VocabSize;
        if (olmo is { VocabSize: > 0 } o && o.VocabSize < needed)
            return [("olmo.vocab_size", Pipeline.OlmoRunGraph.VocabTooSmall(o.VocabSize, needed))];
        return [];
    }

    /// <summary>The model's vocabulary as the run sizes it: olmo.vocab_size, or the tokenizer's plus the appended task tokens.</summary>
    public static int ModelVocab(DataSpec data, OlmoSpec olmo, TokenizerIdentity tokenizer) =>
        olmo.VocabSize > 0 ? olmo.VocabSize
            : data.Tasks.Count == 0 ? tokenizer.VocabSize
            : TaskVocabulary.Build([.. data.Tasks.Select(t => (t, InjectedTask.Create(t)))], tokenizer.VocabSize, tokenizer.EosId).VocabSize;

    /// <summary>"cmp: token id 7 …" said at data.tasks[0] needs no "cmp: ".</summary>
    static string WithoutTaskName(string message, string name) =>
        message.StartsWith(name + ": ", StringComparison.Ordinal) ? message[(name.Length + 2)..].TrimEnd('.') : message.TrimEnd('.');
}
