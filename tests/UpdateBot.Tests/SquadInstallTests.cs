using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>The install path stores what a request says about the team; it keeps it within the squad's own rules.</summary>
public sealed class SquadInstallTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_long_team_name_becomes_a_squad_name_the_setup_card_can_save()
    {
        var storage = new Tables(Options.Create(new StorageOptions { ConnectionString = tables.ConnectionString, TablePrefix = AzuriteFixture.NewPrefix("install") }));
        await storage.EnsureCreatedAsync(CancellationToken.None);
        var squads = new SquadStore(storage, new PeopleStore(storage, new FakeTimeProvider()), new FakeTimeProvider());

        var squad = await squads.RecordInstallAsync("19:team@thread.tacv2", "  " + new string('T', 250) + "  ", "tenant", "https://smba.trafficmanager.net/emea/", "28:bot", "19:team@thread.tacv2", "29:lead", CancellationToken.None);

        Assert.Equal(new string('T', SettingsValidation.MaxNameLength), squad.Settings.Name);
    }
}
