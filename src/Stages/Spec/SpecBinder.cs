using YamlDotNet.Core;
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

    /// <summary>The bound spec, or null and the first error YamlDotNet met (binding stops there).</summary>
    public static PipelineSpec? Bind(NodeIndex index, SourceMap sources, out SpecError? error)
    {
        var parser = new YamlNodeEventParser(index.Root, sources);
        try
        {
            error = null;
            return Deserializer.Deserialize<PipelineSpec>(parser);
        }
        catch (YamlException e)
        {
            error = BindingErrors.Explain(e, parser.NodeAt(e.Start), index, sources);
            return null;
        }
    }
}
