using System.Text.Json;

namespace Retention.Tests.Host;

/// <summary>The step of the checkpoint a run has saved, read while the run may be writing it: tests wait on it to stop or
/// kill a run after a checkpoint.</summary>
static class SavedCheckpoint
{
    /// <summary>The step in <c>checkpoint/trainer.json</c>, 0 when there is none yet or it is being replaced.</summary>
    public static long Step(string runDir)
    {
        var meta = Path.Combine(runDir, "checkpoint", "trainer.json");
        try { return File.Exists(meta) ? JsonDocument.Parse(File.ReadAllText(meta)).RootElement.GetProperty("Step").GetInt64() : 0; }
        catch (Exception e) when (e is IOException or JsonException) { return 0; }
    }
}
