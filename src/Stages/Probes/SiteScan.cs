using Retention.Analysis;
using Retention.Artifacts;
using Retention.Data;
using Retention.Messages;
using Retention.Spec;
using Retention.Training;

namespace Retention.Probes;

/// <summary>What `pipeline probe` wrote: the folder, the summaries of the sites, and how many of the sites asked for
/// were probed (fewer when the scan was stopped; the tables then hold those sites' rows), and DAS's warnings that the model
/// does not do the task it probes (<see cref="DasBaseCheck"/>), each once, naming its sites when the scan probed several
/// (<see cref="DasSiteWarnings"/>).</summary>
public sealed record SiteScanResult(string Directory, IReadOnlyList<(string Name, QueryResult Table)> Summaries, int SitesDone, int Sites,
    IReadOnlyList<string> Warnings)
{
    public bool Interrupted => SitesDone < Sites;
}

/// <summary>
/// The representation probes (DAS, Fourier readout) of a finished OLMo run, re-run on its saved model at
/// other sites: every layer (the residual stream after 0…L blocks) × position. Which site holds a
/// variable is a search, and training again for each guess costs the whole run; the saved model
/// answers in seconds. Each site is probed exactly as during training (the run's probe settings, its
/// seeds, the same pairs), so the run's own site reproduces the final row of its das.arrow.
/// </summary>
public static class SiteScan
{
    public static readonly IReadOnlyList<string> Positions = ["tok1", "tok2"];

    /// <summary>The saved model's shape and step; an error naming the run when it has saved none.</summary>
    public static (Models.OlmoConfig Config, long Step) Describe(string runDir) => OlmoTrainer.Describe(CheckpointOf(runDir));

    /// <summary>What is wrong with the sites asked for in a model of <paramref name="depth"/> blocks, in the CLI's
    /// terms; null when nothing.</summary>
    public static string? SiteProblem(IReadOnlyList<int>? layers, IReadOnlyList<string> positions, int depth) =>
        (layers is { Count: 0 } ? [$"--layers: no layer given (0, the embeddings, to {depth}; leave it out for all)"] : Enumerable.Empty<string>())
            .Concat(positions.Count == 0 ? [$"--positions: none given; allowed: {string.Join(", ", Positions)}"] : [])
            .Concat((layers ?? []).Where(l => l < 0 || l > depth).Select(l => $"--layers: {l} is outside the model (0, the embeddings, to {depth})"))
            .Concat(positions.Where(p => !Positions.Contains(p)).Select(p => $"--positions: unknown '{p}'; allowed: {string.Join(", ", Positions)}"))
            // As --layers refuses a layer given twice: a position given twice was scanned twice, each site's rows twice in das.arrow.
            .Concat(positions.Where((p, i) => positions.Take(i).Contains(p)).Take(1)
                .Select(p => $"--positions: {p} is given twice, in '{string.Join(",", positions)}'"))
            .FirstOrDefault();

    /// <summary>What is wrong with the --set overrides given to a scan, in the CLI's terms; null when nothing. A scan
    /// reads only the DAS and Fourier settings (not their site, which --layers and --positions give), the device and
    /// the tokenizer: any other key would be accepted and silently change nothing.</summary>
    public static string? UnreadSets(IEnumerable<string> assignments)
    {
        var unread = assignments.Select(a => a.Split('=', 2)[0].Trim()).Where(key => !IsRead(key)).Distinct().ToList();
        return unread.Count == 0 ? null
            : $"{string.Join(", ", unread.Select(k => $"--set {k}"))}: a scan does not read {(unread.Count == 1 ? "it" : "them")}; " +
              "it reads probes.das.* and probes.fourier.* (their layer and position come from --layers and --positions), device and data.tokenizer.*";
    }

    static bool IsRead(string key) => key == "device" || key.StartsWith("data.tokenizer.", StringComparison.Ordinal)
        || key.Split('.') is ["probes", "das" or "fourier", var field] && field is not ("layer" or "position");

    /// <summary>What is wrong with --set overrides of a probe the run has no task for, in the CLI's terms; null when nothing.
    /// The run's spec has no such probe, so loading it with the override said only "probes.das.task: needs a comparison task
    /// in data.tasks", a key the user never wrote: a scan probes the tasks the run trained with, and --set cannot add one.</summary>
    /// <param name="data">The run's data (<see cref="Probeable"/>): at least one task a probe reads.</param>
    public static string? UnprobedSets(IEnumerable<string> assignments, DataSpec data)
    {
        var keys = assignments.Select(a => a.Split('=', 2)[0].Trim()).Distinct().ToList();
        var kinds = data.Tasks.Select(t => t.Kind).Distinct().ToList();
        string? Problem(string probe, string name, string kind, string reads, string other, string otherProbe)
        {
            var set = keys.Where(k => k.StartsWith($"probes.{probe}.", StringComparison.Ordinal)).ToList();
            return set.Count == 0 || kinds.Contains(kind) ? null
                : $"{string.Join(", ", set.Select(k => $"--set {k}"))}: nothing for {name} to probe: it {reads} a {kind} task, and the run's " +
                  $"data.tasks has none (its {other} task is {otherProbe}'s); {name} probes a run trained with a {{kind: {kind}, ...}} entry in data.tasks";
        }
        return Problem("das", "DAS", ComparisonTask.KindName, "aligns the rank variable of", ModularAdditionTask.KindName, "the Fourier readout")
            ?? Problem("fourier", "the Fourier readout", ModularAdditionTask.KindName, "reads the residues of", ComparisonTask.KindName, "DAS");
    }

    /// <summary>The run's data, when it is an OLMo run with a task the probes read.</summary>
    /// <exception cref="ArtifactException">Another kind of run, or one without a comparison or modular-addition task.</exception>
    public static DataSpec Probeable(string runDir, PipelineSpec spec)
    {
        if (spec.Experiment != "olmo" || spec.Data is not { } data)
            throw new ArtifactException(runDir, $"is a {spec.Experiment} run: only OLMo runs have representation probes");
        if (!data.Tasks.Any(t => t.Kind is ComparisonTask.KindName or ModularAdditionTask.KindName))
            throw new ArtifactException(runDir, "injects no comparison or modular_addition task: nothing for DAS or the Fourier readout to probe");
        return data;
    }

    static string CheckpointOf(string runDir)
    {
        var checkpoint = CheckpointFolder.Current(CheckpointFolder.Of(runDir));   // checkpoint.old after a kill between a replacement's renames
        if (!Directory.Exists(checkpoint))
            throw new ArtifactException(runDir, "has no checkpoint/ to probe: the run has not saved its model yet (it saves at the end and every olmo.checkpoint_every steps)");
        if (OlmoTrainer.MissingModelFiles(checkpoint) is { Count: > 0 } missing)
            throw new ArtifactException(checkpoint, $"lacks {string.Join(" and ", missing)}: the checkpoint is incomplete (copied in part, or " +
                "files removed); restore it from where the run trained, or train the run again");
        return checkpoint;
    }

    /// <summary>The scan's first line: the run, its model's step, the sites, and the probes it runs there.</summary>
    /// <param name="das">The DAS settings when the run has a comparison task; null: no DAS.</param>
    internal static string Header(string run, long step, int layers, int positions, DasProbeSpec? das, bool fourier) =>
        $"{run}: model at step {step}, {Counted.Of(layers, "layer")} × {Counted.Of(positions, "position")}" +
        $"{(das is null ? "" : $", DAS rank {das.Rank} ({Counted.Of(das.Steps, "step")})")}{(fourier ? ", Fourier readout" : "")}";

    /// <param name="spec">The run's resolved spec (its run.yaml), overrides applied; its device is where the model is probed.</param>
    /// <param name="baseDirectory">What the spec's relative tokenizer path resolves against.</param>
    /// <param name="layers">Sites' layers; null: 0 to the model's depth.</param>
    public static async Task<SiteScanResult> RunAsync(string runDir, PipelineSpec spec, string baseDirectory,
        IReadOnlyList<int>? layers, IReadOnlyList<string> positions, string outputDir, Action<string> log, CancellationToken ct)
    {
        var data = Probeable(runDir, spec);
        bool das = data.Tasks.Any(t => t.Kind == ComparisonTask.KindName), fourier = data.Tasks.Any(t => t.Kind == ModularAdditionTask.KindName);
        var on = Devices.Resolve(spec.Device);
        using var model = OlmoTrainer.LoadModel(CheckpointOf(runDir), on, out long step);
        if (SiteProblem(layers, positions, model.Config.Layers) is { } problem) throw new ArgumentException(problem);
        var sites = layers ?? [.. Enumerable.Range(0, model.Config.Layers + 1)];
        var tokenizer = TextTokenizer.Create(data.Tokenizer, baseDirectory);
        var probes = spec.Probes ?? new ProbesSpec();
        var dasSpec = probes.Das ?? new DasProbeSpec();
        var fourierSpec = probes.Fourier ?? new FourierProbeSpec();
        log(Header(Path.GetFileName(runDir), step, sites.Count, positions.Count, das ? dasSpec : null, fourier));

        var (dasRows, fourierRows, found, done) = ProbeSites(model, on, step, spec, tokenizer, sites, positions, dasSpec, fourierSpec, das, fourier, log, ct);
        if (done == 0) ct.ThrowIfCancellationRequested();   // stopped before any site finished: nothing to keep

        // Written even when stopped (the finished sites' rows, complete files put in place whole): the stop
        // promised to complete what was done, so the write itself is not cancelled.
        Directory.CreateDirectory(outputDir);
        // Both tables whole before either replaces an earlier scan's (probe --overwrite): a full disk at the second left the new
        // das.arrow beside the earlier fourier.arrow, which a query reads as one scan.
        List<(string, Func<string, Task>)> tables = [];
        if (das) tables.Add((Path.Combine(outputDir, OlmoProbes.DasFile), path => ArrowFiles.WriteTableAsync(path, DasProbe.Table, dasRows, CancellationToken.None)));
        if (fourier) tables.Add((Path.Combine(outputDir, OlmoProbes.FourierFile), path => ArrowFiles.WriteTableAsync(path, FourierProbe.Table, fourierRows, CancellationToken.None)));
        await AtomicFile.ReplaceAllAsync(tables);
        // Into a folder that held an earlier scan (probe --overwrite): a table this scan has no rows for is not left
        // beside the new ones, where a query would read it as this scan's.
        foreach (var (wrote, file) in new[] { (das, OlmoProbes.DasFile), (fourier, OlmoProbes.FourierFile) })
            if (!wrote) File.Delete(Path.Combine(outputDir, file));
        using var catalog = ArtifactCatalog.Open(outputDir);
        var summaries = new List<(string, QueryResult)>();
        // Printed to 3 decimals, as the shipped pipelines' printed tables round theirs in their SQL (das_final, fourier_final);
        // das.arrow and fourier.arrow keep every digit.
        if (das)
        {
            summaries.Add(("das by site", SqlRunner.Query(catalog.Connection, """
                SELECT task, layer, position,
                       round(max(iia_changed) FILTER (WHERE kind = 'das'), 3) AS iia_changed,
                       round(max(iia_changed) FILTER (WHERE kind = 'random'), 3) AS random_iia_changed,
                       round(max(iia) FILTER (WHERE kind = 'das'), 3) AS iia,
                       round(max(train_iia_changed) FILTER (WHERE kind = 'das'), 3) AS train_iia_changed,
                       round(max(base_accuracy), 3) AS base_accuracy
                FROM das GROUP BY ALL ORDER BY task, position, layer
                """, "probe: das summary")));
            // The site is chosen on the pairs DAS was fitted to, so the test IIA reported there is not
            // the maximum of many test scores (which would favour whichever model has more sites near it).
            summaries.Add(("das best site (chosen on training pairs)", SqlRunner.Query(catalog.Connection, """
                SELECT task, layer, position, round(train_iia_changed, 3) AS train_iia_changed, round(iia_changed, 3) AS iia_changed
                FROM das WHERE kind = 'das'
                QUALIFY row_number() OVER (PARTITION BY task ORDER BY das.train_iia_changed DESC, position, layer) = 1
                ORDER BY task
                """, "probe: das best site")));
        }
        if (fourier)
            summaries.Add(("fourier by site", SqlRunner.Query(catalog.Connection, """
                SELECT task, layer, position, round(any_value(key_share), 3) AS key_share, round(any_value(key_share_init), 3) AS key_share_init,
                       round(any_value(full_loss), 3) AS full_loss, round(any_value(restricted_loss), 3) AS restricted_loss,
                       round(any_value(excluded_loss), 3) AS excluded_loss
                FROM fourier WHERE source = 'residual' GROUP BY ALL ORDER BY task, position, layer
                """, "probe: fourier summary")));
        var warnings = DasSiteWarnings.Texts(found, nameSites: sites.Count * positions.Count > 1);
        return new SiteScanResult(outputDir, summaries, done, sites.Count * positions.Count, warnings);
    }

    /// <summary>Each site probed with the run's settings (its seeds, its pairs), one initial model shared by every
    /// site's Fourier reference (built on first use) instead of one per site. A stop ends the scan between sites;
    /// Done counts the sites whose rows are in the lists. Warnings come with their site, to be named (<see cref="DasSiteWarnings"/>).</summary>
    static (List<DasRow> Das, List<FourierRow> Fourier, List<(int, string, DasWarning)> Warnings, int Done) ProbeSites(Models.OlmoModel model, TorchSharp.torch.Device on, long step,
        PipelineSpec spec, TextTokenizer tokenizer, IReadOnlyList<int> sites, IReadOnlyList<string> positions,
        DasProbeSpec dasSpec, FourierProbeSpec fourierSpec, bool das, bool fourier, Action<string> log, CancellationToken ct)
    {
        var dasRows = new List<DasRow>();
        var fourierRows = new List<FourierRow>();
        var warnings = new List<(int, string, DasWarning)>();
        var initial = new Lazy<Models.OlmoModel>(() => OlmoProbes.InitialModel(spec, model.Config));
        int done = 0;
        try
        {
            foreach (var layer in sites)
                foreach (var position in positions)
                {
                    if (ct.IsCancellationRequested) return (dasRows, fourierRows, warnings, done);
                    var site = spec with
                    {
                        Probes = new ProbesSpec
                        {
                            Every = 0,
                            Das = das ? dasSpec with { Layer = layer, Position = position } : null,
                            Fourier = fourier ? fourierSpec with { Layer = layer, Position = position } : null,
                        },
                    };
                    var view = new ModelView(model, on, step, null, true);
                    var probes = OlmoProbes.Build(site, tokenizer, model.Config, () => new ModelLease(initial.Value, Owned: false));
                    foreach (var probe in probes)
                        foreach (var row in probe.Stage.After(view))
                            if (row is DasRow d) dasRows.Add(d);
                            else if (row is FourierRow f) fourierRows.Add(f);
                    foreach (var warning in probes.Select(p => p.Stage).OfType<DasProbe>().Select(p => p.BaseWarning).OfType<DasWarning>())
                        warnings.Add((layer, position, warning));
                    log($"  layer {layer}, {position}: " + string.Join("; ",
                        dasRows.Where(r => r.Layer == layer && r.Position == position && r.Kind == "das")
                            .Select(r => $"{r.Task} DAS IIA {r.IiaChanged:F3} on changed pairs")
                        .Concat(fourierRows.Where(r => r.Layer == layer && r.Position == position && r.Source == "residual" && r.Frequency == 0)
                            .Select(r => $"{r.Task} key-frequency share {r.KeyShare:F3} (init {r.KeyShareInit:F3})"))));
                    done++;
                }
            return (dasRows, fourierRows, warnings, done);
        }
        finally
        {
            if (initial.IsValueCreated) initial.Value.Dispose();
        }
    }
}
