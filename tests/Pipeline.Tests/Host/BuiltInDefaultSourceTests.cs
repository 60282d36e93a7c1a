using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>run, validate and submit without FILE read the default pipeline compiled into the program. Their messages named it
/// `synthetic-capacity.yaml:36:1`, as if a file of that name lay in the current folder: there is none, or another one, which
/// the user then edits in vain. They say `&lt;built-in synthetic-capacity.yaml&gt;`, and a note after its errors says how to get
/// a copy to edit. The sweep it writes holds no such name, so a sweep trained before still resumes.</summary>
public sealed class BuiltInDefaultSourceTests() : InTempFolder("built-in-default-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    const string BuiltIn = "<built-in synthetic-capacity.yaml>";

    /// <summary>The line of the shipped file's profiles: section, which the embedded copy holds as it is.</summary>
    static int ProfilesLine() => Array.FindIndex(File.ReadAllLines(RepoFiles.Pipeline("synthetic-capacity.yaml")), l => l.StartsWith("profiles:")) + 1;

    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    [InlineData("submit --slurm --dry-run")]
    public void An_error_in_the_built_in_default_names_it_as_built_in_and_says_how_to_copy_it(string command)
    {
        // Another file of that name in the folder: the one a bare name would send the user to edit.
        File.WriteAllText(Path.Combine(dir, "synthetic-capacity.yaml"), "name: mine\nsynthetic: {tasks: 4, dims_per_task: 2, width: 2}\n");
        var before = Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToList();

        var (exit, output, err) = CliProcess.Run(dir, Limit, [.. command.Split(' '), "--profile", "gpuu"]);

        Assert.True(exit == 2, output + err);
        Assert.Equal(
            [
                $"error: {BuiltIn}:{ProfilesLine()}:1: profiles: unknown profile 'gpuu' (did you mean 'gpu'?); defined profiles: cpu, gpu",
                $"note: {BuiltIn} is the default pipeline built into the program, read as no FILE was given (its source: " +
                "pipelines/synthetic-capacity.yaml of the project); `pipeline validate --print [--profile NAME] > FILE` saves a copy, " +
                "the profile applied, to edit and give as FILE",
            ], err.Trim().Split('\n').Select(l => l.TrimEnd('\r')));
        Assert.Equal(before, Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order());   // nothing written
    }

    /// <summary>validate's summary names it so too; an error that lies in the user's own --set, or in a file given, gets no note.</summary>
    [Fact]
    public void Validate_names_the_built_in_default_and_notes_only_its_own_errors()
    {
        var ok = CliProcess.Run(dir, Limit, "validate");
        Assert.True(ok.Exit == 0, ok.Out + ok.Err);
        Assert.StartsWith($"{BuiltIn}: ok, 8 runs with profile cpu (the file's profiles: cpu, gpu)\n", ok.Out.ReplaceLineEndings("\n"));

        var printed = CliProcess.Run(dir, Limit, "validate", "--print");   // the copy the note offers loads as a file, to the same runs
        Assert.True(printed.Exit == 0, printed.Out + printed.Err);
        Assert.StartsWith($"{BuiltIn}: ok, 8 runs with profile cpu", printed.Err);
        File.WriteAllText(Path.Combine(dir, "copy.yaml"), printed.Out);
        var copy = CliProcess.Run(dir, Limit, "validate", "copy.yaml");
        Assert.True(copy.Exit == 0, copy.Out + copy.Err);
        Assert.Equal(ok.Out.ReplaceLineEndings("\n").Split('\n').Skip(1), copy.Out.ReplaceLineEndings("\n").Split('\n').Skip(1));

        var set = CliProcess.Run(dir, Limit, "validate", "--set", "train.steps=0");
        Assert.True(set.Exit == 2, set.Out + set.Err);
        Assert.Equal("error: --set train.steps=0: train.steps: must be >= 1, got 0", set.Err.Trim());

        var file = CliProcess.Run(dir, Limit, "validate", "copy.yaml", "--set", "train.steps=0");
        Assert.True(file.Exit == 2, file.Out + file.Err);
        Assert.DoesNotContain("built-in", file.Err);
    }

    /// <summary>The name is words only: the sweep folder (its name, stored pipeline.yaml, records) holds neither form, so what
    /// `--resume` compares is what a sweep of the default trained before the change holds, and it resumes.</summary>
    [Fact]
    public void The_sweep_of_the_built_in_default_stores_no_name_of_it_and_resumes()
    {
        string[] small = ["--set", "train.steps=20", "--set", "sweep.synthetic.width=[2]", "--no-analysis"];
        var run = CliProcess.Run(dir, Limit, ["run", .. small]);
        Assert.True(run.Exit == 0, run.Out + run.Err);
        var sweep = Path.Combine(dir, "artifacts", "synthetic-capacity-cpu");
        Assert.True(Directory.Exists(sweep), run.Out);
        foreach (var f in Directory.GetFiles(sweep, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(f);
            Assert.DoesNotContain("built-in", text);
            Assert.DoesNotContain("synthetic-capacity.yaml", text);
        }

        var resumed = CliProcess.Run(dir, Limit, ["run", "--resume", .. small]);
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        Assert.Contains("width-2: completed earlier, skipped (--resume)", resumed.Out + resumed.Err);
    }
}
