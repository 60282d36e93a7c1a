namespace Retention.Data;

/// <summary>One task as the injector feeds it: its instances, its tokens and its schedule.</summary>
public sealed record TaskFeed(InjectedTask Task, TaskTokens Tokens, InjectionSchedule Schedule);

/// <summary>The injector's part of a checkpoint: the last step injected and each task's cumulative count then.</summary>
public sealed record InjectorCursor(long Step, IReadOnlyList<long> Injected);

/// <summary>A batch after injection and the instances placed into it.</summary>
public sealed record InjectedBatch(TokenBatch Batch, IReadOnlyList<TaskInjectionRow> Injections);

/// <summary>
/// Places each step's scheduled instances into its batch. Every instance is its own short segment
/// EOS TOK1 TOK2 LABEL that replaces four tokens of a row, so rows keep their length, the text stream
/// (and so the packer cursor) is the same at every frequency and gap, and runs that differ only in
/// the task see the same text at the same positions. The segment's EOS starts a fresh context as a
/// document boundary does; what follows LABEL is the rest of the interrupted text.
///
/// Which instances: a task's n-th injected instance (n counted from the run's first step) is train
/// instance Perm_e[n mod N] of epoch e = n div N, with N the train split size and Perm_e a seeded
/// permutation: every train instance is injected once per epoch, in an order that changes per epoch.
/// Where: the step's instances (task by task, in that order) go round-robin over a seeded
/// permutation of the rows, so rows differ by at most one instance; within a row the segments get
/// uniformly random non-overlapping positions (k distinct draws from R - 4k + k, spread out by 3).
/// Both draws are pure functions of (seed, step) and the instance counts of (schedule, step), so the
/// injector keeps no state: a resumed run injects exactly what the uninterrupted run did.
/// One consumer at a time (it caches the current epoch's permutation per task).
/// </summary>
public sealed class Injector
{
    /// <summary>Tokens per injected segment: EOS TOK1 TOK2 LABEL.</summary>
    public const int SegmentLength = 4;

    private readonly IReadOnlyList<TaskFeed> _feeds;
    private readonly int _eosId, _batchSize, _rowLength;
    private readonly long _seed;
    private readonly (long Epoch, int[] Order)[] _epochCache;

    public Injector(IReadOnlyList<TaskFeed> feeds, int eosId, int batchSize, int rowLength, long seed)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, SegmentLength);
        _feeds = feeds;
        _eosId = eosId;
        _batchSize = batchSize;
        _rowLength = rowLength;
        _seed = seed;
        _epochCache = new (long, int[])[feeds.Count];
        for (int i = 0; i < feeds.Count; i++) _epochCache[i] = (-1, []);

        // Capacity: the largest injection must fit in half of every row it is spread over, so that
        // most of each row stays text. A gapped schedule at high frequency is what can exceed it.
        var fit = InjectionFit.Of(feeds.Select(f => f.Schedule), batchSize, rowLength);
        if (!fit.Fits)
            throw new ArgumentException($"{char.ToUpperInvariant(fit.Excess()[0])}{fit.Excess()[1..]}; " +
                "lower the frequency or the gap, or raise batch_size or seq_len.");
    }

    public IReadOnlyList<TaskFeed> Feeds => _feeds;

    /// <summary>The cursor after the given step (each task's count is a function of the step).</summary>
    public InjectorCursor CursorAt(long step) => new(step, [.. _feeds.Select(f => f.Schedule.CumulativeAt(step))]);

    /// <summary>Checks that a saved cursor belongs to this configuration (same schedules), so a resume cannot silently change the stream.</summary>
    public void CheckResume(InjectorCursor cursor)
    {
        var expected = CursorAt(cursor.Step);
        if (!expected.Injected.SequenceEqual(cursor.Injected))
            throw new InvalidOperationException(
                $"The checkpoint's injection counts at step {cursor.Step} ({string.Join(", ", cursor.Injected)}) differ from this configuration's " +
                $"({string.Join(", ", expected.Injected)}): the task frequencies, gaps or batch shape changed.");
    }

    /// <summary>The instances the batch of <paramref name="step"/> receives, as (feed index, ordinal n of the task's injections).</summary>
    public IEnumerable<(int Feed, long Ordinal)> Scheduled(long step)
    {
        for (int f = 0; f < _feeds.Count; f++)
        {
            var schedule = _feeds[f].Schedule;
            int count = schedule.CountAt(step);
            long first = schedule.CumulativeAt(step) - count;
            for (int i = 0; i < count; i++) yield return (f, first + i);
        }
    }

    /// <summary>The train instance a task's n-th injection shows.</summary>
    public TaskInstance InstanceFor(int feed, long ordinal)
    {
        var task = _feeds[feed].Task;
        int n = task.TrainCount;
        long epoch = ordinal / n;
        if (_epochCache[feed].Epoch != epoch)
            _epochCache[feed] = (epoch, StableRng.Seed(task.Seed, StableRng.HashString(task.Name), epoch, 7).Permutation(n));
        return task.Instances[_epochCache[feed].Order[ordinal % n]];
    }

    /// <summary>Writes the step's segments into a copy of the batch and lists them.</summary>
    public InjectedBatch Inject(TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.BatchSize != _batchSize || batch.RowLength != _rowLength)
            throw new ArgumentException($"Batch is {batch.BatchSize}×{batch.RowLength}; the injector was built for {_batchSize}×{_rowLength}.");
        var scheduled = Scheduled(batch.Step).ToList();
        if (scheduled.Count == 0) return new InjectedBatch(batch, []);

        var rng = StableRng.Seed(_seed, batch.Step, 11);
        var rowOrder = rng.Permutation(_batchSize);
        var perRow = new List<int>[_batchSize];
        for (int i = 0; i < scheduled.Count; i++) (perRow[rowOrder[i % _batchSize]] ??= []).Add(i);

        var tokens = (int[])batch.Tokens.Clone();
        var rows = new TaskInjectionRow[scheduled.Count];
        for (int row = 0; row < _batchSize; row++)
        {
            if (perRow[row] is not { } items) continue;
            int k = items.Count;
            // Non-overlapping placements of k segments of length S in R slots ↔ k distinct values
            // x_0 < ... < x_(k-1) in [0, R - kS + k): start_i = x_i + i(S - 1).
            var x = rng.SortedDistinct(k, _rowLength - k * SegmentLength + k);
            for (int i = 0; i < k; i++)
            {
                int start = (int)x[i] + i * (SegmentLength - 1);
                var (feed, ordinal) = scheduled[items[i]];
                var instance = InstanceFor(feed, ordinal);
                var (tok1, tok2, label) = _feeds[feed].Tokens.Encode(instance);
                int at = row * _rowLength + start;
                tokens[at] = _eosId;
                tokens[at + 1] = tok1;
                tokens[at + 2] = tok2;
                tokens[at + 3] = label;
                rows[items[i]] = new TaskInjectionRow(batch.Step, row, start + 1, _feeds[feed].Task.Name, instance.Id);
            }
        }
        return new InjectedBatch(batch with { Tokens = tokens }, rows);
    }

    /// <summary>Builds the feeds a list of task specs describes, for a tokenizer vocabulary and a batch shape.</summary>
    public static (Injector Injector, TaskVocabulary Vocabulary) Create(
        IReadOnlyList<InjectedTaskSpec> specs, PackingSpec packing, int tokenizerVocabSize, int eosId, long seed)
    {
        var tasks = specs.Select(s => (s, InjectedTask.Create(s))).ToList();
        var vocabulary = TaskVocabulary.Build(tasks, tokenizerVocabSize, eosId);
        var feeds = tasks.Select((t, i) => new TaskFeed(t.Item2, vocabulary.Tasks[i],
            InjectionSchedule.Create(t.s.Frequency, packing.TokensPerBatch, t.s.Gap))).ToList();
        return (new Injector(feeds, eosId, packing.BatchSize, packing.RowLength, seed), vocabulary);
    }
}
