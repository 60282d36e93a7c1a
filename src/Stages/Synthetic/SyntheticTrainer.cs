using Retention.Spec;
using Retention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>What one training step produced; Metrics only at logging steps.</summary>
public sealed record StepOutcome(long Step, double Lr, double? TrainLoss, TaskMetrics? Metrics);

/// <summary>The training loss stopped being a number.</summary>
public sealed class NonFiniteLossException(long step, double loss)
    : Exception($"training loss is {loss} at step {step}: lower train.lr or check the spec");

/// <summary>
/// Owns the student, Adam and the input generator of one synthetic run; the only mutable
/// state of the run. All calls must come from one thread (TorchSharp dispose scopes and
/// grad mode are thread-local): the graph runs it on a dedicated thread.
/// </summary>
public sealed class SyntheticTrainer : IDisposable
{
    readonly TrainSpec train;
    readonly Device device;
    readonly MixtureTensors mixture;
    readonly SyntheticStudent student;
    readonly optim.Optimizer optimizer;
    readonly Generator inputs;
    readonly Tensor lossSum;
    long stepsSinceLog;

    public SyntheticTrainer(TaskMixture mixtureSpec, SyntheticSpec synthetic, TrainSpec train, int seed, Device device)
    {
        this.train = train;
        this.device = device;
        mixture = new MixtureTensors(mixtureSpec, device);
        // Separate generators: model init (on the CPU, so cpu and cuda runs start alike) and inputs.
        using var init = new Generator((ulong)seed * 2 + 1, CPU);
        student = new SyntheticStudent(synthetic.Tasks, synthetic.DimsPerTask, synthetic.Width, train.InitScale, init, device);
        inputs = new Generator((ulong)seed * 2 + 2, device);
        optimizer = optim.Adam(student.parameters(), train.Lr);
        lossSum = zeros(1, dtype: ScalarType.Float64, device: device);
    }

    public SyntheticStudent Student => student;
    public MixtureTensors Mixture => mixture;

    public StepOutcome Step(TaskBatch batch)
    {
        double lr = LrSchedule.At(batch.Step, train.Steps, train.Lr, train.LrSchedule, train.WarmupSteps, train.MinLrRatio);
        using (NewDisposeScope())
        {
            foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
            var tasks = tensor(batch.Tasks.Select(t => (long)t).ToArray()).to(device);
            var x = randn(batch.Tasks.Length, mixture.Spectra.shape[0] * mixture.Spectra.shape[1],
                          generator: inputs, device: device);                       // (B, D)
            var target = mixture.Targets(x, tasks);                                // (B, d)
            var loss = (student.call(x, tasks) - target).square().sum(1).mean();   // squared error per sample
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            using (no_grad()) lossSum.add_(loss.detach().to_type(ScalarType.Float64));
        }
        stepsSinceLog++;
        bool log = batch.Step % train.LogEvery == 0 || batch.Step == train.Steps;
        if (!log) return new StepOutcome(batch.Step, lr, null, null);

        double mean = lossSum.item<double>() / stepsSinceLog;
        lossSum.zero_();
        stepsSinceLog = 0;
        if (!double.IsFinite(mean)) throw new NonFiniteLossException(batch.Step, mean);
        return new StepOutcome(batch.Step, lr, mean, ExactMetrics.Compute(student, mixture));
    }

    public void Dispose()
    {
        optimizer.Dispose();
        student.Dispose();
        mixture.Dispose();
        inputs.Dispose();
        lossSum.Dispose();
    }
}
