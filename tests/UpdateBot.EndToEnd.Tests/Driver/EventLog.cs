namespace UpdateBot.EndToEnd.Tests.Driver;

/// <summary>An append-only, awaitable list of events received from a websocket.</summary>
internal sealed class EventLog<T>
{
    private readonly Lock gate = new();
    private readonly List<T> items = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? fault;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return items.Count;
            }
        }
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (gate)
        {
            return [.. items];
        }
    }

    public void Add(Func<int, T> create)
    {
        TaskCompletionSource toSignal;
        lock (gate)
        {
            items.Add(create(items.Count));
            toSignal = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        toSignal.TrySetResult();
    }

    /// <summary>Marks the source as gone; waiters stop waiting and report <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        TaskCompletionSource toSignal;
        lock (gate)
        {
            fault ??= error;
            toSignal = changed;
        }

        toSignal.TrySetResult();
    }

    /// <summary>
    /// The first event at index &gt;= <paramref name="from"/> matching <paramref name="predicate"/>, waiting for new
    /// ones until <paramref name="timeout"/>; throws <see cref="TimeoutException"/> with <paramref name="describeFailure"/>.
    /// </summary>
    public async Task<T> WaitAsync(
        Func<T, bool> predicate, int from, TimeSpan timeout, Func<string> describeFailure, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var next = Math.Max(0, from);
        while (true)
        {
            Task signal;
            lock (gate)
            {
                for (; next < items.Count; next++)
                {
                    if (predicate(items[next]))
                    {
                        return items[next];
                    }
                }

                if (fault is not null)
                {
                    throw new InvalidOperationException($"The Playground stream closed: {fault.Message}\n{describeFailure()}", fault);
                }

                signal = changed.Task;
            }

            try
            {
                await signal.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(describeFailure());
            }
        }
    }
}
