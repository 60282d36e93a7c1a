namespace Retention.Tests.Pipeline;

/// <summary>The smallest synthetic sweep the analysis tests train through the CLI (one run, a second or two on 2 cores): a
/// pipeline's body without its name or analysis, which each test adds.</summary>
static class TinySynthetic
{
    public const string Body = "synthetic: {tasks: 4, dims_per_task: 4, width: 2}\ntrain: {steps: 200, batch_size: 16, log_every: 50}\n";

    /// <summary>The body named <c>s</c>.</summary>
    public const string Named = "name: s\n" + Body;
}
