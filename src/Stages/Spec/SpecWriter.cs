using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;
using YamlDotNet.Serialization.NamingConventions;
using YamlDotNet.Serialization.TypeInspectors;

namespace Retention.Spec;

/// <summary>
/// Writes a spec as YAML with every field its experiment reads, defaults included, so a run's resolved
/// spec records exactly what ran even if a default changes later. The output loads back to an equal spec.
/// </summary>
internal static class SpecWriter
{
    // One serializer per experiment: each leaves out what its experiment does not read.
    private static readonly Dictionary<string, ISerializer> Serializers = new();

    private static ISerializer Serializer(string experiment)
    {
        lock (Serializers)
        {
            if (Serializers.TryGetValue(experiment, out var serializer)) return serializer;
            var unread = ExperimentKeys.Unread(experiment)
                .Select(u => SchemaPath.TryResolve(u.Path, out _, out _)!.Field.Property).ToHashSet();
            return Serializers[experiment] = new SerializerBuilder()
                .WithNamingConvention(UnderscoredNamingConvention.Instance)
                // Null optionals (plot value, series, labels) are left out; absent reads back as null.
                .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
                // Records share empty lists ([] is one array instance); anchors/aliases would be noise.
                .DisableAliases()
                // Only settable properties are spec keys; computed ones (data.packing.row_length,
                // tokens_per_batch) would be written and then rejected as unknown keys on reload.
                .WithTypeInspector(inner => new ReadableAndWritablePropertiesTypeInspector(inner))
                .WithTypeInspector(inner => new WithoutProperties(inner, unread))
                .WithEventEmitter(next => new ReadableStrings(next))
                .Build();
        }
    }

    public static string Write(PipelineSpec spec) => Serializer(spec.Experiment).Serialize(spec);

    /// <summary>Leaves out the given properties (an experiment's unread keys, which it would refuse on reload), and a
    /// source's keys its format never reads (<see cref="Retention.Data.DataSourceSpec.UnreadKeys"/>).</summary>
    private sealed class WithoutProperties(ITypeInspector inner, IReadOnlySet<PropertyInfo> left) : ReadableAndWritablePropertiesTypeInspector(inner)
    {
        public override IEnumerable<IPropertyDescriptor> GetProperties(Type type, object? container)
        {
            var unread = container is Retention.Data.DataSourceSpec source ? Retention.Data.DataSourceSpec.UnreadKeys(source.Format) : [];
            return base.GetProperties(type, container).Where(p => !unread.Contains(UnderscoredNamingConvention.Instance.Apply(p.Name)) && !left.Any(l => l.DeclaringType == type
                && (l.Name == p.Name || UnderscoredNamingConvention.Instance.Apply(l.Name) == p.Name)));
        }
    }

    /// <summary>
    /// SQL reads best as a literal block; and a string that spells null must be quoted,
    /// or it would read back as null. Other strings are type-directed on the way back in
    /// ("123" binds to a string field as "123"), so they stay plain.
    /// </summary>
    private sealed class ReadableStrings(IEventEmitter next) : ChainedEventEmitter(next)
    {
        public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is string text)
            {
                if (text.Contains('\n')) eventInfo.Style = ScalarStyle.Literal;
                else if (text is "~" or "null" or "Null" or "NULL") eventInfo.Style = ScalarStyle.SingleQuoted;
            }
            base.Emit(eventInfo, emitter);
        }
    }
}
