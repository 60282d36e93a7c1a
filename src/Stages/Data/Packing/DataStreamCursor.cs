using System.Text.Json;

namespace Retention.Data;

/// <summary>
/// Everything a checkpoint needs to resume the data stream bit for bit: the last step delivered,
/// the source cursor from which the packer's current document is next (null: the source has none,
/// skip <c>Packer.DocumentIndex</c> documents instead), the packer's position and the injector's
/// counts. The tokenizer has no state and the injector's draws are functions of (seed, step).
/// </summary>
public sealed record DataStreamCursor(long Step, ReadCursor? Source, PackerCursor Packer, InjectorCursor? Injector)
{
    /// <summary>The beginning: no source cursor is needed to skip zero documents.</summary>
    public static readonly DataStreamCursor Start = new(0, null, PackerCursor.Start, null);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static DataStreamCursor FromJson(string json) =>
        JsonSerializer.Deserialize<DataStreamCursor>(json, Json) ?? throw new InvalidDataException("Empty data stream cursor.");
}
