using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>Issue 13: the open (public) editions, stored by slug and week on real Azurite tables.</summary>
public sealed class OpenEditionStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly IsoWeek W47 = new(2026, 47);
    private static readonly IsoWeek W48 = new(2026, 48);
    private static readonly IsoWeek W49 = new(2026, 49);

    private async Task<(OpenEditionStore Store, Tables Tables)> NewStoreAsync()
    {
        var tables = new Tables(Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, TablePrefix = AzuriteFixture.NewPrefix("open") }));
        await tables.EnsureCreatedAsync(CancellationToken.None);
        return (new OpenEditionStore(tables), tables);
    }

    private static void AssertSame(OpenEdition expected, OpenEdition? actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    private static async Task<int> RowCountAsync(Tables tables, string slug)
    {
        var count = 0;
        await foreach (var _ in tables.OpenEditions.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {slug}")))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task A_saved_edition_reads_back_whole_and_an_unknown_one_is_absent()
    {
        var (store, _) = await NewStoreAsync();
        var edition = OpenEditionSamples.Edition("mental-health-discovery", W48, 3);

        await store.SaveAsync(edition, CancellationToken.None);

        AssertSame(edition, await store.GetAsync("mental-health-discovery", W48, CancellationToken.None));
        Assert.Null(await store.GetAsync("mental-health-discovery", W47, CancellationToken.None));
        Assert.Null(await store.GetAsync("someone-else", W48, CancellationToken.None));
        Assert.Empty(await store.ListAsync("someone-else", CancellationToken.None));
    }

    [Fact]
    public async Task A_slug_lists_its_own_editions_newest_week_first()
    {
        var (store, _) = await NewStoreAsync();
        await store.SaveAsync(OpenEditionSamples.Edition("alpha", W48, 2), CancellationToken.None);
        await store.SaveAsync(OpenEditionSamples.Edition("alpha", W47, 1), CancellationToken.None);
        await store.SaveAsync(OpenEditionSamples.Edition("alpha", W49, 3), CancellationToken.None);
        await store.SaveAsync(OpenEditionSamples.Edition("beta", W48, 7, "Beta"), CancellationToken.None);

        var alpha = await store.ListAsync("alpha", CancellationToken.None);

        Assert.Equal([W49, W48, W47], alpha.Select(e => e.Week));
        Assert.Equal([3, 2, 1], alpha.Select(e => e.Edition));
        Assert.Equal(["Beta"], (await store.ListAsync("beta", CancellationToken.None)).Select(e => e.SquadName));
    }

    [Fact]
    public async Task Saving_the_same_week_again_replaces_the_edition()
    {
        var (store, _) = await NewStoreAsync();
        var first = OpenEditionSamples.Edition("alpha", W48, 2);
        await store.SaveAsync(first, CancellationToken.None);
        var corrected = first with { Intro = "Corrected intro.", UpdatedAt = first.UpdatedAt.AddHours(2) };

        await store.SaveAsync(corrected, CancellationToken.None);

        AssertSame(corrected, await store.GetAsync("alpha", W48, CancellationToken.None));
        Assert.Single(await store.ListAsync("alpha", CancellationToken.None));
    }

    [Fact]
    public async Task An_edition_longer_than_a_table_property_holds_is_stored_in_parts_and_a_shorter_rewrite_leaves_no_parts_behind()
    {
        var (store, tables) = await NewStoreAsync();
        var huge = OpenEditionSamples.Long("alpha", W48, (StoredText.MaxPropertyChars * 3) + 123);

        await store.SaveAsync(huge, CancellationToken.None);

        AssertSame(huge, await store.GetAsync("alpha", W48, CancellationToken.None));
        AssertSame(huge, Assert.Single(await store.ListAsync("alpha", CancellationToken.None)));
        Assert.True(await RowCountAsync(tables, "alpha") >= 4);

        var small = OpenEditionSamples.Edition("alpha", W48, 1);
        await store.SaveAsync(small, CancellationToken.None);

        AssertSame(small, await store.GetAsync("alpha", W48, CancellationToken.None));
        Assert.Equal(1, await RowCountAsync(tables, "alpha"));
    }

    [Fact]
    public async Task Deleting_a_slug_removes_all_its_editions_and_parts_and_nothing_of_another_slug()
    {
        var (store, tables) = await NewStoreAsync();
        await store.SaveAsync(OpenEditionSamples.Edition("alpha", W47, 1), CancellationToken.None);
        await store.SaveAsync(OpenEditionSamples.Long("alpha", W48, StoredText.MaxPropertyChars * 2), CancellationToken.None);
        await store.SaveAsync(OpenEditionSamples.Edition("beta", W48, 1, "Beta"), CancellationToken.None);

        Assert.Equal(2, await store.DeleteAllAsync("alpha", CancellationToken.None));

        Assert.Empty(await store.ListAsync("alpha", CancellationToken.None));
        Assert.Equal(0, await RowCountAsync(tables, "alpha"));
        Assert.Single(await store.ListAsync("beta", CancellationToken.None));
        Assert.Equal(0, await store.DeleteAllAsync("alpha", CancellationToken.None));
    }

    [Fact]
    public async Task Removing_a_member_takes_their_items_out_of_every_edition_drops_emptied_sections_and_reports_what_changed()
    {
        var (store, _) = await NewStoreAsync();
        var now = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
        var w47 = OpenEditionSamples.Edition("alpha", W47, 1);
        var w48 = OpenEditionSamples.Edition("alpha", W48, 2);
        var w49 = OpenEditionSamples.Edition("alpha", W49, 3) with
        {
            Sections = [new OpenSection("highlights", "Highlights", [new OpenItem("u-sam/highlights", "u-sam", "Sam Okafor", "Only Sam this week.")])],
        };
        var otherSlug = OpenEditionSamples.Edition("beta", W48, 1, "Beta");
        foreach (var edition in new[] { w47, w48, w49, otherSlug })
        {
            await store.SaveAsync(edition, CancellationToken.None);
        }

        var changed = await store.RemoveMemberAsync("alpha", "u-ana", now, CancellationToken.None);

        Assert.Equal([W48, W47], changed.Select(e => e.Week));
        foreach (var week in new[] { W47, W48 })
        {
            var edition = (await store.GetAsync("alpha", week, CancellationToken.None))!;
            Assert.DoesNotContain(edition.Sections.SelectMany(s => s.Items), i => i.MemberId == "u-ana");
            Assert.Equal(["highlights", "reading-and-links"], edition.Sections.Select(s => s.SectionId));
            Assert.Equal(["u-sam/highlights"], edition.Sections[0].Items.Select(i => i.ItemId));
            Assert.Equal(now, edition.UpdatedAt);
        }

        AssertSame(w49, await store.GetAsync("alpha", W49, CancellationToken.None));
        AssertSame(otherSlug, await store.GetAsync("beta", W48, CancellationToken.None));
        Assert.Empty(await store.RemoveMemberAsync("alpha", "u-ana", now, CancellationToken.None));
    }

    [Fact]
    public async Task Removing_the_only_contributor_leaves_an_edition_with_no_sections()
    {
        var (store, _) = await NewStoreAsync();
        var now = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
        await store.SaveAsync(OpenEditionSamples.Long("alpha", W48, 5000), CancellationToken.None);

        var changed = Assert.Single(await store.RemoveMemberAsync("alpha", "u-ana", now, CancellationToken.None));

        Assert.Empty(changed.Sections);
        Assert.Empty((await store.GetAsync("alpha", W48, CancellationToken.None))!.Sections);
    }
}
