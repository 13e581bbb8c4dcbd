using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Ids from requests become table keys in one place, <see cref="TableKey"/>: any string gives a valid key part
/// (no '/', '\', '#', '?', control characters or unpaired surrogates; short enough for Azurite's 512 characters
/// once composed), Teams ids are stored as they are, and the encoding is reversible where it can be.
/// </summary>
public sealed class TableKeyTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] Hostile =
    [
        new string('/', 400),
        new string('#', 140),
        new string('x', 70_000),
        "29:" + new string('?', 133),
        "29:\ud800lonely",
        "29:\udfff",
        "a\u0000b\u001fc\u007fd\u0085e\u009f",
        "%~" + new string('F', 64),
        "ü😀中文\u202e" + new string('\\', 300),
        "",
    ];

    public static TheoryData<string> HostileIds => new(Hostile);

    [Theory]
    [MemberData(nameof(HostileIds))]
    public void Any_id_becomes_a_valid_key_part(string id)
    {
        var key = TableKey.Encode(id);

        Assert.True(key.Length <= TableKey.MaxPartLength, key.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        for (var i = 0; i < key.Length; i++)
        {
            if (char.IsHighSurrogate(key[i]) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                i++;
                continue;
            }

            Assert.False(char.IsSurrogate(key[i]), "unpaired surrogate in the key");
        }
    }

    [Theory]
    [InlineData("29:1GcS4EyB_oSI8A88XmWBN7NJFyMqe3Rji8oA9uv5YjfkdkMY8CbL7yMJjFLD1-MqUC-hNyDdCSVObpvWSz4XbAQ")]
    [InlineData("19:0b7f5e0e9c9f4f7e8c3f1b0a4d2e6c8a@thread.tacv2")]
    [InlineData("a:1xyz;messageid=1481567603816")]
    [InlineData("ü😀中文")]
    public void Teams_ids_are_stored_as_they_are(string id) => Assert.Equal(id, TableKey.Encode(id));

    [Theory]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("x|y%z", "x%7Cy%25z")]
    [InlineData("t\u0001", "t%01")]
    public void Existing_stored_keys_keep_their_shape(string id, string key) => Assert.Equal(key, TableKey.Encode(id));

    [Theory]
    [InlineData("a/b\\c#d?e%f|g")]
    [InlineData("c\u0001\u0085\u009f")]
    [InlineData("%2F%25 literally")]
    public void The_encoding_is_reversed_by_decode(string id) => Assert.Equal(id, TableKey.Decode(TableKey.Encode(id)));

    [Fact]
    public void Long_ids_that_differ_only_at_the_end_get_different_keys()
    {
        var a = new string('/', 500) + "a";
        var b = new string('/', 500) + "b";

        Assert.NotEqual(TableKey.Encode(a), TableKey.Encode(b));
        Assert.Equal(TableKey.Encode(a), TableKey.Encode(a));
    }

    [Fact]
    public void A_hashed_key_cannot_be_forged_by_an_id_that_spells_it_out()
    {
        var hashed = TableKey.Encode(new string('#', 300));

        Assert.NotEqual(hashed, TableKey.Encode(hashed));
    }

    /// <summary>Ids a request can carry as far as storage: the boundary bounds them, but not their characters.</summary>
    public static TheoryData<string> StorableIds => new(Hostile.Where(id => id.Length <= 1000));

    [Theory]
    [MemberData(nameof(HostileIds))]
    public async Task Stores_look_up_any_id_without_failing(string id)
    {
        var (conversations, squads, members) = await StoresAsync();

        Assert.Null(await conversations.GetAsync(ConversationStore.Channel, id, CancellationToken.None));
        Assert.Null(await squads.GetAsync(id, CancellationToken.None));
        Assert.Null(await members.GetAsync(id, id, CancellationToken.None));
        Assert.Empty(await members.ListAsync(id, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(StorableIds))]
    public async Task Stores_save_and_find_rows_under_any_id(string id)
    {
        var (conversations, squads, members) = await StoresAsync();

        await conversations.SaveAsync(new ConversationReference(ConversationStore.User, id, "a:1", "https://smba.trafficmanager.net/emea/", "t", "28:bot", "Ana", null, null, true), CancellationToken.None);
        await members.AddOrRefreshAsync(id, new RosterEntry(id, "Ana", null, null, null), CancellationToken.None);

        Assert.Equal("a:1", (await conversations.GetAsync(ConversationStore.User, id, CancellationToken.None))?.ConversationId);
        Assert.Equal("Ana", (await members.GetAsync(id, id, CancellationToken.None))?.Name);
        Assert.Null(await squads.GetAsync(id, CancellationToken.None));
    }

    private async Task<(ConversationStore Conversations, SquadStore Squads, MemberStore Members)> StoresAsync()
    {
        var options = Options.Create(new StorageOptions { ConnectionString = tables.ConnectionString, TablePrefix = AzuriteFixture.NewPrefix("keys") });
        var storage = new Tables(options);
        await storage.EnsureCreatedAsync(CancellationToken.None);
        var time = new FakeTimeProvider();
        return (new ConversationStore(storage, time), new SquadStore(storage, new PeopleStore(storage, time), time), new MemberStore(storage, new PeopleStore(storage, time), time));
    }
}
