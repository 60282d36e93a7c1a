namespace Retention.Data;

// Bound from YAML as it is (see TokenizerSpec.cs); values are checked where the task, its
// vocabulary and its schedule are built.

/// <summary>One injected synthetic task (paper-spec Part 2): T_CMP or T_ADD.</summary>
public sealed record InjectedTaskSpec
{
    /// <summary>comparison (which of two items is larger under a hidden total order) | modular_addition ((a + b) mod p).</summary>
    public string Kind { get; init; } = ComparisonTask.KindName;

    /// <summary>The task's name in tables (injections.arrow, metrics); defaults to "cmp" / "add".</summary>
    public string? Name { get; init; }

    /// <summary>
    /// f: injected instances per training token. Over any whole number of gaps, a window of n batches
    /// of B rows of L trained positions holds floor(f·B·L·n) instances up to one (exactly
    /// floor(f·B·L·s) after every injection step s, counted from step 1). Each instance is three task
    /// tokens (TOK1 TOK2 LABEL), so the task-token share of training tokens is 3f. Paper range
    /// 7.8e-3 (2^-7) down to 2.4e-8; at OLMo's 4M-token batch (B·L = 2^22) 2.4e-8 is one instance
    /// every 10 batches and 2^-22 ≈ 2.4e-7 one per batch. Must be in (0, 0.125], and one injection
    /// (f·B·L·G instances, 4 tokens each with the EOS) must fit in half of the batch's rows
    /// (see <see cref="InjectionSchedule"/> and <see cref="Injector"/>).
    /// </summary>
    public double Frequency { get; init; } = 1.0 / 1024;

    /// <summary>G: inject every G batches (at steps G, 2G, ...), f·B·L·G instances at a time; 1 = continuous.
    /// The long-run frequency is the same for every G.</summary>
    public long Gap { get; init; } = 1;

    /// <summary>
    /// Items of the task: n items of the hidden order (comparison; n(n-1) ordered pairs must cover
    /// <see cref="Instances"/>, so n ≥ 101 for 10K) or the modulus p (modular_addition; p² pairs,
    /// p ≥ 101 for 10K; 113 is the classic grokking modulus). 0 = the default for the kind
    /// (101 items for comparison, p = 113 for modular addition).
    /// </summary>
    public int Items { get; init; }

    /// <summary>Distinct instances generated (paper: 10K).</summary>
    public int Instances { get; init; } = 10_000;

    /// <summary>Of those, how many form the train split (injected); the rest are the held-out test split (paper: 5K/5K).</summary>
    public int TrainInstances { get; init; } = 5_000;

    /// <summary>Seed of the hidden order, the instance sample, the train/test split and the order instances are injected in.
    /// Separate from the run seed so every run of a sweep sees the same task.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// append: the task's item and label tokens are new ids after the tokenizer's vocabulary
    /// (V, V + 1, ..., in task order); existing: they are the ids listed in item_ids / label_ids;
    /// sampled: ids of the tokenizer's vocabulary drawn from the task's seed in the upper half of the ids
    /// (rarer BPE merges; not EOS, not another task's), so the model keeps the tokenizer's vocabulary size
    /// (the paper's parameter counts).
    /// </summary>
    public string Tokens { get; init; } = TaskVocabulary.Append;

    /// <summary>existing: one id per item (n or p of them), each below the tokenizer's vocabulary size.</summary>
    public IReadOnlyList<int> ItemIds { get; init; } = [];

    /// <summary>existing, comparison only: the two label ids (first item larger, second item larger).
    /// Modular addition's labels are its item tokens (the residue c is written as item c).</summary>
    public IReadOnlyList<int> LabelIds { get; init; } = [];

    public string TaskName => Name ?? (Kind == ModularAdditionTask.KindName ? "add" : "cmp");
}
