namespace Retention.Tests.Host;

/// <summary>`steps: 1e5` was refused as "expected an integer, got '1e5'", which reads as nonsense to someone who wrote a
/// number: `validate` now says integers are written in digits and gives them, at the value, in the file, a sweep and a --set.</summary>
public sealed class FloatForIntegerCliTests() : InTempFolder("float-for-integer-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_float_for_an_integer_is_told_the_digits_to_write()
    {
        File.WriteAllText(Path.Combine(dir, "f.yaml"), string.Join('\n',
            "name: f",
            "experiment: synthetic",
            "train: {steps: 1e5}",                                                   // line 3, column 16
            "sweep: {seed: [0, 2.5]}") + "\n");                                      // line 4, column 19

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "f.yaml", "--set", "synthetic.width=1.0E+3");

        Assert.Equal(2, exit);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("error: f.yaml:3:16: train.steps: expected an integer, got '1e5'; integers are written in digits: write 100000 ('1e5' reads as a float)", lines);
        Assert.Contains("error: f.yaml:4:19: sweep.seed[1]: expected an integer, got '2.5'; integers are written in digits, with no fraction or exponent ('2.5' reads as a float)", lines);
        Assert.Contains("error: --set synthetic.width=1.0E+3: synthetic.width: expected an integer, got '1.0E+3'; integers are written in digits: write 1000 ('1.0E+3' reads as a float)", lines);
    }
}
