using System.Collections.ObjectModel;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>One cell of the sweep, still as a node tree: the base document without its sweep,
/// with this cell's value nodes put in place of the swept fields.</summary>
internal sealed record RunTree(string RunId, IReadOnlyDictionary<string, string> Parameters, YamlMappingNode Root);

/// <summary>
/// The cartesian product of the sweep axes, first axis varying slowest. The value nodes are the
/// ones written in the sweep list, so a run whose value fails to bind or validate is reported at
/// that value.
/// </summary>
internal static class SweepExpander
{
    public const string DefaultRunId = "default";

    public static IEnumerable<RunTree> Expand(YamlMappingNode root, IReadOnlyList<SweepAxis> axes, SourceMap sources)
    {
        var document = YamlTree.Get(root, SpecSchema.SweepKey) is null
            ? root
            : YamlTree.Without(root, SpecSchema.SweepKey, sources);

        if (axes.Count == 0)
        {
            yield return new RunTree(DefaultRunId, new Dictionary<string, string>().AsReadOnly(), document);
            yield break;
        }

        var choice = new int[axes.Count]; // an odometer over the axes' value indices
        while (true)
        {
            var tree = document;
            var parameters = new OrderedDictionary<string, string>();
            for (var a = 0; a < axes.Count; a++)
            {
                var value = axes[a].Values[choice[a]];
                // Binding the base document already proved every intermediate is a mapping.
                tree = YamlTree.SetPath(tree, axes[a].Keys, value, sources, sources.FileSource, out _)
                    ?? throw new InvalidOperationException($"sweep path {axes[a].Path} is blocked");
                parameters[axes[a].ShortKey] = value.Value!;
            }
            var id = string.Join("_", parameters.Select(p => $"{p.Key}-{SweepAxis.IdText(p.Value)}"));
            yield return new RunTree(id, new ReadOnlyDictionary<string, string>(parameters), tree);

            var axis = axes.Count - 1;
            while (axis >= 0 && ++choice[axis] == axes[axis].Values.Count) choice[axis--] = 0;
            if (axis < 0) yield break;
        }
    }
}
