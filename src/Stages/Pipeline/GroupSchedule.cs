using Retention.Models;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// Trains a sweep's groups one after another, or up to <c>jobs</c> at once, the costliest first. A stop ends it before the
/// next group; with groups side by side, the first failure stops the others and is thrown once they have ended.
/// </summary>
static class GroupSchedule
{
    /// <param name="jobs">Groups trained at once; 1: one after another.</param>
    /// <param name="trainGroup">Trains one group under the token given and returns how its runs ended.</param>
    /// <returns>How the runs of the groups trained ended, in the order they ended.</returns>
    public static async Task<IReadOnlyList<(string, RunStatus)>> RunAsync(IReadOnlyList<IReadOnlyList<RunPlan>> groups, int jobs,
        Func<IReadOnlyList<RunPlan>, CancellationToken, Task<IReadOnlyList<(string, RunStatus)>>> trainGroup, CancellationToken stop)
    {
        var statuses = new List<(string, RunStatus)>();
        if (jobs == 1)
        {
            foreach (var group in groups)
            {
                if (stop.IsCancellationRequested) break;
                statuses.AddRange(await trainGroup(group, stop));
            }
            return statuses;
        }
        // Widest groups first, so the long ones do not start last (the longest-job-first rule).
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var ordered = CostliestFirst(groups);
        Exception? firstFailure = null;
        await Parallel.ForEachAsync(ordered, new ParallelOptions { MaxDegreeOfParallelism = jobs }, async (group, _) =>
        {
            if (failFast.IsCancellationRequested) return;
            try
            {
                var done = await trainGroup(group, failFast.Token);
                lock (statuses) statuses.AddRange(done);
            }
            catch (Exception e)   // any failure (a run's, or writing its status) stops the others
            {
                Interlocked.CompareExchange(ref firstFailure, e, null);
                failFast.Cancel();
            }
        });
        if (firstFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        return statuses;
    }

    /// <summary>The order groups start in side by side: the costliest first (ties keep their order).</summary>
    internal static List<IReadOnlyList<RunPlan>> CostliestFirst(IReadOnlyList<IReadOnlyList<RunPlan>> groups) =>
        [.. groups.OrderByDescending(g => g.Sum(Cost))];

    /// <summary>A run's relative training cost, for ordering concurrent groups: width × steps for a
    /// synthetic run; parameters × tokens for an OLMo run.</summary>
    static double Cost(RunPlan run) => run.Spec switch
    {
        { Experiment: "olmo", Olmo: { } o, Data: { } d } =>
            (double)OlmoRunGraph.Shape(o, Vocabulary(run, o), d.Packing.SeqLen).ParameterCount() * d.Packing.TokensPerBatch * run.Spec.Train.Steps,
        var s => (double)s.Synthetic.Width * s.Train.Steps,
    };

    /// <summary>The vocabulary the run's model is built with: its embedding and output layers grow with it, and a small preset
    /// is mostly those two, so counted at the preset's 50,304 a 257-token byte model would cost as much as one with the
    /// full vocabulary. olmo.vocab_size where set, else the tokenizer's plus the task tokens where loading knew them
    /// (<see cref="RunPlan.ModelVocab"/>); the preset's only where neither is known.</summary>
    static int Vocabulary(RunPlan run, OlmoSpec o) => o.VocabSize > 0 ? o.VocabSize : run.ModelVocab ?? OlmoConfig.Preset(o.Preset).VocabSize;
}
