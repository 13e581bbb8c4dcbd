using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Every turn saves the conversation references it carries. An unchanged reference costs no storage call (the store
/// caches what it last read or wrote, with the ETag); a change is always written, also after another instance wrote
/// the row in between (the stale ETag answers 412 and the store reads again).
/// </summary>
public sealed class ConversationReferenceCacheTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    private const string MovedServiceUrl = "https://smba.trafficmanager.net/amer/";

    [Fact]
    public async Task An_unchanged_reference_is_neither_read_nor_written_again()
    {
        var (store, faults, _) = await InstanceAsync(AzuriteFixture.NewPrefix("refcache"));

        await store.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);
        var afterFirst = faults.Calls.Count;
        Assert.Single(faults.Writes());

        await store.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);
        await store.SaveAsync(Reference("29:ana", ServiceUrl) with { Name = null, AadObjectId = null }, CancellationToken.None);

        Assert.Equal(afterFirst, faults.Calls.Count);
    }

    [Fact]
    public async Task A_changed_reference_is_written_at_once_without_reading_first()
    {
        var (store, faults, _) = await InstanceAsync(AzuriteFixture.NewPrefix("refcache"));
        await store.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);
        faults.Calls.Clear();

        await store.SaveAsync(Reference("29:ana", MovedServiceUrl), CancellationToken.None);

        var call = Assert.Single(faults.Calls);
        Assert.StartsWith("PUT ", call, StringComparison.Ordinal);
        Assert.Equal(MovedServiceUrl, (await store.GetAsync(ConversationStore.User, "29:ana", CancellationToken.None))?.ServiceUrl);
        // The name it did not carry is kept.
        Assert.Equal("Ana", (await store.GetAsync(ConversationStore.User, "29:ana", CancellationToken.None))?.Name);
    }

    [Fact]
    public async Task A_change_after_another_instance_wrote_the_row_is_still_written()
    {
        var prefix = AzuriteFixture.NewPrefix("refcache");
        var (first, firstFaults, _) = await InstanceAsync(prefix);
        var (second, _, _) = await InstanceAsync(prefix);
        await first.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);

        // The other instance moves the reference on: the first one's cached ETag is now stale.
        await second.SaveAsync(Reference("29:ana", MovedServiceUrl), CancellationToken.None);
        firstFaults.Calls.Clear();

        // Back to the first value: identical to what the first instance cached, but not to what is stored. Within the
        // cache's lifetime the first instance trusts its copy; a conversation id it has not seen is a change it writes.
        await first.SaveAsync(Reference("29:ana", ServiceUrl) with { ConversationId = "a:ana-new" }, CancellationToken.None);

        var stored = await second.GetAsync(ConversationStore.User, "29:ana", CancellationToken.None);
        Assert.Equal(("a:ana-new", ServiceUrl), (stored?.ConversationId, stored?.ServiceUrl));
        // Conditional replace with the stale ETag (412), a read of the other instance's row, the replace that wins.
        Assert.Equal(["PUT", "GET", "PUT"], firstFaults.Calls.Select(c => c.Split(' ')[0]));
    }

    [Fact]
    public async Task A_reference_that_keeps_changing_under_other_writers_is_still_written_and_the_turn_does_not_fail()
    {
        var (store, faults, _) = await InstanceAsync(AzuriteFixture.NewPrefix("refcache"));
        await store.SaveAsync(Reference("29:cy", ServiceUrl), CancellationToken.None);

        // Every conditional write loses to another writer (412): the turn must not fail (a 500 makes Teams resend the
        // activity), and the reference it carries, valid now, is what ends up stored.
        faults.AnswerNext(412, "PUT", 100, "If-Match: W/", MovedServiceUrl);
        var moved = Reference("29:cy", MovedServiceUrl);
        var save = store.SaveAsync(moved, CancellationToken.None);
        await save.WaitAsync(TimeSpan.FromSeconds(30));
        faults.Clear();

        var stored = await store.GetAsync(ConversationStore.User, "29:cy", CancellationToken.None);
        Assert.Equal(MovedServiceUrl, stored?.ServiceUrl);
    }

    [Fact]
    public async Task Concurrent_first_saves_on_two_instances_both_end_with_a_stored_reference_and_no_error()
    {
        var prefix = AzuriteFixture.NewPrefix("refcache");
        var (first, _, _) = await InstanceAsync(prefix);
        var (second, _, _) = await InstanceAsync(prefix);

        // Both read "absent" and add: one add answers 409, and that instance reads the winner's row and decides again.
        await Task.WhenAll(
            first.SaveAsync(Reference("29:bo", ServiceUrl), CancellationToken.None),
            second.SaveAsync(Reference("29:bo", MovedServiceUrl), CancellationToken.None));

        var stored = await first.GetAsync(ConversationStore.User, "29:bo", CancellationToken.None);
        Assert.Contains(stored?.ServiceUrl, new[] { ServiceUrl, MovedServiceUrl });
    }

    [Fact]
    public async Task A_reference_marked_inactive_here_is_reactivated_by_the_next_turn()
    {
        var (store, faults, _) = await InstanceAsync(AzuriteFixture.NewPrefix("refcache"));
        await store.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);
        await store.MarkInactiveAsync(ConversationStore.User, "29:ana", CancellationToken.None);
        faults.Calls.Clear();

        await store.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);

        Assert.True((await store.GetAsync(ConversationStore.User, "29:ana", CancellationToken.None))?.Active);
        Assert.Single(faults.Writes());
    }

    [Fact]
    public async Task After_the_cache_lifetime_the_stored_value_is_read_again_and_another_instances_change_repaired()
    {
        var prefix = AzuriteFixture.NewPrefix("refcache");
        var (first, _, time) = await InstanceAsync(prefix);
        var (second, _, _) = await InstanceAsync(prefix);
        await first.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);
        await second.MarkInactiveAsync(ConversationStore.User, "29:ana", CancellationToken.None);

        time.Advance(ConversationStore.CacheLifetime + TimeSpan.FromSeconds(1));
        await first.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);

        Assert.True((await second.GetAsync(ConversationStore.User, "29:ana", CancellationToken.None))?.Active);
    }

    [Fact]
    public async Task An_erased_reference_is_written_again_by_the_next_turn_on_the_same_instance()
    {
        var (store, _, _) = await InstanceAsync(AzuriteFixture.NewPrefix("refcache"));
        await store.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);
        Assert.True(await store.DeleteAsync(ConversationStore.User, "29:ana", CancellationToken.None));

        await store.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None);

        Assert.NotNull(await store.GetAsync(ConversationStore.User, "29:ana", CancellationToken.None));
    }

    [Fact]
    public async Task A_client_time_zone_is_written_when_new_then_costs_nothing_and_never_overrides_one_the_person_set()
    {
        var (store, faults, _) = await InstanceAsync(AzuriteFixture.NewPrefix("refcache"));
        Assert.Null((await store.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None)).ChangedTimeZoneId);
        faults.Calls.Clear();

        // A zone the client reports for the first time is written once, with the rest of the reference.
        Assert.Equal("America/New_York", (await store.SaveAsync(Reference("29:ana", ServiceUrl) with { ClientTimeZoneId = "America/New_York" }, CancellationToken.None)).ChangedTimeZoneId);
        Assert.Single(faults.Writes());
        faults.Calls.Clear();

        // The same zone, no zone, or something that is not an IANA zone: no storage call at all.
        Assert.Null((await store.SaveAsync(Reference("29:ana", ServiceUrl) with { ClientTimeZoneId = "America/New_York" }, CancellationToken.None)).ChangedTimeZoneId);
        Assert.Null((await store.SaveAsync(Reference("29:ana", ServiceUrl), CancellationToken.None)).ChangedTimeZoneId);
        Assert.Null((await store.SaveAsync(Reference("29:ana", ServiceUrl) with { ClientTimeZoneId = "Moon/Tranquility" }, CancellationToken.None)).ChangedTimeZoneId);
        Assert.Empty(faults.Calls);

        // A zone the person set stands: a client on another clock does not undo it (and writes nothing).
        Assert.True(await store.SetTimeZoneAsync("29:ana", "Europe/Lisbon", CancellationToken.None));
        faults.Calls.Clear();
        Assert.Null((await store.SaveAsync(Reference("29:ana", ServiceUrl) with { ClientTimeZoneId = "America/New_York" }, CancellationToken.None)).ChangedTimeZoneId);
        Assert.Empty(faults.Writes());
        var stored = await store.GetAsync(ConversationStore.User, "29:ana", CancellationToken.None);
        Assert.Equal(("Europe/Lisbon", Domain.TimeZoneSource.Set), (stored?.TimeZoneId, stored?.TimeZoneSource));

        // Handed back to the client ("my time zone auto"): the next zone it reports is taken.
        Assert.True(await store.SetTimeZoneAsync("29:ana", null, CancellationToken.None));
        Assert.Equal("America/New_York", (await store.SaveAsync(Reference("29:ana", ServiceUrl) with { ClientTimeZoneId = "America/New_York" }, CancellationToken.None)).ChangedTimeZoneId);
    }

    [Fact]
    public async Task The_cache_is_bounded()
    {
        var (store, faults, _) = await InstanceAsync(AzuriteFixture.NewPrefix("refcache"), cacheCapacity: 2);
        foreach (var user in new[] { "29:a", "29:b", "29:c" })
        {
            await store.SaveAsync(Reference(user, ServiceUrl), CancellationToken.None);
        }

        faults.Calls.Clear();
        foreach (var user in new[] { "29:a", "29:b", "29:c" })
        {
            await store.SaveAsync(Reference(user, ServiceUrl), CancellationToken.None);
        }

        // At most two of the three are remembered: the third is read again (and, unchanged, not written).
        Assert.NotEmpty(faults.Calls);
        Assert.Empty(faults.Writes());
    }

    private static ConversationReference Reference(string userId, string serviceUrl) =>
        new(ConversationStore.User, userId, "a:" + userId, serviceUrl, "tenant", "28:bot", "Ana", "aad-ana", null, true);

    private async Task<(ConversationStore Store, StorageFaults Faults, FakeTimeProvider Time)> InstanceAsync(string prefix, int cacheCapacity = ConversationStore.DefaultCacheCapacity)
    {
        var faults = new StorageFaults();
        var tables = new Tables(Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, TablePrefix = prefix }), faults.ClientOptions());
        await tables.Conversations.CreateIfNotExistsAsync(CancellationToken.None);
        faults.Calls.Clear();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        return (new ConversationStore(tables, time, cacheCapacity), faults, time);
    }
}
