namespace Retention.Spec;

/// <summary>
/// What each experiment does not read, with where its own setting is. Written there, such a key was
/// silently ignored (an OLMo sweep over synthetic.width trained identical runs): validation refuses it,
/// and the resolved pipeline.yaml leaves it out.
/// </summary>
internal static class ExperimentKeys
{
    private static readonly Dictionary<string, (string Path, string Instead)[]> UnreadBy = new()
    {
        ["olmo"] =
        [
            ("synthetic", "the model is olmo.*"),
            ("train.batch_size", "an OLMo batch is data.packing.batch_size rows of data.packing.seq_len tokens"),
            ("train.optimizer", "OLMo runs use AdamW, set by olmo.weight_decay and olmo.beta2"),
            ("train.init_scale", "OLMo weights are initialised as OLMo's are"),
        ],
        ["synthetic"] =
        [
            ("olmo", "the model is synthetic.*"),
            ("data", "the synthetic mixture is synthetic.*"),
            // What picks a boundary or a lever among trained runs: a synthetic pipeline's advice is exact for every width and frequency.
            .. new[] { "target_accuracy", "size", "frequency", "kind" }
                .Select(k => ($"analysis.advise.{k}", "it is for advice from OLMo sweeps (trained runs); a synthetic pipeline's advice is exact for every width and frequency")),
        ],
        ["data"] =
        [
            ("synthetic", "a data run trains nothing"), ("olmo", "a data run trains nothing"),
            .. new[] { "batch_size", "optimizer", "lr", "lr_schedule", "min_lr_ratio", "warmup_steps", "log_every", "init_scale", "max_loss_ratio" }
                .Select(k => ($"train.{k}", "a data run reads train.steps only; its batches are data.packing.*")),
        ],
    };

    // What each experiment does with a section it reads, for the advice to switch to it.
    private static readonly Dictionary<string, string> Purpose = new()
    {
        ["synthetic"] = "the synthetic model", ["olmo"] = "OLMo training", ["data"] = "the data stage alone",
    };

    /// <summary>"write experiment: E (what it does)" for each experiment that reads <paramref name="path"/>, joined by "or".</summary>
    public static string ReadersOf(string path) => "write " + string.Join(" or ", UnreadBy.Keys
        .Where(e => UnreadAt(e, path) is null).Select(e => $"experiment: {e} ({Purpose[e]})"));

    /// <summary>The dotted paths <paramref name="experiment"/> does not read, and what to set instead.</summary>
    public static IReadOnlyList<(string Path, string Instead)> Unread(string experiment) => UnreadBy.GetValueOrDefault(experiment, []);

    /// <summary>The unread entry <paramref name="path"/> lies in (the entry itself or a key or item under it), or null.</summary>
    public static (string Path, string Instead)? UnreadAt(string experiment, string path)
    {
        foreach (var u in Unread(experiment))
            if (SpecPaths.IsAtOrUnder(path, u.Path)) return u;
        return null;
    }
}
