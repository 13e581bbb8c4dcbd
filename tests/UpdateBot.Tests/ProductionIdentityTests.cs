using Microsoft.Extensions.Options;
using UpdateBot.Storage;

namespace UpdateBot.Tests;

/// <summary>Issue 5 item 3: in Azure the tables are reached through the managed identity and an endpoint, not a connection string.</summary>
public sealed class ProductionIdentityTests
{
    [Fact]
    public void With_an_endpoint_and_a_managed_identity_no_connection_string_is_needed()
    {
        var endpoint = new Uri("https://stupdatebot.table.core.windows.net/");
        var tables = new Tables(Options.Create(new StorageOptions
        {
            TableServiceUri = endpoint,
            ManagedIdentityClientId = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
        }));

        Assert.Equal(endpoint, tables.Service.Uri);
        Assert.Equal("UpdateBotSquads", tables.Squads.Name);
    }

    [Fact]
    public void An_endpoint_without_an_identity_is_refused_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Tables(Options.Create(new StorageOptions
        {
            TableServiceUri = new Uri("https://stupdatebot.table.core.windows.net/"),
        })));

        Assert.Contains("ManagedIdentityClientId", error.Message, StringComparison.Ordinal);
    }
}
