namespace Retention.Tests.Host;

/// <summary>
/// An option value that is not of the option's type is a usage error (exit 2) saying what the option takes, in words: it
/// said "as expected type 'System.Int64'", and for `--docs-per-shard 3000000000`, a whole number only too large for an int,
/// "'System.Int32'", which does not say that the limit is 2,147,483,647.
/// </summary>
public class OptionTypeErrorTests() : InTempFolder("option-type-")
{
    [Theory]
    [InlineData("data sample x.txt --docs abc --out s", "Cannot parse argument 'abc' for option '--docs': it takes a whole number ≥ 1 (digits only, such as 100000000).")]
    [InlineData("data sample x.txt --docs 5 --docs-per-shard 3000000000 --out s",
        "Cannot parse argument '3000000000' for option '--docs-per-shard': it takes a whole number from 1 to 2,147,483,647.")]
    // A value that is no number is said without the range of a .NET int ("from -2,147,483,648 to 2,147,483,647"), from the least
    // value the option takes where it states one; a number below it is refused naming that least value.
    [InlineData("query x SELECT --rows abc", "Cannot parse argument 'abc' for option '--rows': it takes a whole number ≥ 0 (digits only).")]
    [InlineData("query x SELECT -n 2.5", "Cannot parse argument '2.5' for option '--rows': it takes a whole number ≥ 0 (digits only).")]
    [InlineData("query x SELECT --rows 3000000000", "Cannot parse argument '3000000000' for option '--rows': it takes a whole number from 0 to 2,147,483,647.")]
    [InlineData("query x SELECT --rows -1", "--rows must be ≥ 0, got -1")]
    [InlineData("probe x --threads many", "Cannot parse argument 'many' for option '--threads': it takes a whole number ≥ 0 (digits only).")]
    [InlineData("run x.yaml --jobs all", "Cannot parse argument 'all' for option '--jobs': it takes a whole number ≥ 0 (digits only).")]
    [InlineData("data tokenize x --out t --threads -2", "--threads must be ≥ 0 (0 = every core), got -2")]
    [InlineData("bench synthetic --steps abc", "Cannot parse argument 'abc' for option '--steps': it takes a whole number ≥ 1 (digits only).")]
    // bench's and submit's least values are stated on their options too: said for a word, refused when parsed.
    [InlineData("bench train --vocab many", "Cannot parse argument 'many' for option '--vocab': it takes a whole number ≥ 2 (digits only).")]
    // Refused as the options are parsed, so followed by the `--help` hint as every such error is (BenchCommandTests has the rest).
    // bench data packs as a data run does, whose seq_len is at least 4 (was an ArgumentOutOfRangeException from PackingSpec).
    [InlineData("bench data x --seq-len 2", "--seq-len must be ≥ 4 (as data.packing.seq_len), got 2")]
    [InlineData("bench probes missing.yaml --threads -1", "--threads must be ≥ 0, got -1")]   // was exit 1, from LibTorch's setter
    [InlineData("bench probes x.yaml --jobs all", "Cannot parse argument 'all' for option '--jobs': it takes a whole number ≥ 0 (digits only).")]
    [InlineData("submit x.yaml --slurm --cpus-per-run all", "Cannot parse argument 'all' for option '--cpus-per-run': it takes a whole number ≥ 1 (digits only).")]
    [InlineData("submit x.yaml --slurm --max-parallel -1", "--max-parallel must be ≥ 0 (0 = no limit), got -1")]
    [InlineData("submit x.yaml --slurm --signal-lead 5", "--signal-lead must be from 10 to 65535 (seconds), got 5")]
    // Bounded above too: a value that is no number is said with both of its bounds, and one too large for an int as any too large.
    [InlineData("submit x.yaml --slurm --signal-lead soon", "Cannot parse argument 'soon' for option '--signal-lead': it takes a whole number from 10 to 65,535.")]
    [InlineData("submit x.yaml --slurm --signal-lead 3000000000", "--signal-lead must be from 10 to 65535 (seconds), got 3000000000")]
    [InlineData("data tokenize x --out t --tokens-per-file 1e6", "Cannot parse argument '1e6' for option '--tokens-per-file': it takes a whole number ≥ 1 (digits only, such as 100000000).")]
    // Optional options (a Nullable type): advise's --size and --frequency said "as expected type 'System.Nullable`1[System.Int64]'".
    [InlineData("advise sweep --size 1e5 --frequency 0.001", "Cannot parse argument '1e5' for option '--size': it takes a whole number (digits only, such as 100000000).")]
    [InlineData("advise sweep --size 100000 --frequency often", "Cannot parse argument 'often' for option '--frequency': it takes a number (such as 0.001).")]
    [InlineData("bench data --task-frequency often", "Cannot parse argument 'often' for option '--task-frequency': it takes a number (such as 0.001).")]
    public void A_value_of_another_type_is_refused_saying_what_the_option_takes(string command, string expected)
    {
        var (exit, _, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(2), command.Split(' '));
        Assert.True(exit == 2, err);
        Assert.Contains($"error: {expected}", err);
        Assert.DoesNotContain("System.", err);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    /// <summary>`submit` refuses a value below an option's least as it parses it, and SlurmResources.Problems refuses it in a
    /// record made otherwise: one rule (SlurmResources.Least*), so the bound and the words are the same in both.</summary>
    [Theory]
    [InlineData("--gpus-per-run", "-1", "--gpus-per-run must be ≥ 0, got -1")]
    [InlineData("--cpus-per-run", "0", "--cpus-per-run must be ≥ 1, got 0")]
    [InlineData("--max-parallel", "-1", "--max-parallel must be ≥ 0 (0 = no limit), got -1")]
    // Refused as parsed below its least and above its most: both said in the words the record's check says them in (it said
    // "--signal-lead must be 10…65535 seconds" where the option's own refusal said "≥ 10 (seconds, at most 65535)").
    [InlineData("--signal-lead", "5", "--signal-lead must be from 10 to 65535 (seconds), got 5")]
    [InlineData("--signal-lead", "70000", "--signal-lead must be from 10 to 65535 (seconds), got 70000")]
    public void Submit_and_its_resources_refuse_a_value_below_the_least_alike(string option, string value, string expected)
    {
        var (exit, _, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "submit", "x.yaml", "--slurm", option, value);
        Assert.True(exit == 2, err);
        Assert.Contains($"error: {expected}", err);
        int v = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var resources = option switch
        {
            "--gpus-per-run" => new Retention.Cluster.SlurmResources(GpusPerRun: v),
            "--cpus-per-run" => new Retention.Cluster.SlurmResources(CpusPerRun: v),
            "--signal-lead" => new Retention.Cluster.SlurmResources(SignalLeadSeconds: v),
            _ => new Retention.Cluster.SlurmResources(MaxParallel: v),
        };
        Assert.Equal(expected, Assert.Single(resources.Problems()));
    }
}
