using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>YAML 1.1's merge key (`<<: *base`), common in hand-written configs, is not read: it was refused as
/// "unknown key '<<'", as if a typo; the error says what it is and what to write instead.</summary>
public class MergeKeyTests
{
    [Fact]
    public void A_merge_key_is_named_as_one_with_the_ways_to_write_it()
    {
        var yaml = Yaml(
            "name: m",
            "train: {steps: 20, log_every: 10}",
            "synthetic:",
            "  <<: {tasks: 4, dims_per_task: 2}",
            "  width: 2");
        var error = Assert.Single(Errors(yaml));
        Assert.Equal(4, error.Line);
        Assert.StartsWith("'<<' (a YAML merge key) is not read: write the keys out, alias a whole mapping (key: *name), or put the " +
            "differences in a profile (profiles deep-merge over the file); allowed: tasks, ", error.Message);
    }
}
