using System.Text.RegularExpressions;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Docs;

/// <summary>An analysis of a new OLMo experiment is written from README.md: every table an OLMo run writes (without
/// probes, which their own section lists) is in the OLMo section's table block with every column it has, read from the
/// schemas the runs write (<see cref="Retention.Pipeline.RunTables"/>), not from a hand list. The README named eval,
/// task_metrics, model, tasks and data_quality without a column, so a query began with DESCRIBE.</summary>
public class ReadmeOlmoTablesTests
{
    [Fact]
    public void Every_column_of_every_table_an_olmo_run_writes_is_listed_in_the_olmo_section()
    {
        var spec = SpecLoader.Load(RepoFiles.Pipeline("olmo-compute.yaml"), "cpu", checkAnalysis: false).Runs[0].Spec;
        Assert.Null(spec.Probes);
        var tables = Retention.Pipeline.RunTables.Of(spec, [new SweptKey("seed", ["0", "1"], typeof(long))]);
        var text = Readme.Load().Text;
        var section = text[text.IndexOf("## The OLMo experiments", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        var lines = section.Split('\n');

        var missing = new List<string>();
        foreach (var (name, schema) in tables)
        {
            var start = Array.FindIndex(lines, l => l.StartsWith($"{name}.arrow ", StringComparison.Ordinal));
            if (start < 0) { missing.Add($"{name}.arrow: no line of its own"); continue; }
            // Its entry: its line and the indented lines continuing it.
            var entry = string.Join(" ", lines.Skip(start).Take(1).Concat(lines.Skip(start + 1).TakeWhile(l => l.StartsWith("   ", StringComparison.Ordinal))));
            if (name == Retention.Pipeline.RunTables.SweptTable) continue;   // its columns are the sweep's keys
            missing.AddRange(schema.FieldsList.Select(f => f.Name).Where(c => !Regex.IsMatch(entry, $@"(?<![A-Za-z0-9_]){Regex.Escape(c)}(?![A-Za-z0-9_])"))
                .Select(c => $"{name}.arrow: column {c}"));
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
        Assert.True(tables.Count >= 9, $"{tables.Count} tables");
    }
}
