using Apache.Arrow;
using Apache.Arrow.Ipc;
using Retention.Artifacts;

namespace Retention.Data;

/// <summary>
/// Collects the data-quality issues of a run: each skipped line or shard with its reason,
/// counted per reason and written as <c>data_quality.arrow</c> (shard, line, reason, detail).
/// </summary>
/// <remarks>
/// Thread-safe (sources may be read on different threads). A badly broken corpus can have
/// millions of bad lines, so only the first <c>maxRecorded</c> issues are kept as rows; the
/// counts stay exact (<see cref="Total"/> &gt; rows written tells that rows were dropped).
/// </remarks>
public sealed class DataQualityLog(int maxRecorded = DataQualityLog.DefaultMaxRecorded)
{
    public const int DefaultMaxRecorded = 100_000;

    /// <summary>Arrow schema of data_quality.arrow (column names are the SQL names).</summary>
    public static readonly RecordBatchBuilder<DataQualityIssue> Table = new RecordBatchBuilder<DataQualityIssue>()
        .Utf8("shard", r => r.Shard).Int64("line", r => r.Line)
        .Utf8("reason", r => r.Reason).Utf8("detail", r => r.Detail);

    private readonly Lock _lock = new();
    private readonly List<DataQualityIssue> _issues = [];
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _total;
    // Issues an interrupted attempt recorded, which the resumed stream will meet again when it
    // re-reads what lay between its checkpoint and the reader's position at the kill. Known by place and reason, not by
    // detail: the detail is free text, which a checkpoint of an earlier version words otherwise.
    private readonly Dictionary<(string Shard, long Line, string Reason), int> _replay = [];

    /// <summary>A log that starts with the issues an earlier attempt recorded (see
    /// <see cref="Read"/>) and ignores each of them once when it is met again after the resume (the same shard, line and
    /// reason; the earlier row, with its detail, is kept). Shards an earlier version named by absolute path are renamed
    /// first (<see cref="EarlierIssueNames"/>).</summary>
    public static DataQualityLog Resuming(IEnumerable<DataQualityIssue> earlier, int maxRecorded = DefaultMaxRecorded)
    {
        var log = new DataQualityLog(maxRecorded);
        foreach (var issue in earlier)
        {
            log.Record(issue);
            log._replay[Key(issue)] = log._replay.GetValueOrDefault(Key(issue)) + 1;
        }
        return log;
    }

    /// <summary>
    /// Records <paramref name="issue"/>. With <paramref name="strict"/> it then throws a
    /// <see cref="DataException"/> ("shard:line: reason: detail"): recording first means the
    /// table written after the failure still shows what stopped the run.
    /// </summary>
    public void Record(DataQualityIssue issue, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(issue);
        lock (_lock)
        {
            if (_replay.TryGetValue(Key(issue), out var again) && again > 0)
            {
                _replay[Key(issue)] = again - 1;
                if (strict) throw new DataException(issue);
                return;
            }
            _total++;
            _counts[issue.Reason] = _counts.GetValueOrDefault(issue.Reason) + 1;
            if (_issues.Count < maxRecorded) _issues.Add(issue);
        }
        if (strict) throw new DataException(issue);
    }

    private static (string, long, string) Key(DataQualityIssue issue) => (issue.Shard, issue.Line, issue.Reason);

    /// <summary>All issues seen, including any beyond the rows kept.</summary>
    public long Total { get { lock (_lock) return _total; } }

    /// <summary>A snapshot of the kept issues, in the order they were recorded.</summary>
    public IReadOnlyList<DataQualityIssue> Issues { get { lock (_lock) return [.. _issues]; } }

    /// <summary>A snapshot of the exact count of issues per reason.</summary>
    public IReadOnlyDictionary<string, long> CountsByReason
    {
        get { lock (_lock) return new Dictionary<string, long>(_counts, StringComparer.Ordinal); }
    }

    /// <summary>"3 data-quality issues: invalid_json 2, empty_text 1" ("1 data-quality issue: ..." for one), the bad lines and
    /// shards counted by reason: the one wording of a run's warning (<see cref="Summary"/>), `bench data`'s and the data
    /// commands'; null when there were none.</summary>
    public string? Counts()
    {
        lock (_lock)   // the total and the counts of one moment
            return _total == 0 ? null
                : $"{Messages.Counted.Of(_total, "data-quality issue", "N0")}: {string.Join(", ", _counts.Select(p => $"{p.Key} {p.Value:N0}"))}";
    }

    /// <summary>"3 data-quality issues: invalid_json 2, empty_text 1 (data_quality.arrow)", what a run warns of at its end
    /// (its table holds the lines); null when there were none.</summary>
    public string? Summary(string table) => Counts() is { } counts ? $"{counts} ({table})" : null;

    /// <summary>Writes the kept issues to <paramref name="path"/> (atomically; an empty table when none).</summary>
    public Task WriteAsync(string path, CancellationToken ct = default) =>
        ArrowFiles.WriteTableAsync(path, Table, Issues, ct);

    /// <summary>The issues a <see cref="WriteAsync"/> file holds (none when it is absent).</summary>
    public static IReadOnlyList<DataQualityIssue> Read(string path)
    {
        if (!File.Exists(path)) return [];
        // Apache.Arrow's own error ("Invalid magic at offset <10>") names no file: a checkpoint's damaged log is named as its stage times are.
        ArrowTableWriter.RequireColumns(path, Table.Schema);
        using var reader = new ArrowFileReader(File.OpenRead(path));
        var issues = new List<DataQualityIssue>();
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch)
            {
                var (shard, line, reason, detail) = ((StringArray)batch.Column("shard"), (Int64Array)batch.Column("line"),
                    (StringArray)batch.Column("reason"), (StringArray)batch.Column("detail"));
                for (int i = 0; i < batch.Length; i++)
                    issues.Add(new DataQualityIssue(shard.GetString(i), line.GetValue(i) ?? 0, reason.GetString(i), detail.GetString(i)));
            }
        return issues;
    }
}
