using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace UpdateBot.Storage;

/// <summary>
/// The work queues, in the same storage account as the tables: <see cref="Work"/> distributes the weekly cycle's due
/// steps to whichever instance is free, <see cref="Poison"/> keeps the work items that failed too often. Queues only
/// distribute work; the send intents in the Cycle table decide what has been sent.
/// </summary>
public sealed class WorkQueues
{
    /// <param name="clientOptions">The SDK's client options when the host registers them (tests inject queue faults this way).</param>
    public WorkQueues(IOptions<StorageOptions> options, QueueClientOptions? clientOptions = null)
    {
        var o = options.Value;
        clientOptions ??= new QueueClientOptions();
        // Base64, as the Azure Functions queue trigger and the portal expect; any text is then safe in the XML envelope.
        clientOptions.MessageEncoding = QueueMessageEncoding.Base64;
        var service = o.ConnectionString is { Length: > 0 } connection
            ? new QueueServiceClient(connection, clientOptions)
            : new QueueServiceClient(
                o.QueueServiceUri ?? throw new InvalidOperationException("Set Storage:ConnectionString or Storage:QueueServiceUri."),
                o.ManagedIdentity(),
                clientOptions);
        var name = o.TablePrefix.ToLowerInvariant() + "-work";
        Work = service.GetQueueClient(name);
        Poison = service.GetQueueClient(name + "-poison");
    }

    /// <summary>One message per squad-week step that is due (<see cref="Cycle.CycleWorkItem"/>).</summary>
    public QueueClient Work { get; }

    /// <summary>Work items dequeued more than <c>WorkQueue:MaxDequeueCount</c> times, kept with what failed (they never expire).</summary>
    public QueueClient Poison { get; }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await Work.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }
}
