using Apache.Arrow;
using Apache.Arrow.Ipc;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Probes;

/// <summary>The probe stages inside an OLMo run: they never change training, and they run on the schedule the README states.</summary>
public class ProbeStagesTests() : InTempFolder("probes-")
{
    static string Probes(int every) => $"probes: {{every: {every}, das: {{layer: 1, steps: 20, train_pairs: 200, test_pairs: 100}}, fourier: {{layer: 1}}, " +
                                       "gradients: {neurons: 8, instances: 500}, injection_eval: {instances: 50}}";

    /// <summary>The runs stopped at step 13: long enough to be stopped mid-run however far the trainer ran ahead of the stop
    /// (StopAt.RunAhead; 24 steps were not, on a loaded machine), probed as often as the 24-step run (7 times).</summary>
    const int StoppedSteps = 96, StoppedEvery = 16;

    string Yaml(bool probes, int steps = 24, int every = 4) => string.Join('\n',
        "name: tiny", "experiment: olmo", "device: cpu",
        "data:",
        "  sources: [{paths: ['shards/*.jsonl'], epochs: 0}]",
        $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
        "  packing: {seq_len: 32, batch_size: 8, held_out_every: 10, validation_rows: 4}",
        "  tasks: [{kind: comparison, frequency: 0.005, gap: 10}, {kind: modular_addition, frequency: 0.005}]",
        "olmo: {preset: 4M, layers: 2, hidden: 32, mlp_dim: 64, heads: 4, eval_every: 6, eval_instances: 16, checkpoint_every: 8}",
        $"train: {{steps: {steps}, lr: 0.003, warmup_steps: 1, log_every: 1}}",
        probes ? Probes(every) : "");

    async Task<PipelineResult> Run(bool probes, string name, int steps = 24, int every = 4) =>
        await PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml(probes, steps, every), "tiny.yaml"), Path.Combine(dir, name), SilentProgress.Instance,
            CancellationToken.None, dataDirectory: dir);

    static string Rows(string sweep, string sql) => SweepRows.Of(sweep, sql);

    [Fact]
    public async Task Probes_on_and_off_train_bit_identical_weights_and_the_probe_tables_follow_the_schedule()
    {
        TinyCorpus.WriteShard(dir);
        var with = await Run(probes: true, "with");
        var without = await Run(probes: false, "without");
        string Weights(PipelineResult r) => Path.Combine(r.SweepDir, "runs", "default", "export", "model.safetensors");
        Assert.Equal(File.ReadAllBytes(Weights(without)), File.ReadAllBytes(Weights(with)));
        Assert.Equal(Rows(without.SweepDir, "SELECT step, loss, grad_norm FROM train ORDER BY step"),
                     Rows(with.SweepDir, "SELECT step, loss, grad_norm FROM train ORDER BY step"));

        var sweep = with.SweepDir;
        // DAS, Fourier: at step 0 (before training), every 4 steps and at the end.
        Assert.Equal("0,4,8,12,16,20,24", Rows(sweep, "SELECT string_agg(step::VARCHAR, ',' ORDER BY step) FROM (SELECT DISTINCT step FROM das)"));
        Assert.Equal("14", Rows(sweep, "SELECT count(*) FROM das"));   // das and random at each
        Assert.Equal("7,2,57", Rows(sweep, "SELECT count(DISTINCT step), count(DISTINCT source), count(DISTINCT frequency) FROM fourier"));
        Assert.Equal("5", Rows(sweep, "SELECT count(*) FROM fourier WHERE step = 24 AND source = 'embedding' AND is_key"));
        // Each source's key frequencies are its own five strongest non-constant ones (the residual's are not the embeddings'), as README says.
        Assert.Equal("0", Rows(sweep, "SELECT count(*) FROM (SELECT is_key, row_number() OVER (PARTITION BY step, task, source ORDER BY energy DESC) AS r " +
                                      "FROM fourier WHERE frequency > 0) WHERE is_key <> (r <= 5)"));
        // Gradients: step 1 (the first batch), the periodic steps, the comparison task's injections (gap 10)
        // and, as their control, the batches half-way between them (5, 15).
        Assert.Equal("1:false,4:false,5:false,8:false,10:true,12:false,15:false,16:false,20:true,24:false",
            Rows(sweep, "SELECT string_agg(step || ':' || injection_step, ',' ORDER BY step) FROM gradients"));

        Assert.Equal("0", Rows(sweep, "SELECT count(*) FROM gradients WHERE sum_error > 1e-5"));
        // Injection retention around the gap-10 task: before (9, 19), after (10, 20), and 1, 2, 4, 8 steps after;
        // nothing before step 9 (no injection yet).
        Assert.Equal("9:before:1,10:after:1,11:between:1,12:between:1,14:between:1,18:between:1," +
                     "19:before:2,20:after:2,21:between:2,22:between:2,24:between:2",
            Rows(sweep, "SELECT string_agg(step || ':' || phase || ':' || injection, ',' ORDER BY step) FROM injection_eval"));
        // Every stage's time is recorded (stages.arrow): the 24 training steps and each stage.
        Assert.Equal("checkpoint,das,evaluate,export,fourier,gradients,injection_eval,train_step",
            Rows(sweep, "SELECT string_agg(stage, ',' ORDER BY stage) FROM stages"));
        Assert.Equal("24", Rows(sweep, "SELECT calls FROM stages WHERE stage = 'train_step'"));
    }

    [Fact]
    public async Task An_interrupted_run_with_probes_resumes_to_the_same_probe_tables()
    {
        TinyCorpus.WriteShard(dir);
        var whole = await Run(probes: true, "whole", StoppedSteps, StoppedEvery);
        using var stop = new CancellationTokenSource();
        var pipeline = SpecLoader.LoadText(Yaml(probes: true, StoppedSteps, StoppedEvery), "tiny.yaml");
        var cut = await PipelineRunner.RunAsync(pipeline, Path.Combine(dir, "cut"), new StopAt(13, stop), stop.Token, dataDirectory: dir);
        Assert.Equal("interrupted", cut.Runs.Single().Status.State);   // not finished: the resume has work to do
        var resumed = await PipelineRunner.RunAsync(pipeline, Path.Combine(dir, "cut"), SilentProgress.Instance, CancellationToken.None,
            dataDirectory: dir, resume: true);
        foreach (var sql in new[] {
            "SELECT step, kind, iia, iia_changed, train_loss FROM das ORDER BY step, kind",
            "SELECT step, source, frequency, energy, key_share, key_share_init, restricted_loss FROM fourier ORDER BY step, source, frequency",
            "SELECT step, cos_g, cos_task, cos_non_task, norm_g FROM gradients ORDER BY step",
            "SELECT step, phase, loss FROM injection_eval ORDER BY step" })
            Assert.Equal(Rows(whole.SweepDir, sql), Rows(resumed.SweepDir, sql));
    }

    [Fact]
    public async Task A_run_whose_das_table_predates_base_accuracy_resumes_with_null_there_for_its_older_rows()
    {
        TinyCorpus.WriteShard(dir);
        var whole = await Run(probes: true, "whole", StoppedSteps, StoppedEvery);
        using var stop = new CancellationTokenSource();
        var pipeline = SpecLoader.LoadText(Yaml(probes: true, StoppedSteps, StoppedEvery), "tiny.yaml");
        var cut = await PipelineRunner.RunAsync(pipeline, Path.Combine(dir, "cut"), new StopAt(13, stop), stop.Token, dataDirectory: dir);
        // What an older version left: das.arrow (complete or in parts) without the base_accuracy column.
        var runDir = Path.Combine(cut.SweepDir, "runs", "default");
        var files = Directory.EnumerateFiles(runDir, "das.arrow*", SearchOption.AllDirectories).Where(f => f.EndsWith(".arrow")).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files) DropLastColumn(file, "base_accuracy");
        var resumed = await PipelineRunner.RunAsync(pipeline, Path.Combine(dir, "cut"), SilentProgress.Instance, CancellationToken.None,
            dataDirectory: dir, resume: true);
        Assert.Equal("completed", resumed.Runs.Single().Status.State);

        const string Others = "SELECT step, kind, iia, iia_changed, train_loss, train_iia_changed FROM das ORDER BY step, kind";
        Assert.Equal(Rows(whole.SweepDir, Others), Rows(resumed.SweepDir, Others));
        // The kept rows (the probe steps, every 16th, up to the checkpoint the stop saved: 13 or, on a busy machine, up to
        // StopAt.RunAhead steps later) read NULL; those trained after it have the value.
        long at = cut.Runs.Single().Status.Steps;
        Assert.InRange(at, 13, StoppedSteps - 1);
        Assert.Equal(string.Join(",", Enumerable.Range(0, StoppedSteps / StoppedEvery + 1).Select(i => StoppedEvery * i).Where(s => s <= at)),
            Rows(resumed.SweepDir, "SELECT string_agg(step::VARCHAR, ',' ORDER BY step) FROM (SELECT DISTINCT step FROM das WHERE base_accuracy IS NULL)"));
        string Later = $"SELECT step, kind, base_accuracy FROM das WHERE step > {at} ORDER BY step, kind";
        Assert.Equal(Rows(whole.SweepDir, Later), Rows(resumed.SweepDir, Later));
    }

    static void DropLastColumn(string file, string name)
    {
        var batches = new List<RecordBatch>();
        Schema schema;
        using (var reader = new ArrowFileReader(File.OpenRead(file)))
        {
            Assert.Equal(name, reader.Schema.FieldsList[^1].Name);
            schema = new Schema(reader.Schema.FieldsList.SkipLast(1), null);
            while (reader.ReadNextRecordBatch() is { } b)
                batches.Add(new RecordBatch(schema, Enumerable.Range(0, b.ColumnCount - 1).Select(b.Column).ToList(), b.Length));
        }
        using (var stream = File.Create(file))
        using (var writer = new ArrowFileWriter(stream, schema))
        {
            writer.WriteStart();
            foreach (var b in batches) writer.WriteRecordBatch(b);
            writer.WriteEnd();
        }
    }
}
