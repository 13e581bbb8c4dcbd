using System.ComponentModel.DataAnnotations;

namespace UpdateBot.Storage;

/// <summary>Where the tables live. Locally a connection string (Azurite); in Azure an endpoint and a managed identity.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>A connection string (Azurite or a storage account with shared keys). Takes precedence.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table service endpoint, e.g. <c>https://account.table.core.windows.net</c>, used with a managed identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Client id of the user-assigned managed identity that may read and write the tables.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Prefix for every table name (letters and digits), so several bots or test runs can share an account.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$")]
    public string TablePrefix { get; set; } = "UpdateBot";

    /// <summary>How long answers and digests are kept before the retention sweep deletes them.</summary>
    [Range(7, 3650)]
    public int RetentionDays { get; set; } = 365;
}
