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

    /// <summary>`batch_size: 1e10` was told "integers are written in digits" and, once written so, 10000000000 was refused
    /// next, past int's range: the range is said at once, in the file and a --set, and for a long field (train.steps) too.</summary>
    [Fact]
    public void A_whole_float_past_the_fields_range_is_told_the_range()
    {
        File.WriteAllText(Path.Combine(dir, "f.yaml"), string.Join('\n',
            "name: f",
            "experiment: synthetic",
            "train: {steps: 1e19, batch_size: 1e10}",                                // line 3, columns 16 and 34
            "sweep: {seed: [0, -3e9]}") + "\n");                                    // line 4, column 19

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "f.yaml", "--set", "synthetic.width=1e10");

        Assert.Equal(2, exit);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Was "integers are written in digits, with no fraction or exponent" for all four.
        Assert.Contains("error: f.yaml:3:16: train.steps: expected an integer, got '1e19'; integers are written in digits, but '1e19' is beyond " +
            "this field's largest value 9223372036854775807", lines);
        Assert.Contains("error: f.yaml:3:34: train.batch_size: expected an integer, got '1e10'; integers are written in digits, but '1e10' is beyond " +
            "this field's largest value 2147483647", lines);
        Assert.Contains("error: f.yaml:4:19: sweep.seed[1]: expected an integer, got '-3e9'; integers are written in digits, but '-3e9' is below " +
            "this field's smallest value -2147483648", lines);
        Assert.Contains("error: --set synthetic.width=1e10: synthetic.width: expected an integer, got '1e10'; integers are written in digits, " +
            "but '1e10' is beyond this field's largest value 2147483647", lines);

        // Within a long's range the digits are still given: 1e10 steps is 10000000000, which validate takes.
        File.WriteAllText(Path.Combine(dir, "f.yaml"), File.ReadAllText(Path.Combine(dir, "f.yaml")).Replace("1e19", "9.2e18"));
        (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "f.yaml");

        Assert.Equal(2, exit);
        Assert.Contains("error: f.yaml:3:16: train.steps: expected an integer, got '9.2e18'; integers are written in digits: write 9200000000000000000 " +
            "('9.2e18' reads as a float)", err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));   // was "with no fraction or exponent": 9e18 was its limit
    }
}
