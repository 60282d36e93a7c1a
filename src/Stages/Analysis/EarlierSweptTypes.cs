using DuckDB.NET.Data;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Analysis;

/// <summary>
/// swept.arrow as earlier versions wrote it: a key typed by the literals its sweep listed, not by its field
/// (`synthetic.spectrum_scale: [1, 2]` was BIGINT, now DOUBLE). The analysis was checked against the field's types, so
/// over such a sweep's files (`analyze`, `run --resume`) SQL that holds for DOUBLE (`format('{:.1f}', spectrum_scale)`)
/// failed, and labels read `1` for `1.0`. The loaded table's columns take the field's type before any step runs; the
/// files stay as written.
/// </summary>
static class EarlierSweptTypes
{
    /// <summary>Casts each column of the loaded <c>swept</c> table whose type is not the one
    /// <see cref="SweptValues.SchemaOf"/> gives its key; one DuckDB cannot cast keeps its type (the SQL then says why).</summary>
    public static void Align(DuckDBConnection connection, IReadOnlyList<SweptKey> swept)
    {
        if (swept.Count == 0) return;
        var loaded = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT column_name, data_type FROM information_schema.columns " +
                $"WHERE table_schema = current_schema() AND table_name = {SqlIdentifiers.Literal(RunTables.SweptTable)}";
            using var reader = command.ExecuteReader();
            while (reader.Read()) loaded[reader.GetString(0)] = reader.GetString(1);
        }
        foreach (var field in SweptValues.SchemaOf(swept).FieldsList)
        {
            if (DuckColumnTypes.FromArrow(field.DataType)?.Sql() is not { } declared
                || !loaded.TryGetValue(field.Name, out var type) || type.Equals(declared, StringComparison.OrdinalIgnoreCase)) continue;
            using var alter = connection.CreateCommand();
            alter.CommandText = $"ALTER TABLE {SqlIdentifiers.Quote(RunTables.SweptTable)} ALTER COLUMN {SqlIdentifiers.Quote(field.Name)} SET DATA TYPE {declared}";
            try { alter.ExecuteNonQuery(); }
            catch (DuckDBException) { }
        }
    }
}
