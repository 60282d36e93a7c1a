namespace Retention.Tests.Host;

/// <summary>
/// A GPU publish with libduckdb.so deleted to keep the upload small (README "GPU servers"): `validate` and `run` there check
/// no analysis SQL and train. `validate` of any pipeline with profiles (every shipped one) crashed with DuckDB.NET's
/// NullReferenceException and a stack trace (exit 1): the other profiles are checked too, and the second try at opening
/// DuckDB met the half-initialised state the first failed load left, which is no DllNotFoundException.
/// Reproduced with the program's managed files alone (no runtimes/ folder, so no libduckdb.so beside them).
/// </summary>
public sealed class DuckDbMissingTests() : InTempFolder("no-duckdb-")
{
    CliProcess Start(params string[] args) => StartOnPath(null, args);

    /// <param name="path">The PATH it sees (default: this one's).</param>
    CliProcess StartOnPath(string? path, params string[] args)
    {
        string program = Directory.CreateDirectory(Path.Combine(dir, "program")).FullName;
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory).Where(f => f.EndsWith(".dll") || f.EndsWith(".json")))
            File.Copy(file, Path.Combine(program, Path.GetFileName(file)), overwrite: true);
        Assert.False(File.Exists(Path.Combine(program, "libduckdb.so")));
        string work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        return CliProcess.StartProgram(work, new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Directory.CreateDirectory(Path.Combine(dir, "empty-nuget")).FullName,
            ["LD_LIBRARY_PATH"] = null,
            ["PATH"] = path ?? Environment.GetEnvironmentVariable("PATH"),
        }, CliProcess.DotnetHost, [Path.Combine(program, "pipeline.dll"), .. args]);
    }

    [Theory]
    [InlineData("SELECT step, loss FROM metrics")]
    [InlineData("SELECT no_such_column FROM metrics")]   // unchecked there, as the README says: validate where the full build is
    public void Validate_of_a_pipeline_with_profiles_and_an_analysis_checks_the_rest_without_DuckDB(string sql)
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "work")).FullName, "p.yaml"), string.Join('\n',
            "name: p", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 20, batch_size: 8}",
            "profiles:", "  cpu: {train: {steps: 10}}", "  gpu: {device: cuda}",
            "analysis:", "  tables:", $"    - {{name: t, sql: \"{sql}\"}}", ""));

        foreach (var profile in new[] { "cpu", "gpu" })
        {
            using var cli = Start("validate", "p.yaml", "--profile", profile);
            var (exit, output, err) = cli.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, err + output);
            Assert.StartsWith($"p.yaml: ok, 1 run with profile {profile}", output);
            Assert.DoesNotContain("Exception", err);
        }

        // What validate still checks there: a mistake outside the analysis is an error naming its key, in every profile.
        File.AppendAllText(Path.Combine(dir, "work", "p.yaml"), "unknown_key: 1\n");
        using var bad = Start("validate", "p.yaml", "--profile", "cpu");
        var (badExit, badOut, badErr) = bad.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.True(badExit == 2, badErr + badOut);
        Assert.Contains("unknown_key", badErr);
        Assert.DoesNotContain("Exception", badErr);
    }

    /// <summary>`analyze` and `query` there (a sweep trained with `run --no-analysis`, copied back late or not at all) crashed
    /// with DuckDB.NET's TypeInitializationException and its trace; `run` without --no-analysis did the same after training.</summary>
    [Theory]
    [InlineData("analyze")]
    [InlineData("query")]
    public void Reading_artifacts_without_DuckDB_is_one_line_naming_the_sweep_and_where_to_do_it(string command)
    {
        string work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        File.WriteAllText(Path.Combine(work, "p.yaml"), "name: p\nsynthetic: {tasks: 4, dims_per_task: 2, width: 2}\ntrain: {steps: 20, batch_size: 8}\n");
        var trained = CliProcess.Run(work, TimeSpan.FromMinutes(2), "run", "p.yaml", "--no-analysis", "--threads", "1");   // the full build
        Assert.True(trained.Exit == 0, trained.Err + trained.Out);
        string sweep = Path.Combine(work, "artifacts", "p");
        var before = Directory.GetFileSystemEntries(sweep, "*", SearchOption.AllDirectories).Order().ToList();

        using var cli = command == "query" ? Start("query", sweep, "SELECT count(*) FROM metrics") : Start("analyze", sweep);
        var (exit, output, err) = cli.WaitForExit(TimeSpan.FromMinutes(2));

        Assert.True(exit == 2, err + output);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {sweep}: cannot be read here: this build has no DuckDB (libduckdb.so, left out of a small GPU publish); " +
            "analyze or query it where the full build is (README \"GPU servers\")", line);
        // The runs' artifacts untouched (analyze records its failure in analysis/, for status to say).
        static bool Outcome(string path) => path.Contains($"{Path.DirectorySeparatorChar}analysis", StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(sweep, "*", SearchOption.AllDirectories).Where(p => !Outcome(p)).Order());
    }

    /// <summary>`submit` from there: its tasks train, but the analysis job runs the same program and fails on the cluster,
    /// hours later. It is said when submitting (a dry run too), not found in the analysis job's log; not for a pipeline
    /// without an analysis section, which gets no analysis job.</summary>
    [Fact]
    public void Submit_from_a_build_without_DuckDB_warns_that_its_analysis_job_will_fail()
    {
        string work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        const string bare = "name: p\nsynthetic: {tasks: 4, dims_per_task: 2, width: 2}\ntrain: {steps: 20, batch_size: 8}\n";
        File.WriteAllText(Path.Combine(work, "p.yaml"), bare + "analysis: {tables: [{name: t, sql: 'SELECT step, loss FROM metrics'}]}\n");
        var slurm = Retention.Tests.Cluster.FakeSlurm.Path(Path.Combine(dir, "fake-bin"), ("sbatch", "exit 1"), ("squeue", "exit 0"));

        using (var cli = StartOnPath(slurm, "submit", "p.yaml", "--slurm", "--dry-run"))
        {
            var (exit, output, err) = cli.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, err + output);
            Assert.Contains("warning: this build has no DuckDB", err);
            Assert.Contains("the analysis job, which runs this program, will fail", err);
            Assert.Contains("# --- analysis.sbatch", output);   // the plan is still printed: the runs themselves train
        }
        Assert.False(Directory.Exists(Path.Combine(work, "artifacts")));

        File.WriteAllText(Path.Combine(work, "p.yaml"), bare);
        using (var cli = StartOnPath(slurm, "submit", "p.yaml", "--slurm", "--dry-run"))
        {
            var (exit, output, err) = cli.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, err + output);
            Assert.DoesNotContain("DuckDB", err);                   // no analysis job to fail
            Assert.Contains("# no analysis job: the pipeline declares no analysis", output);
        }
    }
}
