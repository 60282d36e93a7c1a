using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>A pipeline's YAML text as its one top-level mapping: an empty file, a second document or a top level that is
/// not a mapping is an error.</summary>
internal static class PipelineDocument
{
    /// <param name="duplicates">Where duplicate keys are reported (null: thrown); see <see cref="YamlSyntax.Parse"/>.</param>
    public static YamlMappingNode Parse(string yaml, SourceMap sources, List<SpecError>? duplicates = null)
    {
        var documents = YamlSyntax.Parse(yaml, sources.FileSource, positioned: true, duplicates);
        if (documents.Count == 0 || YamlTree.IsNull(documents[0].RootNode))
            throw new SpecException(new SpecError(sources.FileSource, 1, 1, "",
                "the file is empty; expected a mapping with at least 'name'"));
        if (documents.Count > 1)
            throw new SpecException(sources.ErrorAt(documents[1].RootNode, "",
                "expected one YAML document, found a second one (a '---' line); put each pipeline in its own file"));
        if (documents[0].RootNode is not YamlMappingNode root)
            throw new SpecException(sources.ErrorAt(documents[0].RootNode, "",
                $"expected a mapping of keys ({string.Join(", ", SpecSchema.KeysOf(typeof(PipelineSpec)))}) at the top level, got {YamlTree.Describe(documents[0].RootNode)}"));
        return root;
    }
}
