using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Retention.Spec;

/// <summary>Binds a node tree to PipelineSpec with YamlDotNet, keeping node positions for errors.</summary>
internal static class SpecBinder
{
    // Strict on purpose: an unknown key is a typo until proven otherwise, and a silently ignored
    // typo in a sweep file costs a day of compute. Built once: the deserializer caches reflection.
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithEnforceRequiredMembers()
        .WithEnforceNullability()
        .WithDuplicateKeyChecking()
        .WithNodeDeserializer(new NullValueGuard(), where => where.OnTop())
        .WithNodeDeserializer(new ReadOnlyCollectionDeserializer())
        .Build();

    /// <summary>A placeholder for a missing required key, so binding can go on; errors under it are not reported.</summary>
    private const string Placeholder = "placeholder";

    /// <summary>Binding stops at YamlDotNet's first error; mending that node and binding again finds the
    /// next. A file has a few dozen keys, so this bounds the rounds comfortably.</summary>
    private const int MaxRounds = 200;

    /// <summary>
    /// Binds <paramref name="root"/>, collecting every binding error in one pass: after each error the
    /// offending key or value is dropped (its default applies) or a missing required key gets a
    /// placeholder, and binding starts again. The tree is mended in place, so call this only on a
    /// tree of this load. The paths mended go to <paramref name="mended"/>: later errors under them
    /// (a default that does not fit, a placeholder) are consequences, not the user's mistakes.
    /// </summary>
    /// <returns>The spec and the index of the (mended) tree, or null when the tree cannot be mended.</returns>
    public static (PipelineSpec Spec, NodeIndex Index)? BindAll(YamlMappingNode root, NodeIndex? namesFrom, SourceMap sources,
        List<SpecError> errors, MendedPaths mended)
    {
        for (int round = 0; round < MaxRounds; round++)
        {
            var index = NodeIndex.Build(root, namesFrom);
            var parser = new YamlNodeEventParser(index.Root, sources);
            try
            {
                return (Deserializer.Deserialize<PipelineSpec>(parser), index);
            }
            catch (YamlException e)
            {
                var failure = BindingErrors.Explain(e, parser.NodeAt(e.Start), index, sources);
                if (!mended.Covers(failure.Error.Path)) errors.Add(failure.Error);
                if (!Mend(root, failure, index, mended)) return null;
            }
        }
        return null;
    }

    private static bool Mend(YamlMappingNode root, BindingFailure failure, NodeIndex index, MendedPaths mended)
    {
        var subject = failure.Subject;
        var path = index.InfoOf(subject)?.Path ?? failure.Error.Path;
        if (failure.MissingKeys.Count > 0 && subject is YamlMappingNode incomplete)
        {
            foreach (var key in failure.MissingKeys)
            {
                incomplete.Children.Add(new YamlScalarNode(key), new YamlScalarNode(Placeholder));
                mended.Add(path.Length == 0 ? key : $"{path}.{key}");
            }
            return true;
        }
        if (ReferenceEquals(subject, root)) return false;
        foreach (var (node, parent) in YamlTree.Nodes(root))
        {
            switch (parent)
            {
                // Reference tests throughout: YamlNode equality is by content, and "x: 1" may be written twice.
                case YamlMappingNode mapping when mapping.Children.Keys.Any(k => ReferenceEquals(k, subject)):
                    // A bad key: drop it with its value.
                    mapping.Children.Remove(subject);
                    return true;
                case YamlMappingNode mapping when ReferenceEquals(node, subject):
                    // A bad value: drop its key, so the field takes its default.
                    var key = mapping.Children.First(kv => ReferenceEquals(kv.Value, subject)).Key;
                    bool required = index.InfoOf(key)?.Record is { } record && YamlTree.KeyText(key) is { } name
                        && SpecSchema.Find(record, name)?.Required == true;
                    if (required) mapping.Children[key] = new YamlScalarNode(Placeholder);   // dropping it would be a second error
                    else mapping.Children.Remove(key);
                    mended.Add(path);
                    return true;
                case YamlSequenceNode sequence when ReferenceEquals(node, subject):
                    // A bad item: an empty item keeps the later items' indices (and their paths).
                    int at = 0;
                    while (!ReferenceEquals(sequence.Children[at], subject)) at++;
                    sequence.Children[at] = subject is YamlMappingNode or YamlSequenceNode || IsInMappingList(sequence)
                        ? new YamlMappingNode() : new YamlScalarNode(Placeholder);
                    mended.Add(path);
                    return true;
            }
        }
        return false;
    }

    private static bool IsInMappingList(YamlSequenceNode sequence) => sequence.Children.Any(c => c is YamlMappingNode);
}

/// <summary>Paths the binder mended (dropped values, placeholders): errors at or under them are not reported.</summary>
internal sealed class MendedPaths
{
    private readonly HashSet<string> _paths = [];

    public bool Any => _paths.Count > 0;

    public void Add(string path) => _paths.Add(path);

    public MendedPaths Copy()
    {
        var copy = new MendedPaths();
        copy._paths.UnionWith(_paths);
        return copy;
    }

    /// <summary>Whether anything at, above or under <paramref name="path"/> was mended (data.tasks[1] for data.tasks).</summary>
    public bool TouchesOrUnder(string path) => Covers(path) || _paths.Any(m => SpecPaths.IsAtOrUnder(m, path));

    public bool Covers(string path) => _paths.Any(m => path == m
        || path.StartsWith(m + ".", StringComparison.Ordinal) || path.StartsWith(m + "[", StringComparison.Ordinal));
}
