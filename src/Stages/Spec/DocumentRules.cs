using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>Rules on the document as a whole: its name, experiment and device, and sections written empty.</summary>
internal static class DocumentRules
{
    public static void Check(SpecChecks c, PipelineSpec spec)
    {
        // The name becomes a directory under artifacts/.
        c.Check(SpecNames.IsPipelineName(spec.Name), "name",
            $"'{spec.Name}' is not a valid name; use letters, digits, '.', '_' and '-', starting with a letter or digit");
        c.OneOf(spec.Experiment, SpecChoices.Experiments, "experiment", "experiment");
        c.Check(DeviceNames.IsValid(spec.Device), "device", DeviceNames.Unknown(spec.Device));
    }

    /// <summary>An optional section written with no value (`das:`, `rare: ~`) reads as null, which leaves it out: a user
    /// who wrote it meant it on with its defaults ("present = on"), and got a run without it, silently. Only what the
    /// file wrote is refused: an empty --set value clears a key on purpose.</summary>
    /// <param name="experiment">A section it does not read is refused by <see cref="UnreadKeyRules.UnreadExperimentKeys"/>
    /// instead ("write '{}' for its defaults" would be the wrong advice there).</param>
    public static void EmptySections(SpecChecks c, string experiment, Type record, string prefix)
    {
        foreach (var field in SpecSchema.FieldsOf(record).Where(f => f.Kind == FieldKind.Record))
        {
            var path = prefix + field.Key;
            var node = c.Index.At(path);
            if (node is not null && YamlTree.IsNull(node) && c.Sources.SourceOf(node) == c.Sources.FileSource
                && SpecSchema.IsOptionalSection(record, field)
                && !(ExperimentKeys.UnreadAt(experiment, path) is { } unread && UnreadKeyRules.AbsentSection(unread.Path)))
                c.Check(false, path, $"is empty, which leaves it out as if it were not written; write '{field.Key}: {{}}' for its defaults, or remove the line");
            else if (node is YamlMappingNode)
                EmptySections(c, experiment, field.Type, path + ".");
        }
    }
}
