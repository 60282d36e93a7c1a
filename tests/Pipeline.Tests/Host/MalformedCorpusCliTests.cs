using System.Collections.Concurrent;
using Retention.Tests.Spec;

namespace Retention.Tests.Host;

/// <summary>
/// The malformed-input corpus through the CLI, the way a user meets it: every broken file or
/// override fails `validate` with exit 2 and a message positioned at file:line:column (or naming
/// the --set), and `run` on it fails the same way before any work, leaving no sweep directory.
/// </summary>
public class MalformedCorpusCliTests() : InTempFolder("corpus-")
{
    sealed record Case(string Problem, byte[] File, string[] Sets, string Where, string[] Fragments);

    static Case Yaml(string problem, string where, string[] fragments, params string[] lines) =>
        new(problem, System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), [], where, fragments);

    const string Olmo = "experiment: olmo";
    static readonly string[] OlmoData = ["data:", "  sources: [{paths: ['http://example.org/shard.json.gz']}]", "  packing: {seq_len: 32, batch_size: 4}"];

    /// <summary>Cases beyond MalformedSpecTests: values only the runtime used to reject, analysis typos,
    /// resources, encodings, paths and overrides. <c>Where</c> is "line:column" or the --set text.</summary>
    static IEnumerable<Case> Extra() =>
    [
        Yaml("negative layers", "6:16", ["olmo.layers", "must be >= 0"], ["name: a", Olmo, .. OlmoData, "olmo: {layers: -2}"]),
        Yaml("heads not dividing hidden", "6:27", ["olmo.heads", "must divide hidden (64)"], ["name: a", Olmo, .. OlmoData, "olmo: {preset: 4M, heads: 6}"]),
        // 8 layers of hidden 10^9: about 3.2e19 parameters, which counted negative in a long and passed `validate` as "ok".
        Yaml("a hidden size whose parameter count overflows", "6:16", ["olmo.hidden", "more than a 64-bit count holds"],
            ["name: a", Olmo, .. OlmoData, "olmo: {hidden: 1000000000, heads: 1}"]),
        Yaml("odd head width", "6:27", ["head width", "even"], ["name: a", Olmo, .. OlmoData, "olmo: {hidden: 72, heads: 8}"]),
        Yaml("negative checkpoint interval", "6:26", ["olmo.checkpoint_every", "must be >= 0"], ["name: a", Olmo, .. OlmoData, "olmo: {checkpoint_every: -5}"]),
        Yaml("beta2 of one", "6:15", ["olmo.beta2", "[0, 1)"], ["name: a", Olmo, .. OlmoData, "olmo: {beta2: 1.0}"]),
        Yaml("NaN weight decay", "6:22", ["olmo.weight_decay", "finite"], ["name: a", Olmo, .. OlmoData, "olmo: {weight_decay: .nan}"]),
        Yaml("negative validation rows", "6:30", ["data.packing.validation_rows", "must be >= 0"],
            ["name: a", Olmo, "olmo: {}", "data:", "  sources: [{paths: ['http://example.org/s.json.gz']}]", "  packing: {validation_rows: -1}"]),
        Yaml("task with more instances than pairs", "8:7", ["data.tasks[0]", "only 20 distinct instances"],
            ["name: a", Olmo, "olmo: {}", .. OlmoData, "  tasks:", "    - {kind: comparison, items: 5, instances: 100, train_instances: 50}"]),
        Yaml("injection larger than half the rows", "7:10", ["data.tasks", "more than half"],
            ["name: a", Olmo, "olmo: {}", .. OlmoData, "  tasks: [{kind: comparison, frequency: 0.1, gap: 50}]"]),
        Yaml("width above the input dimension", "2:48", ["synthetic.width", "at most the input dimension D = 16"],
            ["name: a", "synthetic: {tasks: 4, dims_per_task: 4, width: 900}"]),
        Yaml("enormous steps", "2:16", ["train.steps", "at most 10,000,000,000"], ["name: a", "train: {steps: 1000000000000}"]),
        // Shown at the written key grown furthest past its default (tasks: 6,250,000 times its 32; width 256 times its 16).
        Yaml("a grid that cannot fit in memory", "2:20", ["synthetic.tasks", "needs about", "this machine has"],
            ["name: a", "synthetic: {tasks: 200000000, dims_per_task: 16, width: 4096}"]),
        Yaml("a batch that cannot fit in memory, in a file without a synthetic section", "2:21", ["train.batch_size", "needs about", "lower train.batch_size"],
            ["name: a", "train: {batch_size: 2000000000}"]),
        Yaml("an OLMo model that cannot fit in memory", "6:7", ["olmo", "4B shape", "needs about", "raise olmo.grad_accumulation"],
            ["name: a", Olmo, .. OlmoData, "olmo: {preset: 4B}"]),
        Yaml("max loss ratio below one", "2:25", ["train.max_loss_ratio", "0 (off) or a finite number > 1"], ["name: a", "train: {max_loss_ratio: 0.5}"]),
        Yaml("analysis SQL typo", "5:37", ["analysis.tables[0].sql", "stpe", "(checked against the tables the runs will write"],
            ["name: a", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}", "analysis:", "  tables:", "    - {name: last, sql: 'SELECT max(stpe) FROM metrics'}"]),
        Yaml("plot axis typo", "5:80", ["analysis.plots[0].y", "no column 'los'"],
            ["name: a", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}", "analysis:", "  plots:",
             "    - {name: p, kind: line, sql: 'SELECT step, loss FROM metrics', x: step, y: los}"]),
        Yaml("analysis table named like a run table", "5:14", ["analysis.tables[0].name", "a table the runs write"],
            ["name: a", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}", "analysis:", "  tables:", "    - {name: metrics, sql: 'SELECT 1'}"]),
        Yaml("missing data path", "4:22", ["data.sources[0].paths[0]", "matches no shard file", "--data-dir"],
            ["name: a", "experiment: data", "data:", "  sources: [{paths: ['nowhere/*.json.gz']}]"]),
        Yaml("missing Brown corpus", "4:22", ["data.sources[0].paths[0]", "matches no shard file", "; `pipeline data brown --out /"],
            ["name: a", "experiment: data", "data:", "  sources: [{paths: ['data/brown/*.json.gz']}]"]),
        Yaml("missing tokenizer file", "4:32", ["data.tokenizer.path", "no such file"],
            ["name: a", "experiment: data", "data:", "  tokenizer: {kind: bpe, path: missing-vocab.json, merges_path: missing-merges.txt}",
             "  sources: [{paths: ['http://example.org/s.json.gz']}]"]),
        Yaml("pretokenized mixed with text", "4:53", ["data.sources[0].format", "cannot be mixed"],
            ["name: a", "experiment: data", "data:", "  sources: [{paths: ['http://e.org/a.bin'], format: pretokenized}, {paths: ['http://e.org/b.json.gz']}]"]),
        new("bytes that are not UTF-8", [.. "name: a\ndescription: caf"u8.ToArray(), 0xE9, .. "\n"u8.ToArray()], [], "2:17", ["not valid UTF-8", "0xE9"]),
        new("bad --set value", "name: a\n"u8.ToArray(), ["train.steps=abc"], "--set train.steps=abc", ["expected an integer"]),
        new("--set on an unknown key", "name: a\n"u8.ToArray(), ["trian.steps=5"], "--set trian.steps=5", ["unknown key 'trian'", "did you mean 'train'"]),
        new("--set sweep value not a list", "name: a\n"u8.ToArray(), ["sweep.seed=3"], "--set sweep.seed=3", ["a list of values"]),
        new("--set out of range", "name: a\n"u8.ToArray(), ["train.lr=-1"], "--set train.lr=-1", ["must be a finite number > 0"]),
    ];

    static IEnumerable<Case> Corpus()
    {
        foreach (var row in MalformedSpecTests.Cases)
        {
            var (problem, yaml, line, column) = ((string)row[0], (string)row[1], (int)row[2], (int)row[3]);
            yield return new Case(problem, System.Text.Encoding.UTF8.GetBytes(yaml), [], $"{line}:{column}", (string[])row[5]);
        }
        foreach (var c in Extra()) yield return c;
    }

    [Fact]
    public void Every_malformed_file_or_override_fails_validate_and_run_with_exit_2_a_positioned_message_and_no_work()
    {
        var cases = Corpus().ToList();
        Assert.True(cases.Count >= 60, $"the corpus has {cases.Count} cases");
        var failures = new ConcurrentBag<string>();
        Parallel.ForEach(cases.Select((c, i) => (c, i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, item =>
        {
            var (c, i) = item;
            var file = $"case-{i}.yaml";
            File.WriteAllBytes(Path.Combine(dir, file), c.File);
            var sets = c.Sets.SelectMany(s => new[] { "--set", s }).ToArray();
            var where = c.Where.StartsWith("--set") ? $"error: {c.Where}: " : $"error: {file}:{c.Where}: ";
            foreach (var command in new[] { "validate", "run" })
            {
                var artifacts = $"out-{i}";
                var (exit, _, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(2), [command, file, .. sets, .. command == "run" ? new[] { "--artifacts", artifacts } : []]);
                var problems = new List<string>();
                if (exit != 2) problems.Add($"exit {exit}");
                if (!err.Contains(where)) problems.Add($"no '{where}'");
                problems.AddRange(c.Fragments.Where(f => !err.Contains(f)).Select(f => $"no '{f}'"));
                if (err.Contains("   at ") || err.Contains("Exception")) problems.Add("a stack trace or exception name");
                if (command == "run" && Directory.Exists(Path.Combine(dir, artifacts))) problems.Add("run left a directory");
                if (problems.Count > 0) failures.Add($"{c.Problem} ({command}): {string.Join(", ", problems)}\n    {err.Trim().Replace("\n", "\n    ")}");
            }
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} of {2 * cases.Count} checks failed:\n" + string.Join("\n", failures.Order()));
    }
}
