using Retention.Data;
using TorchSharp;

namespace Retention.Tests.Data;

public class TaskEvalSetTests
{
    [Fact]
    public void SplitsAsInputsAndLabelTokens()
    {
        var spec = new InjectedTaskSpec { Kind = ModularAdditionTask.KindName, Seed = 3 };
        var task = InjectedTask.Create(spec);
        var tokens = TaskVocabulary.Build([(spec, task)], 500, eosId: 7).Tasks[0];
        var test = TaskEvalSet.Create(task, tokens, 7, TaskEvalSet.TestSplit);
        Assert.Equal(5_000, test.Count);
        Assert.Equal(task.Test.ToArray().Select(i => i.Id), test.InstanceIds);
        for (int i = 0; i < test.Count; i++)
        {
            var instance = task.Instances[test.InstanceIds[i]];
            Assert.Equal([7L, 500 + instance.A, 500 + instance.B], test.Inputs[(3 * i)..(3 * i + 3)]);
            Assert.Equal(500 + (instance.A + instance.B) % 113, test.Labels[i]);
        }
        var (x, y) = test.ToTensors();
        using (x)
        using (y)
        {
            Assert.Equal([5_000L, 3L], x.shape);
            Assert.Equal([5_000L], y.shape);
        }
    }

    [Fact]
    public void ScoresLossAndBothAccuracies()
    {
        var spec = new InjectedTaskSpec { Kind = ComparisonTask.KindName };
        var task = InjectedTask.Create(spec);
        var tokens = TaskVocabulary.Build([(spec, task)], 50, eosId: 0).Tasks[0];  // labels are tokens 151, 152
        var set = TaskEvalSet.Create(task, tokens, 0, TaskEvalSet.TrainSplit);
        using var scope = torch.NewDisposeScope();
        var labels = torch.tensor(set.Labels[..4]);
        // Rows 0-1 put the most mass on their label; rows 2-3 on a text token, with the label token second.
        var logits = torch.zeros(4, 153);
        for (int i = 0; i < 4; i++)
        {
            logits[i, set.Labels[i]] = torch.tensor(5f);
            if (i >= 2) logits[i, 3] = torch.tensor(9f);
        }
        var (loss, accuracy, labelAccuracy) = set.Score(logits, labels);
        Assert.Equal(0.5, accuracy, 6);
        Assert.Equal(1.0, labelAccuracy, 6);
        double expected = torch.nn.functional.cross_entropy(logits, labels).item<float>();
        Assert.Equal(expected, loss, 5);
    }
}
