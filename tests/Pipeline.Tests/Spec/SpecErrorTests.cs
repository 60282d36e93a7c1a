using Retention.Spec;

namespace Retention.Tests.Spec;

public class SpecErrorTests
{
    [Fact]
    public void ToString_is_source_line_column_path_message()
    {
        Assert.Equal("p.yaml:3:7: train.steps: must be >= 1, got 0",
            new SpecError("p.yaml", 3, 7, "train.steps", "must be >= 1, got 0").ToString());
    }

    [Fact]
    public void ToString_omits_a_missing_position_and_an_empty_path()
    {
        Assert.Equal("--set seed=x: seed: expected an integer, got 'x'",
            new SpecError("--set seed=x", 0, 0, "seed", "expected an integer, got 'x'").ToString());
        Assert.Equal("p.yaml: file not found", new SpecError("p.yaml", 0, 0, "", "file not found").ToString());
    }

    [Fact]
    public void Exception_message_has_one_line_per_error()
    {
        var errors = new[]
        {
            new SpecError("p.yaml", 1, 1, "name", "first"),
            new SpecError("p.yaml", 2, 3, "seed", "second"),
        };

        var exception = new SpecException(errors);

        Assert.Equal(["p.yaml:1:1: name: first", "p.yaml:2:3: seed: second"], exception.Message.Split(Environment.NewLine));
        Assert.Equal(errors, exception.Errors);
    }
}
