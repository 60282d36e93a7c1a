namespace Retention.Data.Corpus;

/// <summary>A data command whose sources yield no document has nothing to replace its output with: an empty set swapped
/// in (<see cref="StagedOutput"/>) would delete a good earlier one, and a warning after the fact cannot bring it back.</summary>
public static class EmptyOutputs
{
    /// <exception cref="DataException">No document was read; says why when lines were skipped, and that
    /// <paramref name="target"/> was not touched.</exception>
    public static void Refuse(long documents, DataQualityLog quality, string target)
    {
        if (documents > 0) return;
        throw new DataException($"{NoDocument(quality)}: {OutputKeptException.Kept(target)}; check the sources");
    }

    /// <summary>"the sources yielded no document", and why when lines were skipped.</summary>
    public static string NoDocument(DataQualityLog quality) => "the sources yielded no document" + (quality.Issues.FirstOrDefault() is { } first
        ? $" ({Messages.Counted.Of(quality.Total, "data-quality issue", "N0")}; the first: {DataException.Format(first)})" : " (they are empty)");
}
