using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>The ways forward the error messages give, as `validate` and `analyze` print them: the command that writes a
/// shipped pipeline's missing Brown corpus, the --set that removed a column of swept, and when the analysis was checked.</summary>
public sealed class ValidationHintsCliTests() : InTempFolder("validation-hints-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static string[] Errors(string err) => [.. err.Split("error: ").Skip(1).Select(e => e.Trim())];

    [Fact]
    public void A_shipped_pipeline_without_its_brown_corpus_names_the_command_for_the_folder_it_reads()
    {
        // A checkout without data/, validated from another folder: `data brown --out` would resolve a relative folder there.
        var pipelines = Directory.CreateDirectory(Path.Combine(dir, "checkout", "pipelines")).FullName;
        File.Copy(RepoFiles.Pipeline("olmo-compute.yaml"), Path.Combine(pipelines, "olmo-compute.yaml"));
        Directory.CreateDirectory(Path.Combine(pipelines, "tokenizers"));
        foreach (var file in Directory.GetFiles(Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers")))
            File.Copy(file, Path.Combine(pipelines, "tokenizers", Path.GetFileName(file)));
        var elsewhere = Directory.CreateDirectory(Path.Combine(dir, "elsewhere")).FullName;

        var (exit, _, err) = CliProcess.Run(elsewhere, Limit, "validate", "../checkout/pipelines/olmo-compute.yaml", "--profile", "cpu");

        Assert.Equal(2, exit);
        var error = Assert.Single(Errors(err));
        Assert.Matches(@"^\.\./checkout/pipelines/olmo-compute\.yaml:\d+:\d+: data\.sources\[0\]\.paths\[0\]: '\.\./data/brown/\*\.json\.gz' matches no shard file", error);
        Assert.EndsWith($"; `pipeline data brown --out {Path.Combine(dir, "checkout", "data", "brown")}` writes the Brown corpus there", error);
    }

    const string Tiny = """
        name: tiny
        synthetic: {tasks: 4, dims_per_task: 4, width: 4}
        train: {steps: 20, log_every: 10}
        sweep:
          synthetic.width: [2, 4, 8]
          seed: [0, 1]
        analysis:
          tables:
            - name: final
              sql: |
                SELECT s.width, m.task, avg(m.loss) AS loss
                FROM metrics m JOIN swept s USING (run)
                GROUP BY ALL
          plots:
            - {name: curves, kind: line, sql: 'SELECT step, loss FROM metrics', x: step, y: loss, value: task}

        """;

    [Fact]
    public void Validate_names_an_unread_plot_key_and_the_set_that_removed_a_swept_column()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), Tiny);

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "tiny.yaml", "--set", "synthetic.width=4");

        Assert.Equal(2, exit);
        var errors = Errors(err);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("tiny.yaml:11:16: analysis.tables[0].sql: Binder Error: Table \"s\" does not have a column named \"width\"", errors[0]);
        Assert.EndsWith("^ (checked against the tables the runs will write)\n`swept` has no column `width`: --set synthetic.width removed that " +
            "sweep key (the runs all have width 4; read it from `params` (JOIN params USING (run)) instead, or sweep it)", errors[0].ReplaceLineEndings("\n"));
        Assert.StartsWith("tiny.yaml:15:98: analysis.plots[0].value: line plots do not read 'value'; use 'series'", errors[1]);
    }

    [Fact]
    public void Analyze_says_its_check_came_before_reading_the_sweep_not_before_training()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), Tiny.Replace("s.width", "s.widht").Replace(", value: task", ""));
        Directory.CreateDirectory(Path.Combine(dir, "sweep"));

        var (exit, _, err) = CliProcess.Run(dir, Limit, "analyze", "sweep", "--pipeline", "tiny.yaml");

        Assert.Equal(2, exit);
        var error = Assert.Single(Errors(err));
        Assert.EndsWith("(checked against the tables runs write, before the sweep's files are read)", error);
        Assert.DoesNotContain("before training", error);
    }
}
