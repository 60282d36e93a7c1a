using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// Command-line overrides, `--set path=value`, applied after the profile and in order.
/// The value is YAML (a scalar, or a flow node such as [0,1,2] or {steps: 5}); a mapping
/// merges into the existing mapping like a profile does, anything else replaces.
/// The path must name a field of the spec, or an entry of the sweep (sweep.seed=[0,1,2]).
/// A --set on a field that is also swept wins: that sweep entry is removed, so
/// `--set synthetic.width=8` on a width sweep runs width 8 only (other sweep keys still expand).
/// </summary>
internal static class SetOverrides
{
    /// <summary>The innermost optional section (probes.gradients, synthetic.rare, …) an assignment reaches into that
    /// <paramref name="root"/> does not have, or null. Setting one of its keys adds it with its defaults for the others, and
    /// a section present is on: said in a note, since the user may have thought the pipeline had it.</summary>
    public static string? AddedSection(YamlMappingNode root, string assignment)
    {
        var eq = assignment.IndexOf('=');
        if (eq <= 0 || SchemaPath.TryResolve(assignment[..eq].Trim(), out _, out _) is not { IsSweepEntry: false } target) return null;
        // The innermost: without probes, --set probes.gradients.instances=8 adds probes and probes.gradients, and the note
        // names the probe it turns on rather than the section around it.
        return SpecSchema.OptionalSections(target.Keys).LastOrDefault(prefix => YamlTree.At(root, prefix.Split('.')) is null or YamlScalarNode);
    }

    public static YamlMappingNode Apply(YamlMappingNode root, string assignment, SourceMap sources)
    {
        var source = $"--set {assignment}";
        var eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new SpecException(new SpecError(source, 0, 0, "", "expected path=value, e.g. train.steps=500"));

        var dotted = assignment[..eq].Trim();
        // A key of the file that no --set reaches: said as such, not as an unknown key (the file has it).
        if (dotted.Split('.')[0] == Profiles.Key)
            throw new SpecException(new SpecError(source, 0, 0, Profiles.Key,
                $"--set cannot change '{Profiles.Key}': --profile NAME applies one of the file's profiles and each --set applies " +
                "over it, e.g. --profile cpu --set train.steps=500"));
        var target = SchemaPath.TryResolve(dotted, out var errorPath, out var message)
            ?? throw new SpecException(new SpecError(source, 0, 0, errorPath, message));

        var value = ParseValue(assignment[(eq + 1)..], source, dotted);
        sources.AddTree(value, source);

        var updated = YamlTree.SetPath(root, target.Keys, value, sources, source, out var blockedAt)
            ?? throw new SpecException(new SpecError(source, 0, 0, blockedAt,
                $"cannot set '{dotted}': '{blockedAt}' in the file is not a mapping"));

        return target.IsSweepEntry || target.Field.Kind == FieldKind.SweepMap
            ? updated
            : DropSweepEntries(updated, LeafPaths(target.Dotted, value), sources);
    }

    private static YamlNode ParseValue(string text, string source, string path)
    {
        IReadOnlyList<YamlDocument> documents;
        try
        {
            documents = YamlSyntax.Parse(text, source, positioned: false);
        }
        catch (SpecException e)
        {
            throw new SpecException(e.Errors.Select(x => x with { Path = path }).ToList());
        }

        return documents.Count switch
        {
            // `--set description=` sets an empty (null) value, as `description:` would in the file.
            0 => new YamlScalarNode("") { Style = ScalarStyle.Plain },
            1 => documents[0].RootNode,
            _ => throw new SpecException(new SpecError(source, 0, 0, path, "expected a single YAML value")),
        };
    }

    /// <summary>The field paths a value sets: train={steps: 5, lr: 0.1} sets train.steps and train.lr.</summary>
    private static IEnumerable<string> LeafPaths(string prefix, YamlNode value) =>
        value is YamlMappingNode mapping
            ? mapping.Children.SelectMany(kv => LeafPaths($"{prefix}.{YamlTree.KeyText(kv.Key)}", kv.Value))
            : [prefix];

    private static YamlMappingNode DropSweepEntries(YamlMappingNode root, IEnumerable<string> paths, SourceMap sources)
    {
        if (YamlTree.Get(root, SpecSchema.SweepKey) is not YamlMappingNode sweep) return root;
        var remaining = sweep;
        foreach (var path in paths)
            if (YamlTree.Get(remaining, path) is not null)
                remaining = YamlTree.Without(remaining, path, sources);
        return ReferenceEquals(remaining, sweep) ? root : YamlTree.With(root, SpecSchema.SweepKey, remaining, sources);
    }
}
