using Retention.Messages;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `pipeline bench` through the CLI, at toy sizes: not how fast (benchmarks print figures, tests do
/// not time), but that each measures what it says and records it where it says. The checks are
/// invariants a wrong measurement breaks: the same stream at every thread count and repeat, the
/// pre-tokenized file holding exactly the stream's rows, the paper's parameter count for the model timed.
/// </summary>
public sealed class BenchCommandTests() : InTempFolder("bench-cli-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    (int Exit, string Out, string Err) Pipeline(params string[] args) => CliProcess.Run(dir, Limit, args);

    /// <summary>The one record the command wrote: its path is the output's "recorded:" line.</summary>
    static List<Dictionary<string, object?>> Recorded(string dir, string output)
    {
        var path = output.Split('\n').Single(l => l.StartsWith("recorded: ", StringComparison.Ordinal))["recorded: ".Length..].Trim();
        Assert.StartsWith(Path.Combine("artifacts", "bench"), path);
        return ArrowRows.Read(Path.Combine(dir, path));
    }

    [Fact]
    public void Bench_data_measures_the_same_stream_at_every_thread_count_and_repeat_and_records_it()
    {
        TinyCorpus.WriteShard(dir);
        var (exit, output, err) = Pipeline("bench", "data", "--source", "shards/a.jsonl", "--threads", "1,2", "--epochs", "2", "--repeats", "2",
            "--seq-len", "64", "--batch-size", "2");
        Assert.True(exit == 0, err + output);
        Assert.Contains("1 thread: text → batches at", output);
        Assert.Contains("(median of 2;", output);
        // Each thread count warms up first, untimed: the first repeat measured the tokenizer's cold caches and unoptimised code.
        foreach (var threads in new[] { 1, 2 })
            Assert.True(output.IndexOf($"{Counted.Of(threads, "thread")}, warm-up: one untimed measurement of each path (not recorded)", StringComparison.Ordinal) is var at
                && at >= 0 && at < output.IndexOf($"{Counted.Of(threads, "thread")}, #1:", StringComparison.Ordinal), output);
        Assert.DoesNotContain("warning", err);   // a clean corpus
        var rows = Recorded(dir, output);

        var raw = rows.Where(r => (string?)r["path"] == "raw tokenizer").ToList();
        var library = rows.Where(r => (string?)r["path"] == "library tokenizer").ToList();
        var text = rows.Where(r => (string?)r["path"] == "text").ToList();
        Assert.Equal(4, raw.Count);   // 2 thread counts × 2 repeats
        // The library alone, without the stream's word cache, is measured beside it and encodes the same tokens.
        Assert.Equal(4, library.Count);
        Assert.Equal(raw.Select(r => (long)r["tokens"]!), library.Select(r => (long)r["tokens"]!));
        Assert.Contains("of the library tokenizer alone (", output);
        Assert.Equal(4, text.Count);
        Assert.Equal([0, 1, 0, 1], text.Select(r => (int)r["repeat"]!));
        Assert.All(raw, r => Assert.Equal(200L * 2, (long)r["documents"]!));   // 200 documents, 2 passes
        // The tokenizer and the stream are deterministic: every measurement handled the same tokens.
        Assert.Single(raw.Select(r => (long)r["tokens"]!).Distinct());
        var streamed = Assert.Single(text.Select(r => (long)r["tokens"]!).Distinct());
        Assert.Equal(0, streamed % (65 * 2));   // whole batches of 2 rows × (64 + 1) tokens, as a data run counts them
        // The raw tokenizer counts what the stream packs, an EOS a document (instances replace tokens, adding none): the stream
        // is short of it by its last part-batch alone.
        Assert.InRange((long)raw[0]["tokens"]! - streamed, 0, 65 * 2 - 1);
        Assert.All(rows.Where(r => (string?)r["path"] != "reading"), r => Assert.True((double)r["tokens_per_s"]! > 0));
        // Beside each repeat, the shards read alone: the shard's bytes each pass (uncompressed here), no tokens; the ceiling the
        // output gives is the raw tokenizer's CPU share of its own and the reading's, median over the repeats.
        var reading = rows.Where(r => (string?)r["path"] == "reading").ToList();
        Assert.Equal(4, reading.Count);
        Assert.All(reading, r => Assert.Equal(new FileInfo(Path.Combine(dir, "shards", "a.jsonl")).Length * 2, (long)r["bytes"]!));
        Assert.All(reading, r => Assert.Equal(0L, (long)r["tokens"]!));
        Assert.All(rows.Where(r => (string?)r["path"] != "reading"), r => Assert.Equal(0L, (long)r["bytes"]!));
        foreach (var threads in new[] { 1, 2 })
        {
            var ceilings = Enumerable.Range(0, 2).Select(repeat =>
            {
                double Cpu(string path) => (double)rows.Single(r => (string?)r["path"] == path && (int)r["threads"]! == threads && (int)r["repeat"]! == repeat)["cpu_seconds"]!;
                return Cpu("raw tokenizer") / (Cpu("raw tokenizer") + Cpu("reading"));
            }).Order().ToList();
            Assert.Contains($"{Counted.Of(threads, "thread")}: reading the shards alone (opened and decompressed as the stream does, nothing parsed) costs ", output);
            Assert.Contains($"a stream that reads them can move at most {(ceilings[0] + ceilings[1]) / 2:F2} of its tokens per CPU second " +
                $"({ceilings[0]:F2}–{ceilings[1]:F2})", output);
        }
        // Each measurement records the CPU seconds it took, not the process's since it started (a second or more of start-up
        // and tokenizer loading before any of these millisecond measurements): no more than its cores could give in its wall
        // time, within the kernel's 10 ms accounting tick.
        Assert.All(rows, r => Assert.InRange((double)r["cpu_seconds"]!, 0, (double)r["seconds"]! * Environment.ProcessorCount + 0.025));
        Assert.Contains("per CPU second it moves ", output);
        // The pre-tokenized file is written from the stream's rows (64 inputs + the last target each) and read back whole.
        Assert.Equal(streamed, (long)rows.Single(r => (string?)r["path"] == "pretokenized")["tokens"]!);

        var bad = Pipeline("bench", "data", "--source", "shards/a.jsonl", "--repeats", "0");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--repeats", bad.Err);
    }

    /// <summary>--parse-ahead parses lines on the thread pool (the default on 4 cores or more; CI's 2 cores parse as they read):
    /// the stream packs the same tokens, and the bench says how it parsed. A negative count is a usage error.</summary>
    [Fact]
    public void Bench_data_parses_ahead_when_asked_and_streams_the_same_tokens()
    {
        TinyCorpus.WriteShard(dir);
        string[] common = ["bench", "data", "--source", "shards/a.jsonl", "--threads", "2", "--epochs", "2", "--repeats", "1", "--seq-len", "64", "--batch-size", "2"];
        var inTurn = Pipeline([.. common, "--parse-ahead", "0"]);
        var ahead = Pipeline([.. common, "--parse-ahead", "4"]);
        Assert.True(inTurn.Exit == 0 && ahead.Exit == 0, inTurn.Err + ahead.Err);
        Assert.Contains("the stream parses lines on its reading thread (--parse-ahead 0)", inTurn.Out);
        Assert.Contains("the stream parses up to 4 lines ahead on the thread pool (--parse-ahead)", ahead.Out);
        long Streamed((int Exit, string Out, string Err) run) =>
            (long)Recorded(dir, run.Out).Single(r => (string?)r["path"] == "text")["tokens"]!;
        Assert.Equal(Streamed(inTurn), Streamed(ahead));

        var bad = Pipeline([.. common, "--parse-ahead", "-1"]);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--parse-ahead must be 0 or more.", bad.Err);
    }

    /// <summary>The default thread counts are 1 and the machine's cores: on one core (a 1-CPU Slurm allocation; here
    /// DOTNET_PROCESSOR_COUNT=1) that is 1 alone, not "1,1", which was refused as a count given twice (exit 2).</summary>
    [Fact]
    public void Bench_data_on_one_core_measures_one_thread_by_default()
    {
        TinyCorpus.WriteShard(dir);
        var (exit, output, err) = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["DOTNET_PROCESSOR_COUNT"] = "1" },
            "bench", "data", "--source", "shards/a.jsonl", "--epochs", "1", "--repeats", "1", "--seq-len", "64", "--batch-size", "2");

        Assert.True(exit == 0, err + output);
        Assert.Contains("1 thread: text → batches at", output);
        Assert.DoesNotContain("2 threads", output);
    }

    [Fact]
    public void Bench_data_over_shards_with_bad_lines_warns_with_their_count()
    {
        TinyCorpus.WriteShard(dir);
        File.AppendAllLines(Path.Combine(dir, "shards", "a.jsonl"), ["not json", "{\"id\": \"no text\"}"]);
        File.WriteAllText(Path.Combine(dir, "shards", "empty.jsonl"), "");
        var (exit, output, err) = Pipeline("bench", "data", "--source", "shards/*.jsonl", "--threads", "1", "--epochs", "1", "--repeats", "1",
            "--seq-len", "64", "--batch-size", "2");
        Assert.True(exit == 0, err + output);
        // A run's wording of the counts (DataQualityLog.Counts), then the first issue: it was "3 bad line(s) or shard(s) (...".
        Assert.Contains("warning: the sources hold 3 data-quality issues: ", err);
        foreach (var count in new[] { "invalid_json 1", "missing_text 1", "empty_shard 1" }) Assert.Contains(count, err);
        Assert.Contains(" (their lines and shards skipped in every measurement: the figures are of the rest); the first: ", err);
        Assert.Matches("; the first: shards/(a.jsonl:201: invalid_json|empty.jsonl:0: empty_shard): ", err);   // the shards in seeded order
        Assert.Contains("recorded: ", output);   // a warning, not a refusal
    }

    [Fact]
    public void Bench_train_times_the_named_preset_at_the_papers_parameter_count()
    {
        var (exit, output, err) = Pipeline("bench", "train", "--model", "4M", "--steps", "1", "--seq-len", "16", "--batch-size", "1", "--phases", "1");
        Assert.True(exit == 0, err + output);
        // --phases prints each phase's time after the figures, in step order.
        var phases = Assert.Single(output.Split('\n'), l => l.StartsWith("phases"));
        Assert.Matches("ZeroGrad [0-9.]+, Upload [0-9.]+, Forward [0-9.]+, Backward [0-9.]+, NormAndClip [0-9.]+, Update [0-9.]+; sum", phases);
        Assert.Contains("synchronised after each (1 step):", phases);   // was "(1 steps)"
        var row = Assert.Single(Recorded(dir, output));
        Assert.Equal(6_963_200L, row["parameters"]);
        Assert.Equal(("cpu", 1, 16, 1), ((string?)row["device"], (int)row["batch_size"]!, (int)row["seq_len"]!, (int)row["steps"]!));
        // tokens/s is tokens per step over seconds per step.
        Assert.Equal(16 / (double)row["step_seconds"]!, (double)row["tokens_per_s"]!, 6);
    }

    [Fact]
    public void Bench_parity_finds_the_cpu_equal_to_itself_and_bf16_within_rounding_of_fp32()
    {
        var (exit, output, err) = Pipeline("bench", "parity", "--device", "cpu", "--steps", "3");
        Assert.True(exit == 0, err + output);
        Assert.Contains("against fp32 on the CPU, 3 steps in 2 micro-batches: loss ", output);   // "2 micro-batch(es)" before
        var rows = Recorded(dir, output);
        Assert.Equal(["fp32", "bf16"], rows.Select(r => (string?)r["precision"]));
        // The same path on the same device is deterministic: no difference at all.
        var fp32 = rows[0];
        Assert.Equal((0.0, 0.0, 0.0, true), ((double)fp32["loss_difference"]!, (double)fp32["grad_norm_difference"]!, (double)fp32["weight_difference"]!, (bool)fp32["agrees"]!));
        // bf16 rounds every matmul's inputs: a difference, within the tolerance.
        var bf16 = rows[1];
        Assert.InRange((double)bf16["grad_norm_difference"]!, 1e-7, (double)bf16["tolerance"]!);
        Assert.True((bool)bf16["agrees"]!);

        var bad = Pipeline("bench", "parity", "--device", "cpu", "--grad-accumulation", "3");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--grad-accumulation", bad.Err);
    }

    [Fact]
    public void Bench_parity_says_one_step_in_one_micro_batch_in_the_singular()
    {
        // "1 step in 1 micro-batch(es)" before.
        var (exit, output, err) = Pipeline("bench", "parity", "--device", "cpu", "--steps", "1", "--grad-accumulation", "1");
        Assert.True(exit == 0, err + output);
        Assert.Contains("fp32 on cpu against fp32 on the CPU, 1 step in 1 micro-batch: loss ", output);
    }

    [Fact]
    public void Bench_parity_exits_1_and_records_the_disagreement_when_a_difference_exceeds_the_tolerance()
    {
        // bf16 differs from fp32 on the CPU (by 1e-7 or more, above), fp32 not at all: a tolerance between the two
        // makes exactly the bf16 comparison disagree.
        var (exit, output, err) = Pipeline("bench", "parity", "--device", "cpu", "--steps", "2", "--tolerance", "1e-9");
        Assert.True(exit == 1, err + output);
        Assert.Contains("bf16 on cpu", output.Split('\n').Single(l => l.Contains("DIFFER")));
        var rows = Recorded(dir, output);
        Assert.Equal([(true, 1e-9), (false, 1e-9)], rows.Select(r => ((bool)r["agrees"]!, (double)r["tolerance"]!)));

        foreach (var bad in new[] { "-1", "NaN" })
        {
            var refused = Pipeline("bench", "parity", "--device", "cpu", "--tolerance", bad);
            Assert.Equal(2, refused.Exit);
            Assert.Contains("--tolerance", refused.Err);
        }
    }

    [Fact]
    public void Bench_synthetic_records_one_row_per_width()
    {
        var (exit, output, err) = Pipeline("bench", "synthetic", "--widths", "4,8", "--steps", "20", "--seeds", "0", "--mode", "single");
        Assert.True(exit == 0, err + output);
        var rows = Recorded(dir, output);
        Assert.Equal([4, 8], rows.Where(r => r["cells"] is 1).Select(r => (int)r["width"]!).Order());
        Assert.All(rows, r => Assert.Equal((int)r["steps"]! / (double)r["seconds"]!, (double)r["steps_per_s"]!, 6));
    }

    [Fact]
    public void A_stopped_bench_ends_at_its_next_step_with_130_and_records_nothing()
    {
        // It trained on through the grace period (2 minutes) and then died of a segmentation fault.
        using var bench = CliProcess.Start(dir, "bench", "train", "--seq-len", "64", "--batch-size", "2", "--steps", "1000000", "--vocab", "300", "--threads", "1");
        bench.WaitUntil(() => bench.Output.Contains("attention kernel"), Limit, "the timed steps");
        bench.Signal(2);
        var (exit, output, err) = bench.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.True(exit == 130, output + err);
        Assert.DoesNotContain("recorded:", output);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts", "bench")));

        var empty = Path.Combine(dir, "empty.json.gz");
        File.WriteAllBytes(empty, []);
        var nothing = Pipeline("bench", "data", "--source", empty, "--epochs", "1", "--repeats", "1");
        Assert.True(nothing.Exit == 1, nothing.Out + nothing.Err);
        Assert.Contains("the sources yielded no document", nothing.Err);   // not a NaN figure
        var sql = Pipeline("bench", "query", "--runs", "2", "--sql", "SELEC 1");   // refused before a template run is trained for it
        Assert.True(sql.Exit == 2, sql.Out + sql.Err);
        Assert.StartsWith("error: --sql Parser Error: syntax error at or near \"SELEC\"", sql.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts", "bench")));
    }

    /// <summary>`bench parity` did not look at the stop: stopped during its bf16 comparison it ran on, recorded both and exited 0
    /// (or, given more steps, was ended by the grace period).</summary>
    [Fact]
    public void A_stopped_bench_parity_ends_at_its_next_step_with_130_and_records_nothing()
    {
        using var bench = CliProcess.Start(dir, "bench", "parity", "--device", "cpu", "--steps", "100");
        bench.WaitUntil(() => bench.Output.Contains("fp32 on cpu against"), Limit, "the fp32 comparison");   // the bf16 one has begun (100 steps: seconds, so the stop comes within them)
        bench.Signal(15);
        var (exit, output, err) = bench.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.True(exit == 130, output + err);
        Assert.DoesNotContain("bf16 on cpu", output);
        Assert.DoesNotContain("recorded:", output);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts", "bench")));
    }

    /// <summary>Sources whose every document the bench's 1-in-1000 held-out slice takes ("held2009" is one, see
    /// DataTokenCountsCliTests): the stream has nothing to train on. The raw tokenizer timed them all the same, and the refusal
    /// said the sources held 20 tokens, too few for a batch, of a batch of 2 rows of 5.</summary>
    [Fact]
    public void Bench_data_over_held_out_documents_alone_says_so()
    {
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        File.WriteAllLines(Path.Combine(dir, "shards", "a.jsonl"), [$"{{\"id\": \"held2009\", \"text\": \"{string.Concat(Enumerable.Repeat(" b", 20))}\"}}"]);
        var (exit, output, err) = Pipeline("bench", "data", "--source", "shards/a.jsonl", "--threads", "1", "--epochs", "1", "--repeats", "1",
            "--seq-len", "4", "--batch-size", "2", "--task-frequency", "0");   // no task: one cannot fit half a row of 5
        Assert.True(exit == 1, err + output);
        Assert.Contains("every document of the sources (1) is held out for validation, as the stream skips it (one in 1,000", err);
        Assert.DoesNotContain("recorded:", output);
    }

    /// <summary>Sources with documents, but too few tokens to fill one batch in the passes asked for: the stream yields no batch,
    /// and it recorded "text → batches 0.00 M tokens/s" and a pre-tokenized rate of 0 tokens as measured figures.</summary>
    [Fact]
    public void Bench_data_over_sources_too_small_for_one_batch_is_refused_not_recorded_as_a_rate_of_zero()
    {
        TinyCorpus.WriteShard(dir);   // 200 documents of 30 words: about 6,000 tokens a pass
        var work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        var (exit, output, err) = CliProcess.Run(work, Limit, "bench", "data", "--source", "../shards/a.jsonl", "--threads", "1", "--epochs", "1",
            "--repeats", "1", "--seq-len", "2048", "--batch-size", "8");
        Assert.True(exit == 1, output + err);
        Assert.Matches(@"^error: the sources hold [0-9,]+ tokens in 1 pass \(--epochs\), too few to fill one batch of 8 rows of 2049 tokens " +
            @"\(--batch-size, --seq-len \+ 1\): nothing to measure; raise --epochs or lower --batch-size or --seq-len\s*$", err);
        Assert.DoesNotContain("M tokens/s", output);
        Assert.DoesNotContain("recorded:", output);
        Assert.False(Directory.Exists(Path.Combine(work, "artifacts")));
    }

    List<string> Listing() => [.. Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("bench train --model 5M", "--model 5M: unknown OLMo preset '5M'; allowed: 4M, 20M, 300M, 1B, 4B")]
    // A misspelt value is said with the one meant, as a misspelt command or option is, and --device's values.
    [InlineData("bench train --model 4m", "--model 4m: unknown OLMo preset '4m' (did you mean '4M'?); allowed: 4M, 20M, 300M, 1B, 4B")]
    [InlineData("bench synthetic --mode singel", "--mode singel: unknown mode 'singel' (did you mean 'single'?); allowed: single, batched, bucketed, both")]
    [InlineData("bench synthetic --grid fig3", "--grid fig3: unknown grid 'fig3' (did you mean 'fig2'?); allowed: fig2")]
    [InlineData("bench train --precision fp16", "--precision fp16: unknown precision; allowed: auto, fp32, bf16")]
    [InlineData("bench train --batch-size 2 --grad-accumulation 3 --seq-len 64 --vocab 1000",
        "--batch-size 2 does not split into --grad-accumulation 3 equal micro-batches: give a batch size that is a multiple of it")]
    [InlineData("bench query --runs 2 --run missing", "--run missing: does not exist")]
    [InlineData("bench data --task-frequency 0.2", "--task-frequency must be 0 (no task) or in (0, 0.125] instances per token, as a task's frequency, got 0.2")]
    // A task that cannot fit half a row, in the bench's own options (the injector's words named a gap and YAML keys, exit 1):
    // ceil(0.01 × 1 × 4) = 1 instance, one 4-token segment in a row of 5, more than its 2.
    [InlineData("bench data --seq-len 4 --batch-size 1 --task-frequency 0.01", "--task-frequency 0.01: an injection of up to 1 instance puts " +
        "1 segment of 4 tokens in a row of 5, more than half of it; lower --task-frequency, or raise --seq-len or --batch-size")]
    // An entry left out was dropped: the bench measured 4 and 8 as if that were what was asked.
    [InlineData("bench synthetic --widths 4,,8", "--widths: entry 2 of '4,,8' is empty; give whole numbers separated by commas")]
    [InlineData("bench query --runs 2,", "--runs: entry 2 of '2,' is empty; give whole numbers separated by commas")]
    [InlineData("bench synthetic --grid fig2 --widths 4", "--grid fig2 and --widths both name the widths: give one of them")]
    [InlineData("bench synthetic --widths 16,1000,600",
        "--widths: width 1000 is more than the input dimension D = tasks × dims_per_task = 32 × 16 = 512; a width is at most D, as synthetic.width in a pipeline")]
    [InlineData("bench synthetic --widths 65 --tasks 8 --dims-per-task 8",
        "--widths: width 65 is more than the input dimension D = tasks × dims_per_task = 8 × 8 = 64; a width is at most D, as synthetic.width in a pipeline")]
    [InlineData("bench synthetic --grid fig2 --tasks 8",
        "--grid fig2: width 512 is more than the input dimension D = tasks × dims_per_task = 8 × 16 = 128; a width is at most D, as synthetic.width in a pipeline")]
    public void A_bad_bench_input_is_a_usage_error_in_one_line_before_any_work(string command, string expected)
    {
        var before = Listing();
        var (exit, output, err) = Pipeline(command.Split(' '));
        Assert.True(exit == 2, output + err);
        Assert.Equal($"error: {expected}", err.Trim());
        Assert.Equal("", output);   // nothing measured, not even the matmul peak bench train times first
        Assert.Equal(before, Listing());
    }

    /// <summary>`bench data --source` given nothing it reads exited 1 (a failed measurement) where `data tokenize` given the
    /// same exits 2, as README's exit codes say of data sources matching no shard file, and a folder of other files was
    /// told a pipeline's advice ("check the source's format").</summary>
    [Fact]
    public void Bench_data_sources_that_match_no_shard_are_a_usage_error_before_any_work()
    {
        Directory.CreateDirectory(Path.Combine(dir, "notes"));
        File.WriteAllText(Path.Combine(dir, "notes", "a.txt"), "text\n");
        var before = Listing();
        foreach (var (source, expected) in new[]
        {
            ("missing/*.jsonl", $"error: 'missing/*.jsonl' matches no shard file (relative to {dir})"),
            ("notes", $"error: folder '{Path.Combine(dir, "notes")}' holds no shard file; it has 1 file of another kind, e.g. 'a.txt': " +
                "`bench data --source` reads Dolma JSON lines (.json.gz, .jsonl, .json.zst, ...); it writes and times a token file of its own"),
        })
        {
            var (exit, output, err) = Pipeline("bench", "data", "--source", source, "--threads", "1");
            Assert.True(exit == 2, output + err);
            Assert.Equal(expected, err.Trim());
            Assert.Equal("", output);
            Assert.Equal(before, Listing());
        }
    }

    /// <summary>A file where a bench's records go (--artifacts a file, or a file on its path, or artifacts/bench a file) is
    /// refused before anything is measured, exit 2, naming the file, as `run` refuses one where the sweep goes. Before, every
    /// bench measured first (bench query trained its template run, bench probes the pipeline's runs) and then failed with .NET's
    /// "Could not find a part of the path '.../afile/bench'", exit 1: a GPU's minutes lost and no figures kept.</summary>
    [Fact]
    public void A_file_where_the_bench_records_go_is_refused_before_anything_is_measured()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyCorpus.TinyOlmo(dir) + "\nprobes: {gradients: {neurons: 4}}\n");
        File.WriteAllText(Path.Combine(dir, "afile"), "mine");
        var onPath = $"'{Path.Combine(dir, "afile")}' is a file where a folder on the bench records' path ({Path.Combine(dir, "afile", "bench")}) goes";
        foreach (var args in new[]
                 {
                     new[] { "bench", "synthetic", "--widths", "4", "--tasks", "4", "--dims-per-task", "4", "--steps", "1", "--batch-size", "8" },
                     ["bench", "train", "--steps", "1", "--seq-len", "16", "--batch-size", "1", "--vocab", "300", "--threads", "1"],
                     ["bench", "parity", "--device", "cpu", "--steps", "1"],
                     ["bench", "data", "--source", "shards/a.jsonl", "--threads", "1", "--epochs", "1", "--repeats", "1", "--seq-len", "64", "--batch-size", "2"],
                     ["bench", "query", "--runs", "1"],
                     ["bench", "probes", "tiny.yaml"],
                 })
        {
            var before = Listing();
            var (exit, output, err) = Pipeline([.. args, "--artifacts", "afile"]);
            Assert.True(exit == 2, string.Join(' ', args) + ": " + output + err);
            Assert.Equal($"error: --artifacts afile: {onPath}: give another --artifacts, or move the file", err.Trim());
            Assert.Equal("", output);   // nothing measured
            Assert.Equal(before, Listing());
        }
        var sub = Pipeline("bench", "synthetic", "--widths", "4", "--tasks", "4", "--dims-per-task", "4", "--steps", "1", "--artifacts", "afile/sub");
        Assert.True(sub.Exit == 2, sub.Out + sub.Err);
        Assert.Contains($"'{Path.Combine(dir, "afile")}' is a file where a folder on the bench records' path ({Path.Combine(dir, "afile", "sub", "bench")}) goes", sub.Err);

        Directory.CreateDirectory(Path.Combine(dir, "artifacts"));
        File.WriteAllText(Path.Combine(dir, "artifacts", "bench"), "mine");
        var named = Pipeline("bench", "parity", "--device", "cpu", "--steps", "1");   // the default --artifacts
        Assert.True(named.Exit == 2, named.Out + named.Err);
        Assert.Equal($"error: --artifacts artifacts: '{Path.Combine(dir, "artifacts", "bench")}' is a file where the bench records' folder goes: " +
            "give another --artifacts, or move the file", named.Err.Trim());
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "artifacts", "bench")));
    }

    [Fact]
    public void Bench_probes_needs_a_file_as_the_embedded_default_has_no_probes_to_measure()
    {
        var before = Listing();
        var (exit, output, err) = Pipeline("bench", "probes");
        Assert.True(exit == 2, output + err);
        Assert.StartsWith("error: Required argument 'file' missing for command: 'probes'.", err.Trim());
        Assert.Equal(before, Listing());
        var help = Pipeline("bench", "probes", "--help");
        Assert.Contains("pipeline bench probes <file> [options]", help.Out);
        Assert.Contains("with a probes: section", help.Out);
        Assert.DoesNotContain("synthetic-capacity.yaml", help.Out);
    }

    /// <summary>A probes: section that turns no probe on (`every:` alone) has nothing to measure: the bench trained every run and
    /// recorded "probes 0.0 s = 0.0% of it ()", exit 0. Refused before any training, exit 2, as a file without probes: is.</summary>
    [Fact]
    public void Bench_probes_with_no_probe_on_is_refused_before_training()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyCorpus.TinyOlmo(dir) + "\nprobes: {every: 5}\n");
        var before = Listing();
        var (exit, output, err) = Pipeline("bench", "probes", "tiny.yaml");
        Assert.True(exit == 2, output + err);
        Assert.Equal("error: tiny.yaml has no probe to measure: its probes: section turns on none of das, fourier, gradients and " +
                     "injection_eval (a subsection present is on, e.g. probes: {das: {}})", err.Trim());
        Assert.Equal("", output);
        Assert.Equal(before, Listing());
    }

    /// <summary>A device this machine lacks is refused (exit 2, nothing run) as `run` refuses it; `bench probes` had already made
    /// its scratch folder, artifacts/bench/probe-runs/tiny-&lt;time&gt;/, and left it there, empty.</summary>
    [Fact]
    public void Bench_probes_on_a_device_this_machine_lacks_is_refused_leaving_nothing()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyCorpus.TinyOlmo(dir) + "\nprobes: {gradients: {neurons: 4}}\n");
        var before = Listing();
        var (exit, output, err) = Pipeline("bench", "probes", "tiny.yaml", "--device", "cuda:99");   // no GPU 99, with CUDA or without
        Assert.True(exit == 2, output + err);
        Assert.StartsWith("error: device 'cuda:99' was asked for but ", err.Trim());
        Assert.Equal(before, Listing());
    }

    [Fact]
    public void Bench_query_wants_a_run_directory_and_names_a_sweeps_runs()
    {
        foreach (var run in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(dir, "sw", "runs", run));
            File.WriteAllText(Path.Combine(dir, "sw", "runs", run, "run.yaml"), "name: sw\n");
        }
        var (exit, output, err) = Pipeline("bench", "query", "--runs", "2", "--run", "sw");
        Assert.True(exit == 2, output + err);
        Assert.Equal($"error: --run sw: is a sweep directory, not a run; give --run one of its runs: {Path.Combine("sw", "runs", "a")}, {Path.Combine("sw", "runs", "b")}", err.Trim());

        // A width equal to D is allowed (the bound is inclusive, as validate's).
        var edge = Pipeline("bench", "synthetic", "--widths", "64", "--tasks", "8", "--dims-per-task", "8", "--steps", "1", "--batch-size", "8");
        Assert.True(edge.Exit == 0, edge.Out + edge.Err);
    }

    /// <summary>bench query's default template run is scratch of its own: with another bench query training (here: the lock of
    /// the shared artifacts/bench/query-template/template it used, held), it measures and records, and leaves no scratch sweep
    /// among the records. Before, the second of two benches started side by side failed, exit 1, "in use by another pipeline
    /// process", though the README says benches side by side record to -2, -3.</summary>
    [Fact]
    public void Bench_query_beside_another_trains_its_template_apart_and_leaves_only_its_record()
    {
        var shared = Path.Combine(dir, "artifacts", "bench", "query-template", "template");
        using (Retention.Artifacts.SweepLock.Acquire(shared))
        {
            var (exit, output, err) = Pipeline("bench", "query", "--runs", "1");
            Assert.True(exit == 0, output + err);
            var row = Assert.Single(Recorded(dir, output));
            Assert.Equal(1, (int)row["runs"]!);
        }
        Directory.Delete(Path.Combine(dir, "artifacts", "bench", "query-template"), recursive: true);   // the other's
        var left = Assert.Single(Directory.GetFileSystemEntries(Path.Combine(dir, "artifacts", "bench")));
        Assert.Matches(@"query-\d{8}-\d{6}\.arrow$", left);
    }

    /// <summary>bench probes trains in a scratch folder of its own: with another bench probes of the same pipeline training (here:
    /// the lock of the shared artifacts/bench/probe-runs/tiny it used, held), it measures and records, and removes its runs once
    /// recorded. Before, the second of two started side by side failed, exit 1, "in use by another pipeline process".</summary>
    [Fact]
    public void Bench_probes_beside_another_of_the_same_pipeline_trains_apart_and_removes_its_runs()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyCorpus.TinyOlmo(dir) + "\nprobes: {gradients: {neurons: 4}}\n");
        var shared = Path.Combine(dir, "artifacts", "bench", "probe-runs", "tiny");
        using (Retention.Artifacts.SweepLock.Acquire(shared))
        {
            var (exit, output, err) = Pipeline("bench", "probes", "tiny.yaml");
            Assert.True(exit == 0, output + err);
            var rows = Recorded(dir, output);
            Assert.Contains(rows, r => (string?)r["stage"] == "gradients" && (long)r["calls"]! > 0);
            // The summary line gives each probe's seconds, not its calls: those count every step's before and after, most doing
            // nothing, and read as probe runs ("das 22.9 s in 4002 calls" for a probe that ran 6 times).
            var gradients = (double)Assert.Single(rows, r => (string?)r["stage"] == "gradients")["seconds"]!;
            Assert.Contains($"gradients {gradients:F1} s)", output);
            Assert.DoesNotContain(" calls", output);
        }
        Assert.Equal([shared], Directory.GetFileSystemEntries(Path.Combine(dir, "artifacts", "bench", "probe-runs")));   // the other's alone

        // Alone, it leaves no probe-runs/ folder (it was left empty): bench/ holds the records only, as after bench query.
        Directory.Delete(Path.Combine(dir, "artifacts", "bench", "probe-runs"), recursive: true);
        var alone = Pipeline("bench", "probes", "tiny.yaml");
        Assert.True(alone.Exit == 0, alone.Out + alone.Err);
        Assert.All(Directory.GetFileSystemEntries(Path.Combine(dir, "artifacts", "bench")), e => Assert.Matches(@"probes-\d{8}-\d{6}(-\d+)?\.arrow$", e));
    }

    /// <summary>Stopped during its scratch runs, bench probes passed on the runner's lines for `pipeline run`: "checkpoint saved,
    /// --resume continues from it" and "artifacts written so far are complete and readable", though it has no --resume and its
    /// scratch runs are no results. It says it recorded nothing and where its scratch runs are left.</summary>
    [Fact]
    public void A_stopped_bench_probes_says_it_recorded_nothing_and_where_its_scratch_runs_are_not_how_to_resume_them()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyCorpus.TinyOlmo(dir, steps: 1_000_000) + "\nprobes: {gradients: {neurons: 4}}\n");
        using var bench = CliProcess.Start(dir, "bench", "probes", "tiny.yaml");
        bench.WaitUntil(() => bench.Output.Contains(" parameters "), Limit, "the scratch run's training");
        bench.Signal(15);
        var (exit, output, err) = bench.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.True(exit == 130, output + err);
        Assert.DoesNotContain("--resume", output + err);
        Assert.DoesNotContain("complete and readable", output + err);
        Assert.DoesNotContain("recorded:", output);
        var left = Assert.Single(Directory.GetDirectories(Path.Combine(dir, "artifacts", "bench", "probe-runs")));
        Assert.Contains($"stopped before the runs ended: nothing recorded; the scratch runs are left in {Path.Combine("artifacts", "bench", "probe-runs", Path.GetFileName(left))}\n",
            output);
    }

    /// <summary>A count of one was said as many: "0.00s for 1 steps", "batched 1 cells together".</summary>
    [Fact]
    public void Bench_synthetic_says_one_step_and_one_cell_in_the_singular()
    {
        var (exit, output, err) = Pipeline("bench", "synthetic", "--widths", "4", "--steps", "1", "--mode", "both", "--tasks", "4", "--dims-per-task", "4");
        Assert.True(exit == 0, output + err);
        Assert.Matches(@"single  width-4_seed-0 +[0-9.]+ steps/s \([0-9.]+s for 1 step on cpu\)\n", output);
        Assert.Matches(@"batched 1 cell together: .* \([0-9.]+s for 1 step on cpu\)\n", output);
        Assert.Matches(@"bucketed 1 trainer \(4\): ", output);
        // A count of 1 said in the plural, not a rate's last digit: "\b1 steps" also matched "213.1 steps/s" (rightly plural).
        const string pluralOne = @"(?<![0-9.,])1 (steps|cells|trainers)\b(?!/)";
        Assert.Matches(pluralOne, "(0.00s for 1 steps on cpu)");
        Assert.DoesNotMatch(pluralOne, "213.1 steps/s (11 cells, 21 steps)");
        Assert.DoesNotMatch(pluralOne, output);
    }

    /// <summary>SQL that parses but names a table the runs lack failed the first timed query after the copies, exit 1, as a
    /// failed measurement; `query` calls that invalid input (exit 2).</summary>
    [Fact]
    public async Task Bench_query_sql_the_runs_cannot_answer_is_a_usage_error_before_the_copies()
    {
        var run = Path.Combine(dir, "sw", "runs", "a");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "run.yaml"), "name: sw\n");
        await Retention.Artifacts.ArrowFiles.WriteTableAsync(Path.Combine(run, "metrics.arrow"),
            new Retention.Artifacts.RecordBatchBuilder<long>().Int64("step", s => s), [0L, 10L]);
        var before = Listing();
        var (exit, output, err) = Pipeline("bench", "query", "--runs", "2", "--run", run, "--sql", "SELECT count(*) FROM metric");
        Assert.True(exit == 2, output + err);
        Assert.StartsWith("error: --sql: Catalog Error: Table with name metric does not exist!", err.Trim());
        Assert.Equal("", output);
        Assert.Equal(before, Listing());   // nothing recorded

        var fine = Pipeline("bench", "query", "--runs", "2", "--run", run, "--sql", "SELECT count(*) FROM metrics");
        Assert.True(fine.Exit == 0, fine.Out + fine.Err);
        var row = Assert.Single(Recorded(dir, fine.Out));
        Assert.Equal((2, 2L), ((int)row["runs"]!, (long)row["files"]!));   // two copies of the run's one Arrow file
    }

    [Fact]
    public void Bench_parity_with_auto_on_a_machine_without_a_gpu_says_so_and_fails()
    {
        var gpu = Retention.Training.Devices.Resolve("auto").type != TorchSharp.DeviceType.CPU;
        foreach (var args in new[] { new[] { "bench", "parity", "--steps", "1" }, ["bench", "parity", "--steps", "1", "--device", "auto"] })
        {
            var (exit, output, err) = Pipeline(args);
            Assert.Equal(2, Recorded(dir, output).Count);   // the check ran and is recorded either way
            if (gpu)
            {
                Assert.True(exit == 0, output + err);
                Assert.DoesNotContain("no GPU found", err);
            }
            else
            {
                // A CPU-only LibTorch must not pass `bench parity && run ...` on a GPU server as if the GPU agreed.
                Assert.True(exit == 1, output + err);
                Assert.StartsWith("error: no GPU found: --device auto checked the CPU against itself", err.Trim());
                Assert.Contains("give --device cpu", err);
            }
        }
    }
}
