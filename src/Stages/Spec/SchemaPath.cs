namespace Retention.Spec;

/// <summary>
/// A dotted path such as train.steps or sweep.synthetic.width, resolved against the spec
/// records. Used by --set and by sweep keys, which must both name fields that exist.
/// </summary>
/// <param name="Keys">The mapping keys to walk from the document root; a sweep entry's key
/// (which itself contains dots) is kept whole as the last key.</param>
/// <param name="Field">The field the path ends on (the sweep field for a sweep entry).</param>
/// <param name="IsSweepEntry">The path names one entry of the sweep, e.g. sweep.seed.</param>
internal sealed record SchemaPath(IReadOnlyList<string> Keys, SpecField Field, bool IsSweepEntry)
{
    public string Dotted => string.Join(".", Keys);

    /// <summary>Resolves <paramref name="dotted"/>, or returns null with the deepest valid prefix and a message.</summary>
    public static SchemaPath? TryResolve(string dotted, out string errorPath, out string error)
    {
        var segments = dotted.Split('.');
        var keys = new List<string>();
        var record = typeof(PipelineSpec);
        errorPath = "";
        error = "";

        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var prefix = string.Join(".", keys);
            if (segment.Length == 0)
            {
                (errorPath, error) = (prefix, $"empty key in path '{dotted}'");
                return null;
            }

            var field = SpecSchema.Find(record, segment);
            if (field is null)
            {
                (errorPath, error) = (prefix, KeySuggestions.UnknownKey(segment, SpecSchema.KeysOf(record)));
                return null;
            }
            keys.Add(segment);

            var last = i == segments.Length - 1;
            if (last) return new SchemaPath(keys, field, IsSweepEntry: false);

            switch (field.Kind)
            {
                case FieldKind.Record:
                    record = field.Type;
                    break;
                case FieldKind.SweepMap:
                    // Sweep keys are dotted paths themselves: the rest of the path is one key.
                    keys.Add(string.Join(".", segments[(i + 1)..]));
                    return new SchemaPath(keys, field, IsSweepEntry: true);
                default:
                    (errorPath, error) = (string.Join(".", keys),
                        $"'{string.Join(".", keys)}' is {SpecSchema.Describe(field.Type)}, it has no key '{segments[i + 1]}'");
                    return null;
            }
        }

        (errorPath, error) = ("", "empty path");
        return null;
    }
}
