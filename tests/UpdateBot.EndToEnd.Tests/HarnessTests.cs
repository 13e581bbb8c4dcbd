using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.EndToEnd.Tests.Infrastructure;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>The real-bot fixture's wiring: configuration reaches the service, Azurite answers, the bot is on real HTTP.</summary>
public sealed class HarnessTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    [Fact(DisplayName = "The bot runs on Kestrel with the end-to-end configuration")]
    public async Task Bot_is_configured_and_reachable()
    {
        var configuration = fixture.Bot.Services.GetRequiredService<IConfiguration>();
        Assert.Equal(fixture.TablePrefix, configuration["Storage:TablePrefix"]);
        Assert.Equal(fixture.TablesConnectionString, configuration["Storage:ConnectionString"]);
        Assert.Equal("true", configuration["Bot:AllowAnonymousLoopback"]);
        Assert.Equal("false", configuration["Cycle:Enabled"]);
        Assert.True(string.IsNullOrEmpty(configuration["Bot:AppId"]));

        using var http = new HttpClient { BaseAddress = fixture.Bot.BaseAddress };
        using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.True(health.IsSuccessStatusCode, $"/healthz answered {(int)health.StatusCode}.{fixture.Diagnostics()}");
    }

    [Fact(DisplayName = "Azurite accepts table operations under the fixture's prefix")]
    public async Task Azurite_is_usable()
    {
        var service = new TableServiceClient(fixture.TablesConnectionString);
        var name = fixture.TablePrefix + "probe";
        var table = service.GetTableClient(name);

        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["Value"] = 42 });
        var entity = await table.GetEntityAsync<TableEntity>("p", "r");
        await table.DeleteAsync();

        Assert.Equal(42, entity.Value.GetInt32("Value"));
    }
}
