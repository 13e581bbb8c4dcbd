using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Identity;

namespace UpdateBot.Storage;

/// <summary>
/// Where the tables and the work queues live: one storage account. Locally a connection string (Azurite, with both a
/// TableEndpoint and a QueueEndpoint); in Azure the two endpoints and a managed identity.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>A connection string (Azurite or a storage account with shared keys). Takes precedence.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table service endpoint, e.g. <c>https://account.table.core.windows.net</c>, used with a managed identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The queue service endpoint, e.g. <c>https://account.queue.core.windows.net</c>, used with a managed identity.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Client id of the user-assigned managed identity that may read and write the tables and the queues.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// Prefix for every table name (letters and digits), so several bots or test runs can share an account; the work
    /// queues are named after it in lower case (<c>updatebot-work</c>, <c>updatebot-work-poison</c>).
    /// </summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$")]
    public string TablePrefix { get; set; } = "UpdateBot";

    /// <summary>How long answers and digests are kept before the retention sweep deletes them.</summary>
    [Range(7, 3650)]
    public int RetentionDays { get; set; } = 365;

    /// <summary>The managed identity the tables and the queues are reached with, in Azure (no connection string).</summary>
    internal TokenCredential ManagedIdentity() =>
        new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(
            ManagedIdentityClientId ?? throw new InvalidOperationException("Storage:ManagedIdentityClientId is required with Storage:TableServiceUri and Storage:QueueServiceUri.")));
}
