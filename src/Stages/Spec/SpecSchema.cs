using System.Collections.Concurrent;
using System.Reflection;
using YamlDotNet.Serialization.NamingConventions;

namespace Retention.Spec;

internal enum FieldKind
{
    /// <summary>string, int, long, double, bool (or nullable).</summary>
    Scalar,
    /// <summary>A nested spec record (a YAML mapping).</summary>
    Record,
    /// <summary>IReadOnlyList of a spec record (a YAML sequence of mappings).</summary>
    RecordList,
    /// <summary>IReadOnlyList of scalars (a YAML sequence of values, e.g. data.sources[].paths).</summary>
    ScalarList,
    /// <summary>The sweep: dotted path → list of values.</summary>
    SweepMap,
}

/// <summary>One YAML key of a spec record, as the deserializer will bind it.</summary>
internal sealed record SpecField(string Key, PropertyInfo Property, FieldKind Kind, bool Required)
{
    public Type Type => Property.PropertyType;

    /// <summary>The record type a mapping under this key binds to (the element type for lists).</summary>
    public Type? RecordType => Kind switch
    {
        FieldKind.Record => Type,
        FieldKind.RecordList => Type.GetGenericArguments()[0],
        _ => null,
    };
}

/// <summary>
/// The shape of the spec records, read by reflection so that allowed-key lists, --set paths and
/// sweep keys can never drift from PipelineSpec.cs: adding a property there is all it takes.
/// </summary>
internal static class SpecSchema
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<SpecField>> Cache = new();

    /// <summary>The top-level key of the sweep mapping.</summary>
    public static readonly string SweepKey = KeyOf(nameof(PipelineSpec.Sweep));

    /// <summary>The fields of a spec record in declaration order, keyed as the YAML spells them.</summary>
    public static IReadOnlyList<SpecField> FieldsOf(Type record) => Cache.GetOrAdd(record, Reflect);

    public static SpecField? Find(Type record, string key) =>
        FieldsOf(record).FirstOrDefault(f => f.Key == key);

    public static IReadOnlyList<string> KeysOf(Type record) => FieldsOf(record).Select(f => f.Key).ToList();

    /// <summary>Every key a pipeline file may write, at any depth.</summary>
    public static IReadOnlySet<string> AllKeys => AllKeysOnce.Value;

    private static readonly Lazy<HashSet<string>> AllKeysOnce = new(() =>
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        void Collect(Type record)
        {
            if (!seen.Add(record)) return;
            foreach (var field in FieldsOf(record))
            {
                keys.Add(field.Key);
                if (field.RecordType is { } nested) Collect(nested);
            }
        }
        Collect(typeof(PipelineSpec));
        return keys;
    });

    /// <summary>Whether a section of <paramref name="record"/> is left out unless written (its default is null: probes.das,
    /// synthetic.rare, analysis.advise): writing it, even empty, turns something on.</summary>
    public static bool IsOptionalSection(Type record, SpecField field) =>
        field.Kind == FieldKind.Record && TryDefault(record, field, out var value) && value is null;

    /// <summary>The value <paramref name="field"/> has in a <paramref name="record"/> constructed without arguments; false for a
    /// record without a parameterless constructor (it has no default; as a section it is not optional).</summary>
    public static bool TryDefault(Type record, SpecField field, out object? value)
    {
        try { value = field.Property.GetValue(Activator.CreateInstance(record)); return true; }
        catch (MissingMethodException) { value = null; return false; }
    }

    /// <summary>The first optional section on the way to <paramref name="keys"/>' last key (not that key itself), with the
    /// dotted path to it, for which <paramref name="absent"/> holds; null when there is none.</summary>
    public static string? FirstOptionalSection(IReadOnlyList<string> keys, Func<string, bool> absent) =>
        OptionalSections(keys).FirstOrDefault(absent);

    /// <summary>The optional sections on the way to <paramref name="keys"/>' last key (not that key itself), outermost first,
    /// by their dotted paths (probes, probes.gradients for probes.gradients.instances).</summary>
    public static IEnumerable<string> OptionalSections(IReadOnlyList<string> keys)
    {
        var record = typeof(PipelineSpec);
        for (int i = 0; i < keys.Count - 1; i++)
        {
            if (Find(record, keys[i]) is not { Kind: FieldKind.Record } field) yield break;
            if (IsOptionalSection(record, field)) yield return string.Join(".", keys.Take(i + 1));
            record = field.Type;
        }
    }

    /// <summary>
    /// The YAML key of a property: the same naming convention the deserializer uses, so the
    /// two can never disagree.
    /// </summary>
    public static string KeyOf(string propertyName) => UnderscoredNamingConvention.Instance.Apply(propertyName);

    /// <summary>What a value of this type looks like, for "expected ..." messages.</summary>
    public static string Describe(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) return Describe(underlying);
        if (type == typeof(int) || type == typeof(long)) return "an integer";
        if (type == typeof(double)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "a string";
        return KindOf(type) switch
        {
            FieldKind.Record => $"a mapping with keys {string.Join(", ", KeysOf(type))}",
            FieldKind.RecordList => "a list of mappings",
            FieldKind.ScalarList => "a list of values",
            FieldKind.SweepMap => "a mapping of field paths to lists of values",
            _ => "a scalar value",
        };
    }

    /// <summary>Dotted paths of every scalar field reachable through nested records (the sweepable ones).</summary>
    public static IReadOnlyList<string> ScalarPaths(Type record, string prefix = "")
    {
        var paths = new List<string>();
        foreach (var field in FieldsOf(record))
        {
            var path = prefix + field.Key;
            if (field.Kind == FieldKind.Scalar) paths.Add(path);
            else if (field.Kind == FieldKind.Record) paths.AddRange(ScalarPaths(field.Type, path + "."));
        }
        return paths;
    }

    private static IReadOnlyList<SpecField> Reflect(Type record) =>
        record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.SetMethod is { IsPublic: true })
            .OrderBy(p => p.MetadataToken) // declaration order, which is also the serializer's order
            .Select(p => new SpecField(
                KeyOf(p.Name),
                p,
                KindOf(p.PropertyType),
                IsRequired(p)))
            .ToList();

    // Matched by name: ScottPlot ships its own public polyfill of RequiredMemberAttribute,
    // so the type name is ambiguous in this assembly.
    private static bool IsRequired(PropertyInfo p) =>
        p.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.RequiredMemberAttribute");

    public static FieldKind KindOf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string) || t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(bool))
            return FieldKind.Scalar;
        if (t == typeof(IReadOnlyDictionary<string, IReadOnlyList<string>>))
            return FieldKind.SweepMap;
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) && IsRecord(t.GetGenericArguments()[0]))
            return FieldKind.RecordList;
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) && KindOf(t.GetGenericArguments()[0]) == FieldKind.Scalar)
            return FieldKind.ScalarList;
        if (IsRecord(t))
            return FieldKind.Record;
        // A new property type must be taught to the schema (and to Describe) before it can be loaded.
        throw new NotSupportedException($"spec property type {t} is not supported by SpecSchema");
    }

    // Spec records live in Retention.Spec, and the data stage's own specs in Retention.Data.
    private static bool IsRecord(Type t) => t.IsClass && t != typeof(string)
        && (t.Namespace == typeof(PipelineSpec).Namespace || t.Namespace == typeof(Retention.Data.DataSourceSpec).Namespace);
}
