using System.Globalization;

namespace Retention.Spec;

/// <summary>What to say after "expected X, got null" where the null is an empty <c>--set key=</c>: such a value clears a
/// key only where it may be unset (an optional section, an optional value), and this key needs a value, so the error
/// says what one looks like rather than leaving the user to guess at YAML.</summary>
internal static class EmptySetValue
{
    public static bool IsFrom(string source) => source.StartsWith("--set ", StringComparison.Ordinal);

    /// <summary>"; an empty --set value clears only a key that may be left unset (...); train.steps needs an integer: write
    /// one, e.g. --set train.steps=100000 (its default, ...)".</summary>
    public static string Hint(string path, Type? type)
    {
        // A section's keys are already in "expected a mapping with keys ..." before this; said once.
        var needs = type is null ? "a value" : SpecSchema.KindOf(Nullable.GetUnderlyingType(type) ?? type) == FieldKind.Record ? "a mapping" : SpecSchema.Describe(type);
        return "; an empty --set value clears only a key that may be left unset (an optional section, e.g. --set probes.das=, " +
               $"or an optional value such as data.tokenizer.path); {path} needs {needs}: {Example(path, type)}";
    }

    /// <summary>"; write its value after the ':', e.g. 'width: 16' (its default, which removing the line also gives)": a key
    /// the file writes with no value (its value commented out, or not yet written) where one is needed; "" but for a
    /// scalar key (a section's is <see cref="BindingErrors"/>'s).</summary>
    public static string InFile(string path, Type? type)
    {
        var t = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (t is null || SpecSchema.KindOf(t) != FieldKind.Scalar) return "";
        var key = path[(path.LastIndexOf('.') + 1)..];
        var initial = Default(path);
        if (t == typeof(bool)) return $"; write '{key}: true' or '{key}: false'" + (initial is null ? "" : $" (its default is {initial}, which removing the line also gives)");
        if (initial is not null) return $"; write its value after the ':', e.g. '{key}: {initial}' (its default, which removing the line also gives)";
        return $"; write its value after the ':'";
    }

    /// <summary>A sweep entry cleared: it needs values, and one value for every run is the field's own --set.</summary>
    public static string SweepHint(string entry) =>
        $"; an empty --set value does not remove a sweep entry: give its values, e.g. --set sweep.{entry}=[0,1], " +
        $"or one value for every run with --set {entry}=VALUE, which removes the entry";

    static string Example(string path, Type? type)
    {
        var t = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var initial = Default(path);
        if (t is null || SpecSchema.KindOf(t) is FieldKind.RecordList or FieldKind.ScalarList)
            return $"write its items in a YAML list, or --set {path}=[] for none";
        // A mapping value merges into the section there (as a profile does), so a --set of it is the way to change some keys.
        if (t is not null && SpecSchema.KindOf(t) == FieldKind.Record)
            return $"write its keys, e.g. --set '{path}={{{SampleEntry(path, t)}}}', which merges into the {path} already there " +
                   "(leaving the --set out keeps it)";
        if (t is not null && SpecSchema.KindOf(t) == FieldKind.SweepMap)
            return $"write its entries, e.g. --set '{path}={{seed: [0, 1]}}', which merges into the {path} already there " +
                   "(--set FIELD=VALUE removes FIELD's entry: one value for every run)";
        if (t == typeof(bool)) return $"write --set {path}=true or --set {path}=false" + (initial is null ? "" : $" (its default is {initial})");
        // The default is a value that is right for the key; without one, a sample of its type.
        if (initial is not null) return $"write one, e.g. --set {path}={initial} (its default, which leaving the --set out also gives)";
        return $"write one, e.g. --set {path}={(t == typeof(int) || t == typeof(long) ? "1000" : t == typeof(double) ? "0.5" : "TEXT")}";
    }

    /// <summary>"steps: 100000": the section's first key with a default written as a value, or its first key and "..."
    /// (analysis, whose keys are lists and sections).</summary>
    static string SampleEntry(string path, Type record)
    {
        var fields = SpecSchema.FieldsOf(record);
        foreach (var field in fields.Where(f => f.Kind == FieldKind.Scalar))
            if (Default($"{path}.{field.Key}") is { } value) return $"{field.Key}: {value}";
        return $"{fields[0].Key}: ...";
    }

    /// <summary>The key's default as YAML writes it, or null where it has none (a required key, a list item's key).</summary>
    static string? Default(string path)
    {
        if (SchemaPath.TryResolve(path, out _, out _) is not { IsSweepEntry: false, Field: { Kind: FieldKind.Scalar } field }) return null;
        if (!SpecSchema.TryDefault(field.Property.DeclaringType!, field, out var initial)) return null;
        return initial switch
        {
            null => null,
            bool b => b ? "true" : "false",
            string s when s.Length == 0 => null,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        };
    }
}
