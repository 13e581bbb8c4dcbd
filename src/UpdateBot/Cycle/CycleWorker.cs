using System.Text.Json;
using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using UpdateBot.Hosting;
using UpdateBot.Storage;

namespace UpdateBot.Cycle;

/// <summary>What one look at the work queue did.</summary>
public enum WorkOutcome
{
    /// <summary>The queue had nothing visible.</summary>
    Empty,

    /// <summary>The step ran to completion (or was already done, or its squad is gone): the item is deleted.</summary>
    Done,

    /// <summary>The step ran but some sends wait for a retry: the item is deleted and the step is due again.</summary>
    Incomplete,

    /// <summary>The step failed: the item reappears after a back-off.</summary>
    Failed,

    /// <summary>The item was dequeued too often (or is unreadable): moved to the poison queue and shown to the leads.</summary>
    Poisoned,
}

/// <summary>
/// Runs the weekly cycle's work items on every instance: dequeues one, keeps it hidden from other instances while the
/// step runs (renewing its visibility), and deletes it when the step is finished or due again. A crashed instance's
/// item reappears after its visibility timeout and another instance resumes it; the per-member send intents make that
/// resume exactly-once (README, "What it promises, exactly"). An item dequeued more than
/// <see cref="WorkQueueOptions.MaxDequeueCount"/> times goes to the poison queue and the step is shown in <c>status</c>.
/// </summary>
public sealed partial class CycleWorker(
    WorkQueues queues,
    StorageInitializer storage,
    IServiceScopeFactory scopes,
    IOptions<CycleOptions> cycleOptions,
    IOptions<WorkQueueOptions> options,
    TimeProvider time,
    ILogger<CycleWorker> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cycleOptions.Value.Enabled)
        {
            return;
        }

        // The queue exists once the initializer has created it; polling before would only log failures.
        await storage.Created.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var outcome = WorkOutcome.Empty;
            try
            {
                outcome = await ProcessNextAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The queue is unreachable (or a call timed out): nothing is lost, the items wait in the queue.
                LogQueueFailed(logger, e);
            }

            if (outcome is WorkOutcome.Empty or WorkOutcome.Failed)
            {
                await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Works off every item visible now, each at most once (one that failed and reappears at once is left for the next
    /// call). Public so tests and tools can drive the queue by hand. Returns how many items it took.
    /// </summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken);
            if (message is null)
            {
                return seen.Count;
            }

            if (!seen.Add(message.MessageId))
            {
                // Seen in this pass already (it failed and its back-off is zero): put it back for the next pass.
                await queues.Work.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
                return seen.Count;
            }

            await ProcessAsync(message, cancellationToken);
        }
    }

    /// <summary>Takes one item and works it off.</summary>
    public async Task<WorkOutcome> ProcessNextAsync(CancellationToken cancellationToken)
    {
        var message = await ReceiveAsync(cancellationToken);
        return message is null ? WorkOutcome.Empty : await ProcessAsync(message, cancellationToken);
    }

    private async Task<QueueMessage?> ReceiveAsync(CancellationToken cancellationToken) =>
        (await queues.Work.ReceiveMessageAsync(options.Value.VisibilityTimeout, cancellationToken)).Value;

    private async Task<WorkOutcome> ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var cycle = services.GetRequiredService<CycleStore>();
        if (!CycleWorkItem.TryParse(message.Body.ToString(), out var item))
        {
            await PoisonAsync(cycle, message, message.Body.ToString(), null, "The work item could not be read (written by another version?).", cancellationToken);
            return WorkOutcome.Poisoned;
        }

        using var logScope = logger.BeginScope(new Dictionary<string, object> { ["SquadId"] = item.SquadId, ["Week"] = item.Week.ToString(), ["Step"] = item.Step.ToString() });
        if (message.DequeueCount > o.MaxDequeueCount)
        {
            var last = (await cycle.GetStepAsync(item.SquadId, item.Week, item.Step, cancellationToken))?.Detail;
            var what = $"Stopped after {message.DequeueCount - 1} attempts. {last ?? "The instance running it stopped before it finished."}";
            await PoisonAsync(cycle, message, item.ToJson(), item, what, cancellationToken);
            return WorkOutcome.Poisoned;
        }

        await using var visibility = VisibilityKeeper.Start(queues.Work, message, o.VisibilityTimeout, time, logger);
        WorkOutcome outcome;
        try
        {
            outcome = await RunAsync(services, cycle, item, cancellationToken);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            // The instance is stopping: hand the item back at once instead of after its visibility timeout (a crash
            // cannot, and then the timeout does it). Whatever the step sent is recorded in its intents.
            await visibility.DisposeAsync();
            await TryAsync(() => queues.Work.UpdateMessageAsync(message.MessageId, visibility.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None));
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new OperationCanceledException("The instance is stopping; the work item was handed back.", e, cancellationToken);
        }
        catch (Exception e)
        {
            // The boundary for one work item: what it sent is recorded in its intents; it runs again after a back-off.
            await visibility.DisposeAsync();
            LogStepFailed(logger, item.SquadId, item.Week, item.Step, (int)message.DequeueCount, e);
            await TryAsync(() => cycle.RecordStepFailureAsync(item.SquadId, item.Week, item.Step, $"Attempt {message.DequeueCount} failed: {Describe(e)}", CancellationToken.None));
            var delay = o.RetryDelay * Math.Pow(2, Math.Min(message.DequeueCount - 1, 10));
            await TryAsync(() => queues.Work.UpdateMessageAsync(message.MessageId, visibility.PopReceipt, visibilityTimeout: delay, cancellationToken: CancellationToken.None));
            return WorkOutcome.Failed;
        }

        await visibility.DisposeAsync();
        await CompleteAsync(message.MessageId, visibility.PopReceipt, cancellationToken);
        return outcome;
    }

    private async Task<WorkOutcome> RunAsync(IServiceProvider services, CycleStore cycle, CycleWorkItem item, CancellationToken cancellationToken)
    {
        var squad = await services.GetRequiredService<SquadStore>().GetAsync(item.SquadId, cancellationToken);
        if (squad is not { IsConfigured: true } || await cycle.IsStepDoneAsync(item.SquadId, item.Week, item.Step, cancellationToken))
        {
            // Removed, reset, or finished by another item or a lead meanwhile.
            return WorkOutcome.Done;
        }

        var report = await services.GetRequiredService<CycleRunner>().RunAsync(squad, item.Week, item.Step, cancellationToken);
        if (report.Complete)
        {
            return WorkOutcome.Done;
        }

        // Some sends wait for a retry, or some members' own time is still to come: the scheduler enqueues the step
        // again on its next tick, or once that time has come.
        await cycle.MarkStepDueAsync(item.SquadId, item.Week, item.Step, report.Describe(), cancellationToken, report.NotBefore);
        return WorkOutcome.Incomplete;
    }

    private async Task CompleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        try
        {
            await queues.Work.DeleteMessageAsync(messageId, popReceipt, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            // Not deleted (storage blip, or it reappeared and another instance holds it now): it runs again and finds
            // its work done in the intents; nothing is sent twice.
            LogDeleteFailed(logger, messageId, e);
        }
    }

    private async Task PoisonAsync(CycleStore cycle, QueueMessage message, string body, CycleWorkItem? item, string what, CancellationToken cancellationToken)
    {
        var record = JsonSerializer.Serialize(new { item = body, dequeueCount = message.DequeueCount, failure = what, movedAt = time.GetUtcNow() }, Json);
        // Kept until someone deletes it: a time-to-live of -1 never expires.
        await queues.Poison.SendMessageAsync(record, visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken);
        if (item is not null)
        {
            await cycle.MarkStepStoppedAsync(item.SquadId, item.Week, item.Step, what, cancellationToken);
        }

        LogPoisoned(logger, message.MessageId, body, what);
        await CompleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    /// <summary>What a lead is told about a failure: short, and without the SDK's request dump.</summary>
    private static string Describe(Exception e)
    {
        var text = e is RequestFailedException r ? $"storage answered {r.Status}{(r.ErrorCode is null ? "" : $" ({r.ErrorCode})")}" : e.Message;
        return text.Length <= 300 ? text : text[..300] + "…";
    }

    private async Task TryAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (RequestFailedException e)
        {
            LogQueueFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The work queue could not be read; trying again shortly")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Squad {SquadId} week {Week} step {Step} failed (attempt {Attempt}); it runs again after a back-off")]
    private static partial void LogStepFailed(ILogger logger, string squadId, Domain.IsoWeek week, Domain.CycleStep step, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work item {MessageId} could not be deleted; it will run again and find its sends recorded")]
    private static partial void LogDeleteFailed(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Work item {MessageId} ({Item}) moved to the poison queue: {What}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string item, string what);

    /// <summary>Keeps a dequeued item hidden while its step runs: renews its visibility every third of the timeout.</summary>
    private sealed partial class VisibilityKeeper : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Lock gate = new();
        private readonly Task loop;
        private string popReceipt;

        private VisibilityKeeper(Azure.Storage.Queues.QueueClient queue, QueueMessage message, TimeSpan timeout, TimeProvider time, ILogger logger)
        {
            popReceipt = message.PopReceipt;
            loop = RenewAsync(queue, message.MessageId, timeout, time, logger);
        }

        /// <summary>The receipt of the latest renewal: the one a delete or update needs.</summary>
        public string PopReceipt
        {
            get
            {
                lock (gate)
                {
                    return popReceipt;
                }
            }
        }

        public static VisibilityKeeper Start(Azure.Storage.Queues.QueueClient queue, QueueMessage message, TimeSpan timeout, TimeProvider time, ILogger logger) =>
            new(queue, message, timeout, time, logger);

        private async Task RenewAsync(Azure.Storage.Queues.QueueClient queue, string messageId, TimeSpan timeout, TimeProvider time, ILogger logger)
        {
            using var timer = new PeriodicTimer(timeout / 3, time);
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    try
                    {
                        var receipt = (await queue.UpdateMessageAsync(messageId, PopReceipt, visibilityTimeout: timeout, cancellationToken: stop.Token)).Value;
                        lock (gate)
                        {
                            popReceipt = receipt.PopReceipt;
                        }
                    }
                    catch (RequestFailedException e)
                    {
                        // Still ours until the timeout runs out: try again at the next third. If it reappears meanwhile,
                        // another instance may run the same step at once, which the send intents make harmless.
                        LogRenewalFailed(logger, messageId, e);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The work finished.
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            await stop.CancelAsync();
            await loop;
            stop.Dispose();
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the visibility of work item {MessageId}; retrying while it is still hidden")]
        private static partial void LogRenewalFailed(ILogger logger, string messageId, Exception exception);
    }
}
