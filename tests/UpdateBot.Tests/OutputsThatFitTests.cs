using System.Text;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>Issue 10, "Outputs that fit": status and export of a large squad come in several messages, each within Teams' size limit (docs/protocol.md, "Card size").</summary>
public sealed class OutputsThatFitTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");

    private static string Name(int i) => $"Member {i:D3} Double-Barrelled-Surname";

    [Fact]
    public async Task Status_of_a_300_member_squad_comes_in_cards_that_each_fit_and_long_gone_leavers_are_left_out()
    {
        await using var squad = new TestSquad(tables, "bigstatus", ThursdayNoon.AddDays(-21));
        await using var host = squad.StartHost();
        var people = Enumerable.Range(0, 300).Select(i => ($"29:m{i:D3}", Name(i))).Prepend((TestSquad.Lead, "Lena Lead")).ToList();
        await host.SeedSquadAsync(TestSquad.TeamId, people, [TestSquad.Lead]);
        var members = host.Get<MemberStore>();

        // Ten leave three weeks before, five leave this week.
        await members.SyncRosterAsync(TestSquad.TeamId, Roster(people.Skip(11)), CancellationToken.None);
        squad.Time.SetUtcNow(ThursdayNoon.AddDays(-2));
        await members.SyncRosterAsync(TestSquad.TeamId, Roster(people.Skip(16)), CancellationToken.None);
        squad.Time.SetUtcNow(ThursdayNoon);

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status")));

        var sent = squad.Teams.SendsTo(TestSquad.Lead);
        Assert.True(sent.Count > 1, $"one card for 300 people: {sent.Count}");
        Assert.All(sent, r => Assert.True(Encoding.Unicode.GetByteCount(r.Body) <= CardJson.MaxMessageUtf16Bytes, $"{Encoding.Unicode.GetByteCount(r.Body)} bytes"));
        var text = string.Join("\n", sent.Select(r => FakeTeams.Text(FakeTeams.Card(r.Json))));
        Assert.All(Enumerable.Range(10, 290), i => Assert.Contains(Name(i), text, StringComparison.Ordinal));
        Assert.All(Enumerable.Range(0, 10), i => Assert.DoesNotContain(Name(i), text, StringComparison.Ordinal));
        Assert.Contains("Left the team", text, StringComparison.Ordinal);
    }

    private static List<RosterEntry> Roster(IEnumerable<(string Id, string Name)> people) =>
        people.Select(p => new RosterEntry(p.Id, p.Name, null, null, null)).ToList();

    [Fact]
    public void A_huge_export_comes_in_messages_that_each_fit_and_read_as_the_whole_when_pasted_in_order()
    {
        var sections = SettingsValidation.DefaultSections.Take(3).ToList();
        var settings = new SquadSettings("Platform", "Europe/London", SquadSchedule.Default, sections, ["29:lead"], AutoPublish: true);
        var entries = Enumerable.Range(0, 300).Select(m => new Entry(
            $"29:m{m:D3}", Name(m), EntryStatus.Answered,
            sections.ToDictionary(s => s.Id, s => string.Concat(Enumerable.Repeat($"Zażółć gęślą jaźń, {s.Title} of member {m}. ", 60))[..1_900]),
            ThursdayNoon)).ToList();
        var digest = DigestComposer.Compose(settings, Week, 12, entries, new Participation(300, 300, 0, 0, 0), DigestEdits.None);
        var markdown = WeeknoteMarkdown.Render(digest);

        var parts = ExportMessages.Split(markdown);

        Assert.True(parts.Count > 10, $"{parts.Count} parts for {markdown.Length:N0} characters");
        Assert.All(parts, p => Assert.True(CardJson.MeasureUtf16Bytes(p) <= CardJson.MaxMessageUtf16Bytes, $"{CardJson.MeasureUtf16Bytes(p)} bytes"));
        Assert.All(parts, p => Assert.Equal("plain", p.TextFormat));
        Assert.Equal(markdown, string.Concat(parts.Select(p => p.Text)));
    }

    [Fact]
    public void A_small_export_is_one_message_and_an_empty_one_still_says_something() =>
        Assert.Equal(["# A\n\nb\n"], ExportMessages.Split("# A\n\nb\n").Select(p => p.Text));
}
