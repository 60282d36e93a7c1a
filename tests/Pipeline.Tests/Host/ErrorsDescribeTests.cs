using Retention.Host.Commands;

namespace Retention.Tests.Host;

/// <summary>What a user reads of an error: the code's own parameter names stay out of it.</summary>
public class ErrorsDescribeTests
{
    [Fact]
    public void An_argument_exception_is_told_without_its_parameter_name()
    {
        var e = new ArgumentException("unknown OLMo preset '5M' (4M, 20M, 300M, 1B, 4B)", "name");
        Assert.EndsWith("(Parameter 'name')", e.Message);   // what .NET appends, and the CLI once printed
        Assert.Equal("unknown OLMo preset '5M' (4M, 20M, 300M, 1B, 4B)", Errors.Describe(e, WriteAdvice.Output));
        Assert.Equal("no parameter here", Errors.Describe(new ArgumentException("no parameter here"), WriteAdvice.Output));
    }
}
