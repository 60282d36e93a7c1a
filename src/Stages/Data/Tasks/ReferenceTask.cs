using System.Globalization;
using Retention.Spec;

namespace Retention.Data;

/// <summary>One reference instance as text: what the model reads and the answer it should continue with.</summary>
public sealed record ReferenceInstance(long A, long B, long Answer, string Prompt, string Continuation);

/// <summary>A reference task tokenized for scoring: rows of EOS + prompt + continuation, right-padded, with the
/// positions whose targets are the continuation's tokens.</summary>
public sealed record ReferenceSet(string Task, int Count, int RowLength, long[] Tokens, bool[] Scored)
{
    /// <summary>The reference split's name in task_metrics.</summary>
    public const string Split = "reference";
}

/// <summary>Arithmetic written as text (<see cref="ReferenceTaskSpec"/>): the instances and their tokens. Pure.</summary>
public static class ReferenceTask
{
    public static readonly string[] Operations = ["add", "subtract", "multiply"];

    public static string Sign(string operation) => operation switch { "add" => "+", "subtract" => "-", "multiply" => "*", _ => "?" };

    /// <summary>The instances, operands drawn from the spec's seed.</summary>
    public static IReadOnlyList<ReferenceInstance> Instances(ReferenceTaskSpec spec)
    {
        var rng = new Random(spec.Seed);
        long low = spec.Digits == 1 ? 0 : (long)Math.Pow(10, spec.Digits - 1), high = (long)Math.Pow(10, spec.Digits);
        var cut = spec.Template.LastIndexOf("{c}", StringComparison.Ordinal);
        var instances = new List<ReferenceInstance>(spec.Instances);
        for (int i = 0; i < spec.Instances; i++)
        {
            long a = rng.NextInt64(low, high), b = rng.NextInt64(low, high);
            long c = spec.Operation switch { "add" => a + b, "subtract" => a - b, "multiply" => a * b, _ => throw new ArgumentException(spec.Operation) };
            string Fill(string text) => text.Replace("{a}", Text(a)).Replace("{b}", Text(b)).Replace("{op}", Sign(spec.Operation));
            var before = Fill(spec.Template[..cut]);
            // The answer keeps the space text puts before it ("= 19" tokenizes as "=", " 19" in GPT-2's BPE).
            var prompt = before.TrimEnd();
            instances.Add(new ReferenceInstance(a, b, c, prompt, before[prompt.Length..] + Text(c)));
        }
        return instances;
    }

    /// <summary>Each instance as EOS + prompt + continuation tokens; the continuation's tokens are the scored targets.</summary>
    public static ReferenceSet Tokenize(string task, IReadOnlyList<ReferenceInstance> instances, TextTokenizer tokenizer)
    {
        var rows = instances.Select(i => (Prompt: tokenizer.Encode(i.Prompt), Answer: tokenizer.Encode(i.Continuation))).ToList();
        int length = rows.Max(r => 1 + r.Prompt.Length + r.Answer.Length);
        var tokens = new long[rows.Count * length];
        var scored = new bool[rows.Count * (length - 1)];
        Array.Fill(tokens, tokenizer.EosId);
        for (int i = 0; i < rows.Count; i++)
        {
            var (prompt, answer) = rows[i];
            prompt.Select(t => (long)t).ToArray().CopyTo(tokens, i * length + 1);
            answer.Select(t => (long)t).ToArray().CopyTo(tokens, i * length + 1 + prompt.Length);
            // Input position p predicts token p + 1: the answer's tokens are the targets at positions prompt.Length … prompt.Length + |answer| − 1.
            for (int k = 0; k < answer.Length; k++) scored[i * (length - 1) + prompt.Length + k] = true;
        }
        return new ReferenceSet(task, rows.Count, length, tokens, scored);
    }

    /// <summary>The reference tasks tokenized, each with its key and why its longest instance does not fit rows of
    /// <paramref name="seqLen"/> trained positions (null where it fits): the one rule the run stops on before training (the
    /// scorer would fail at the step-0 evaluation without saying which) and `validate` says at the key where the tokenizer
    /// can be had offline.</summary>
    public static IReadOnlyList<(string Key, ReferenceSet Set, string? Problem)> Fitted(IReadOnlyList<ReferenceTaskSpec> specs,
        TextTokenizer tokenizer, int seqLen) =>
        [.. specs.Select((r, i) =>
        {
            var set = Tokenize(r.TaskName, Instances(r), tokenizer);
            return ($"olmo.reference_tasks[{i}]", set, set.RowLength - 1 <= seqLen ? null :
                $"{r.TaskName}'s longest instance is {set.RowLength - 1} tokens with the EOS, more than data.packing.seq_len ({seqLen}); " +
                "shorten the template or the digits, or raise seq_len");
        })];

    static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
