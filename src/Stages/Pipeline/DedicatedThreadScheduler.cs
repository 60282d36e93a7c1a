using System.Collections.Concurrent;

namespace Retention.Pipeline;

/// <summary>
/// Runs every task on one thread of its own. TorchSharp's dispose scopes and LibTorch's
/// grad mode are thread-local, so the trainer block runs here and never hops threads.
/// </summary>
public sealed class DedicatedThreadScheduler : TaskScheduler, IDisposable
{
    readonly BlockingCollection<Task> queue = new();
    readonly Thread thread;

    public DedicatedThreadScheduler(string name)
    {
        thread = new Thread(() =>
        {
            foreach (var task in queue.GetConsumingEnumerable()) TryExecuteTask(task);
        }) { IsBackground = true, Name = name };
        thread.Start();
    }

    protected override void QueueTask(Task task) => queue.Add(task);

    // Inline only when already on our thread, so no task ever runs elsewhere.
    protected override bool TryExecuteTaskInline(Task task, bool previouslyQueued) =>
        Thread.CurrentThread == thread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => queue.ToArray();

    public override int MaximumConcurrencyLevel => 1;

    public void Dispose()
    {
        queue.CompleteAdding();
        if (Thread.CurrentThread != thread) thread.Join();
    }
}
