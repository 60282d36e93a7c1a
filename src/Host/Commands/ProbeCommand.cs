using System.CommandLine;
using Retention.Artifacts;
using Retention.Host.Output;
using Retention.Probes;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>`pipeline probe RUN_DIR`: DAS and the Fourier readout on a finished OLMo run's model, at every site.</summary>
public static class ProbeCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "An OLMo run's directory (SWEEP/runs/RUN) with its checkpoint/." }
            .NotEmpty("an OLMo run's directory (SWEEP/runs/RUN)");
        var layers = new Option<string?>("--layers") { Description = "Sites' layers, e.g. 0,2,4 (the residual stream after that many blocks; default: 0 to the model's depth)." };
        var positions = new Option<string>("--positions") { Description = "Sites' tokens, comma-separated: tok1, tok2 or tok1,tok2.", DefaultValueFactory = _ => "tok1,tok2" };
        var sets = new Option<string[]>("--set", "-s") { Description = "Overrides of the run's spec, e.g. probes.das.rank=2 or probes.das.steps=800.", AllowMultipleArgumentsPerToken = false };
        var device = new Option<string?>("--device", "-d") { Description = "cpu | cuda | cuda:N | auto (default: the run's device)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "What the run's relative tokenizer path resolves against (default: the folder the run's own paths resolved against, from its provenance.json; else the current directory)." }
            .NotEmpty("the folder the run's relative tokenizer path resolves against, or leave --data-dir out");
        var threads = new Option<int>("--threads") { Description = "LibTorch CPU threads (0 = one per core; give 1 to each of several scans run side by side).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var output = new Option<string?>("--output", "-o") { Description = "Folder for das.arrow and fourier.arrow (default: RUN/scans/TIME, local time to the second, TIME-2, -3, ... for a scan started in the same second as another; query it with `pipeline query`); it must be new or empty unless --overwrite." }
            .NotEmpty("a folder for the scan's tables, or leave --output out for RUN/scans/TIME");
        var overwrite = new Option<bool>("--overwrite") { Description = "Let --output be a folder that holds files (an earlier scan): the scan's tables replace its own there. Only with --output." };
        var cmd = new Command("probe", "Re-run DAS and the Fourier readout on a finished OLMo run's saved model at other sites (layers × positions), with the run's probe settings.")
        {
            run, layers, positions, sets, device, dataDir, threads, output, overwrite,
        };
        cmd.SetAction(async (r, ct) =>
        {
            string? claimed = null;   // the output folder this scan made: the default one, or a new --output
            string? made = null;      // the topmost folder of claimed's path this scan made (a of a new --output a/b/c)
            ScanClaim? scan = null;   // the output folder (the default one, or --output), held while the scan runs
            try
            {
                // Said rather than ignored: the synopsis has it under --output, and the default folder is always a new one.
                if (r.GetValue(overwrite) && r.GetValue(output) is null)
                    throw new UsageException("--overwrite applies to --output only (the default folder, RUN/scans/TIME, is always new): " +
                        "give --output DIR with it, or leave it out");
                // Before the run is read, naming the file in the way: it failed making the lock's folder, in .NET's words.
                if (r.GetValue(output) is { } folder && OutputFolder.NotAFolder(folder, "the scan's tables (das.arrow, fourier.arrow)") is { } notAFolder)
                    throw new UsageException(notAFolder);
                Retention.Training.TorchThreads.Apply(r.GetValue(threads));
                var runDir = Path.GetFullPath(r.GetValue(run)!);
                var manifest = Path.Combine(runDir, ArtifactLayout.RunManifest);
                if (ProbeTarget.RunProblem(runDir) is { } notRun) throw new UsageException(notRun);
                if (r.GetValue(output) is { } into && ProbeTarget.TablesFolderProblem(into, runDir) is { } tables) throw new UsageException(tables);
                // By default the folder the run's own relative paths resolved against (recorded in provenance.json).
                var recorded = Retention.Pipeline.SweepContract.ReadProvenance(runDir)?.DataDirectory;
                var baseDir = Path.GetFullPath(r.GetValue(dataDir) ?? (Directory.Exists(recorded) ? recorded : Directory.GetCurrentDirectory()));
                // Before the spec is loaded: a key the scan never reads is named as such, not validated against the run's other settings.
                if (SiteScan.UnreadSets(r.GetValue(sets) ?? []) is { } unread) throw new UsageException(unread);
                var deviceSet = r.GetValue(device) is { } d ? new OptionSet("--device", "device", d) : null;
                PipelineSpec Load(IReadOnlyList<string> given) => OptionSet.Load(given, [deviceSet],
                    overrides => SpecLoader.Load(manifest, null, overrides, checkAnalysis: false, baseDirectory: baseDir, stored: true)).Runs.Single().Spec;
                // The run as it trained (and --device) first: a probe it has no task for is said as such, not as an error of the
                // spec the --set made.
                if (SiteScan.UnprobedSets(r.GetValue(sets) ?? [], SiteScan.Probeable(runDir, Load([]))) is { } unprobed) throw new UsageException(unprobed);
                var spec = Load(r.GetValue(sets) ?? []);
                // The run's own device by default: a GPU run probed on a machine without one said only that CUDA is not available.
                if (r.GetValue(device) is null && !(r.GetValue(sets) ?? []).Any(a => a.Split('=', 2)[0].Trim() == "device"))
                    try { Retention.Training.Devices.Resolve(spec.Device); }
                    catch (Retention.Training.DeviceUnavailableException e)
                    {
                        throw new Retention.Training.DeviceUnavailableException($"{e.Message}; it is the device the run trained on (device: {spec.Device} " +
                            "in its run.yaml): give --device cpu, or another this machine has, to probe it here");
                    }
                var from = r.GetValue(dataDir) is not null ? "--data-dir" : Directory.Exists(recorded) ? "the folder recorded in the run's provenance.json"
                    : recorded is not null ? $"the current directory, as the folder the run's provenance.json records, {recorded}, is gone" : "the current directory";
                foreach (var file in new[] { spec.Data!.Tokenizer.Path, spec.Data.Tokenizer.MergesPath }.OfType<string>().Select(f => Path.GetFullPath(f, baseDir)))
                    if (!File.Exists(file))
                        throw new UsageException($"{file}: the run's tokenizer file is not there (its relative paths resolve against {baseDir}, {from}); " +
                            "give --data-dir DIR, the folder they resolve against now");
                var depth = SiteScan.Describe(runDir).Config.Layers;
                var sites = r.GetValue(layers) is { } list ? Ints(list) : null;
                var tokens = r.GetValue(positions)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (SiteScan.SiteProblem(sites, tokens, depth) is { } problem) throw new UsageException(problem);
                string outDir;
                if (r.GetValue(output) is { } given)
                {
                    outDir = Path.GetFullPath(given);
                    // Before the lock too: an earlier scan's folder is refused as it is, without a lock's files put in it for an instant.
                    if (ProbeTarget.OutputProblem(outDir, r.GetValue(overwrite)) is { } taken) throw new UsageException(taken);
                    // A scan that fails (a full disk) writes nothing: not even the folder (which the lock makes), as `advise --output`.
                    if (!Directory.Exists(outDir)) (claimed, made) = (outDir, EmptyFolder.FirstMissing(outDir));
                    // Held while the scan runs: a second scan into the folder meanwhile would write its tables over or beside these.
                    scan = OutputLock.Acquire(outDir, SweepLock.ForProbe, $"--output {outDir}", "give another --output");
                    // Again under the lock: a scan that held the folder a moment ago may have written its tables there.
                    if (ProbeTarget.OutputProblem(outDir, r.GetValue(overwrite)) is { } written) throw new UsageException(written);
                    ProbeTarget.RemoveLeftovers(outDir, line => Console.Error.WriteLine($"note: {line}"));
                }
                else
                {
                    made = EmptyFolder.FirstMissing(Path.Combine(runDir, ProbeTarget.ScansDir));   // the run's first scan makes scans/
                    scan = ProbeTarget.ClaimDefaultOutput(runDir, note: line => Console.Error.WriteLine($"note: {line}"));
                    outDir = claimed = scan.Folder;
                    made ??= claimed;
                }
                var result = await SiteScan.RunAsync(runDir, spec, baseDir, sites, tokens, outDir, Console.WriteLine, ct);
                foreach (var (name, table) in result.Summaries) TablePrinter.Print(table, name, maxRows: 200);
                foreach (var warning in result.Warnings) Console.Error.WriteLine($"warning: {warning}");   // as validate and advise warn
                if (result.Interrupted)
                {
                    Console.Error.WriteLine($"interrupted after {result.SitesDone} of {result.Sites} sites; their rows are in {result.Directory}");
                    return ExitCodes.Interrupted;
                }
                Console.WriteLine($"written: {result.Directory}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (Errors.IsUserFacing(e) || e is FormatException)
            {
                return Errors.Report(e, inputErrors: true, advice: WriteAdvice.Output);
            }
            finally
            {
                scan?.Dispose();
                EmptyFolder.RemoveIfEmpty(claimed, made);   // the default folder, or a new --output, the scan left empty
            }
        });
        return cmd;
    }

    static int[] Ints(string list) => OptionLists.Ints(list, "--layers");
}
