using Retention.Analysis;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Host;

/// <summary>utilities.arrow and rare.arrow have a column `lambda`, a DuckDB keyword: written bare, DuckDB said only "syntax
/// error at or near FROM". `validate` and `query` now say how to write it.</summary>
public sealed class KeywordColumnCliTests() : InTempFolder("keyword-column-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    const string Head = "name: p\nsynthetic: {tasks: 2, dims_per_task: 2, width: 2}\ntrain: {steps: 5, batch_size: 4, log_every: 5}\n";

    [Fact]
    public void Validate_says_how_to_write_a_bare_lambda_column()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), Head + "analysis:\n  tables:\n    - name: t\n      sql: SELECT task, lambda FROM utilities\n");

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.Equal(2, exit);
        Assert.StartsWith("error: p.yaml:7:", err);
        Assert.Contains("Parser Error", err);
        Assert.Contains(KeywordColumns.LambdaHint, err);
    }

    [Fact]
    public async Task Query_says_how_to_write_it_and_the_quoted_and_qualified_forms_work()
    {
        await PipelineRunner.RunAsync(SpecLoader.LoadText(Head, Path.Combine(dir, "p.yaml")), dir, SilentProgress.Instance, CancellationToken.None, analyze: false);
        var sweep = Path.Combine(dir, "p");

        var bare = CliProcess.Run(dir, Limit, "query", sweep, "SELECT max(lambda) AS l FROM utilities");
        Assert.Equal(2, bare.Exit);
        Assert.Contains(KeywordColumns.LambdaHint, bare.Err);

        // The spectrum of task 0 (scale 1, exponent 1): lambda_1 = 1, lambda_2 = 1/2.
        var quoted = CliProcess.Run(dir, Limit, "query", sweep, "SELECT sum(\"lambda\") AS l FROM utilities WHERE task = 0");
        Assert.True(quoted.Exit == 0, quoted.Err);
        Assert.Contains("1.5", quoted.Out);
        var qualified = CliProcess.Run(dir, Limit, "query", sweep, "SELECT sum(u.lambda) AS l FROM utilities u WHERE task = 0");
        Assert.True(qualified.Exit == 0, qualified.Err);
        Assert.Contains("1.5", qualified.Out);
    }

    [Theory]
    [InlineData("SELECT lambda FROM utilities", true)]
    [InlineData("SELECT max(LAMBDA) FROM rare", true)]
    [InlineData("SELECT \"lambda\" FROM utilities", false)]
    [InlineData("SELECT u.lambda FROM utilities u", false)]
    [InlineData("SELECT lambda_1 FROM t", false)]
    [InlineData("SELECT list_transform([1], lambda x: x +) FROM t", false)]   // a lambda function's own syntax error
    public void Only_a_bare_lambda_column_gets_the_hint(string sql, bool hinted)
    {
        var said = KeywordColumns.WithHint("Parser Error: syntax error at or near \"FROM\"", sql);
        Assert.Equal(hinted, said.Contains(KeywordColumns.LambdaHint));
        Assert.DoesNotContain(KeywordColumns.LambdaHint, KeywordColumns.WithHint("Binder Error: no column", "SELECT lambda FROM t"));
    }
}
