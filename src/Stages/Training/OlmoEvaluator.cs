using Retention.Data;
using Retention.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Training;

/// <summary>One task split's behaviour at an evaluation: loss and accuracy at the label position.</summary>
public sealed record TaskScore(string Task, string Split, double Loss, double Accuracy, double LabelAccuracy);

/// <summary>LM validation loss (held-out documents) and every task split's score at one step.</summary>
public sealed record OlmoEvaluation(double ValidationLoss, IReadOnlyList<TaskScore> Tasks);

/// <summary>
/// Scores the model without touching its training state: no gradients, the same weights, no RNG
/// draws (the model has no dropout), so a run with evaluations trains the same weights as one
/// without. Works in slices of rows whose (rows, T, V) float32 logits hold at most
/// <paramref name="logitBudget"/> elements (default 2^27, 0.5 GiB; the slice's peak is 1.5 times
/// that in bf16: the logits and their float32 log-softmax, <see cref="TokenLoss"/>): with a 100K vocabulary and
/// 2048-token rows that is one row at a time, where a fixed 32 rows needed 25 GiB and ran a GPU out of memory.
/// </summary>
public sealed class OlmoEvaluator(ValidationSet validation, IReadOnlyList<TaskEvalSet> tasks, long logitBudget = OlmoEvaluator.DefaultLogitBudget,
    IReadOnlyList<ReferenceSet>? references = null)
{
    /// <summary>The default logit budget per slice (2^27 float32 elements, 0.5 GiB).</summary>
    public const long DefaultLogitBudget = 1L << 27;

    /// <summary>Rows of <paramref name="rowLength"/> tokens per slice for a vocabulary of <paramref name="vocab"/> (at least 1).</summary>
    public int RowsPerSlice(int rowLength, int vocab) => RowsPerSlice(rowLength, vocab, logitBudget);

    public static int RowsPerSlice(int rowLength, int vocab, long budget) => (int)Math.Clamp(budget / ((long)rowLength * vocab), 1, 4096);

    public OlmoEvaluation Evaluate(OlmoModel model, Device device)
    {
        using var noGrad = no_grad();
        return new OlmoEvaluation(ValidationLoss(model, device),
            [.. tasks.Select(t => Score(model, t, device)), .. (references ?? []).Select(r => ScoreReference(model, r, device, logitBudget))]);
    }

    double ValidationLoss(OlmoModel model, Device device)
    {
        if (validation.Rows == 0) return double.NaN;
        using var outer = NewDisposeScope();
        Tensor? total = null;   // Σ slice loss × tokens, float64 on the device: one host read at the end, not one per slice
        long tokens = 0;
        int chunk = RowsPerSlice(validation.RowLength, model.Config.VocabSize);
        for (int start = 0; start < validation.Rows; start += chunk)
        {
            using var scope = NewDisposeScope();
            int rows = Math.Min(chunk, validation.Rows - start);
            var slice = new ValidationSet(rows, validation.RowLength,
                validation.Tokens[(start * validation.RowLength)..((start + rows) * validation.RowLength)]);
            var (inputs, targets) = slice.ToTensors(device);                        // (R, T)
            var logits = model.ComputeLogits(inputs);                                // (R, T, V), compute dtype
            var loss = TokenLoss.Mean(logits.flatten(0, 1), targets.flatten());
            using var count = ((double)targets.numel()).ToScalar();   // owned, not implicit (see AdamOptimizer)
            var weighted = loss.to(float64).mul(count);
            total = total is null ? weighted.MoveToOuterDisposeScope() : total.add_(weighted);
            tokens += targets.numel();
        }
        return total!.item<double>() / tokens;
    }

    TaskScore Score(OlmoModel model, TaskEvalSet set, Device device) => Score(model, set, device, logitBudget);

    /// <summary>One task split's loss and accuracies at the label position, in slices of at most <paramref name="budget"/> logits.</summary>
    public static TaskScore Score(OlmoModel model, TaskEvalSet set, Device device, long budget)
    {
        using var noGrad = no_grad();
        double loss = 0, accuracy = 0, labelAccuracy = 0;
        int chunk = RowsPerSlice(TaskEvalSet.InputLength, model.Config.VocabSize, budget);
        for (int start = 0; start < set.Count; start += chunk)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(chunk, set.Count - start);
            var slice = set with
            {
                InstanceIds = set.InstanceIds[start..(start + n)],
                Inputs = set.Inputs[(start * TaskEvalSet.InputLength)..((start + n) * TaskEvalSet.InputLength)],
                Labels = set.Labels[start..(start + n)],
            };
            var (inputs, labels) = slice.ToTensors(device);                         // (n, 3), (n)
            var atLabel = model.call(inputs).select(1, TaskEvalSet.LabelPosition);  // (n, V)
            var (l, a, la) = slice.Score(atLabel, labels);
            (loss, accuracy, labelAccuracy) = (loss + l * n, accuracy + a * n, labelAccuracy + la * n);
        }
        return new TaskScore(set.Task, set.Split, loss / set.Count, accuracy / set.Count, labelAccuracy / set.Count);
    }

    /// <summary>A reference task's score: the mean over instances of the answer tokens' mean loss, and the share of
    /// instances whose every answer token is the argmax (Accuracy and LabelAccuracy alike: the answer has no label set).</summary>
    public static TaskScore ScoreReference(OlmoModel model, ReferenceSet set, Device device, long budget)
    {
        using var noGrad = no_grad();
        int positions = set.RowLength - 1;
        int chunk = RowsPerSlice(positions, model.Config.VocabSize, budget);
        double loss = 0;
        int exact = 0;
        for (int start = 0; start < set.Count; start += chunk)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(chunk, set.Count - start);
            var rows = tensor(set.Tokens[(start * set.RowLength)..((start + n) * set.RowLength)], [n, set.RowLength]).to(device);
            var scored = tensor(set.Scored[(start * positions)..((start + n) * positions)], [n, positions]).to(device);
            var (inputs, targets) = (rows.narrow(1, 0, positions), rows.narrow(1, 1, positions));
            var logits = model.ComputeLogits(inputs);                                                   // (n, P, V)
            var weight = scored.to(float32);
            var perToken = TokenLoss.PerToken(logits.flatten(0, 1), targets.flatten()).reshape(n, positions);
            var rowLoss = perToken.mul(weight).sum(dim: 1).div(weight.sum(dim: 1)).to(float64).cpu().data<double>().ToArray();
            var wrong = logits.argmax(-1).ne(targets).logical_and(scored).sum(dim: 1).cpu().data<long>().ToArray();
            loss += rowLoss.Sum();
            exact += wrong.Count(w => w == 0);
        }
        double accuracy = (double)exact / set.Count;
        return new TaskScore(set.Task, ReferenceSet.Split, loss / set.Count, accuracy, accuracy);
    }

    /// <summary>The first <paramref name="instances"/> of each task's train and test splits.</summary>
    public static IReadOnlyList<TaskEvalSet> TaskSets(IReadOnlyList<InjectedTaskSpec> specs, TextTokenizer tokenizer, int instances)
    {
        var tasks = specs.Select(s => (s, InjectedTask.Create(s))).ToList();
        var vocabulary = TaskVocabulary.Build(tasks, tokenizer.VocabSize, tokenizer.EosId);
        return [.. tasks.SelectMany((t, i) => new[] { TaskEvalSet.TrainSplit, TaskEvalSet.TestSplit }
            .Select(split => First(TaskEvalSet.Create(t.Item2, vocabulary.Tasks[i], tokenizer.EosId, split), instances)))];
    }

    public static TaskEvalSet First(TaskEvalSet set, int n) => n >= set.Count ? set : set with
    {
        InstanceIds = set.InstanceIds[..n],
        Inputs = set.Inputs[..(n * TaskEvalSet.InputLength)],
        Labels = set.Labels[..n],
    };
}
