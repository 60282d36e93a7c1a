using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Data;

/// <summary>
/// One split of one task as the trainer's task metrics read it: each instance as the 3-token input
/// EOS TOK1 TOK2 (what precedes LABEL in an injected segment) and its LABEL token as the target at
/// the last input position (<see cref="LabelPosition"/>). Train is the injected split (train loss),
/// test the never-injected one (test loss and accuracy).
/// </summary>
public sealed record TaskEvalSet(string Task, string Split, int[] InstanceIds, long[] Inputs, long[] Labels, int[] LabelTokens)
{
    public const string TrainSplit = "train", TestSplit = "test";
    public const int InputLength = 3;

    /// <summary>The input position whose prediction is the label.</summary>
    public const int LabelPosition = 2;

    public int Count => InstanceIds.Length;

    public static TaskEvalSet Create(InjectedTask task, TaskTokens tokens, int eosId, string split)
    {
        var instances = split switch
        {
            TrainSplit => task.Train,
            TestSplit => task.Test,
            _ => throw new ArgumentException($"split must be {TrainSplit} or {TestSplit}."),
        };
        var ids = new int[instances.Length];
        var inputs = new long[instances.Length * InputLength];
        var labels = new long[instances.Length];
        for (int i = 0; i < instances.Length; i++)
        {
            var (tok1, tok2, label) = tokens.Encode(instances[i]);
            ids[i] = instances[i].Id;
            inputs[i * InputLength] = eosId;
            inputs[i * InputLength + 1] = tok1;
            inputs[i * InputLength + 2] = tok2;
            labels[i] = label;
        }
        return new TaskEvalSet(task.Name, split, ids, inputs, labels, [.. tokens.LabelIds.Distinct()]);
    }

    /// <summary>Inputs (N, 3) and labels (N), int64; the caller owns both.</summary>
    public (Tensor Inputs, Tensor Labels) ToTensors(Device? device = null)
    {
        var x = torch.tensor(Inputs, [Count, InputLength], dtype: ScalarType.Int64);
        var y = torch.tensor(Labels, [Count], dtype: ScalarType.Int64);
        if (device is null || device.type == DeviceType.CPU) return (x, y);
        using (x)
        using (y)
            return (x.to(device), y.to(device));
    }

    /// <summary>
    /// Loss and accuracy from the logits at the label position, (N, V): mean cross-entropy over the
    /// whole vocabulary; accuracy = argmax over the whole vocabulary equals the label; label accuracy =
    /// argmax over the task's label tokens only (chance 1/2 for comparison, 1/p for addition).
    /// </summary>
    public (double Loss, double Accuracy, double LabelAccuracy) Score(Tensor logitsAtLabel, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        var loss = nn.functional.cross_entropy(logitsAtLabel.to_type(ScalarType.Float32), labels).item<float>();
        var accuracy = logitsAtLabel.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
        var candidates = torch.tensor(LabelTokens.Select(t => (long)t).ToArray(), dtype: ScalarType.Int64, device: logitsAtLabel.device);
        var restricted = candidates.index_select(0, logitsAtLabel.index_select(1, candidates).argmax(1));
        var labelAccuracy = restricted.eq(labels).to_type(ScalarType.Float32).mean().item<float>();
        return (loss, accuracy, labelAccuracy);
    }
}
