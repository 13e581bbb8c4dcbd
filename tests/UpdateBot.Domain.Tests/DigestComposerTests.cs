using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

public class DigestComposerTests
{
    private static readonly IsoWeek Week = new(2026, 48);
    private static readonly SquadSettings Settings = SettingsValidation.Defaults("Data", ["lead"]);
    private static readonly Participation Counts = new(Rostered: 9, Contributed: 7, Quiet: 1, Away: 1, Unreachable: 0);

    private static Entry Answered(string memberId, string name, params (string SectionId, string Text)[] answers) =>
        new(memberId, name, EntryStatus.Answered, answers.ToDictionary(a => a.SectionId, a => a.Text), new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static readonly Entry[] Entries =
    [
        Answered("m-zed", "Zed", ("highlights", "Ran the show and tell")),
        Answered("m-ana", "Ana", ("highlights", "Shipped the search beta"), ("reading-and-links", "https://example.org/read"), ("blockers-and-asks", "Need a designer")),
        Answered("m-bob", "bob", ("highlights", "Met five users"), ("people-we-met", "   ")),
        new("m-cy", "Cy", EntryStatus.Quiet, new Dictionary<string, string> { ["highlights"] = "left over from before quiet" }, DateTimeOffset.MinValue),
        new("m-dee", "Dee", EntryStatus.Pending, new Dictionary<string, string> { ["highlights"] = "draft" }, DateTimeOffset.MinValue),
        new("m-eve", "Eve", EntryStatus.Away, new Dictionary<string, string>(), DateTimeOffset.MinValue),
    ];

    private static Digest Compose(DigestEdits? edits = null, IReadOnlyList<Entry>? entries = null) =>
        DigestComposer.Compose(Settings, Week, 12, entries ?? Entries, Counts, edits ?? DigestEdits.None);

    [Fact]
    public void Headline_fields()
    {
        var digest = Compose();
        Assert.Equal("Data weeknotes — Update 12", digest.Title);
        Assert.Equal("23–27 Nov 2026", digest.DateRange);
        Assert.Equal("7 of 9 contributed; 1 quiet; 1 away", digest.ParticipationLine);
        Assert.Equal(Counts, digest.Participation);
        Assert.Equal(Week, digest.Week);
        Assert.Equal(12, digest.Edition);
        Assert.Equal("Data", digest.SquadName);
        Assert.Null(digest.Intro);
    }

    [Fact]
    public void Only_answered_non_blank_sections_appear_in_squad_order()
    {
        var digest = Compose();
        Assert.Equal(["highlights", "reading-and-links", "blockers-and-asks"], digest.Sections.Select(s => s.SectionId));
        Assert.Equal("Highlights", digest.Sections[0].Title);
        Assert.DoesNotContain(digest.Sections.SelectMany(s => s.Items), i => i.Text is "draft" or "left over from before quiet");
    }

    [Fact]
    public void Items_are_attributed_and_sorted_by_author_name_then_member_id()
    {
        Entry[] entries = [.. Entries, Answered("m-sam-2", "Sam", ("highlights", "second Sam")), Answered("m-sam-1", "Sam", ("highlights", "first Sam"))];
        var highlights = Compose(entries: entries).Sections[0].Items;

        Assert.Equal(["Ana", "bob", "Sam", "Sam", "Zed"], highlights.Select(i => i.AuthorName));
        Assert.Equal(["m-ana/highlights", "m-bob/highlights", "m-sam-1/highlights", "m-sam-2/highlights", "m-zed/highlights"], highlights.Select(i => i.ItemId));
        Assert.Equal("Shipped the search beta", highlights[0].Text);
        Assert.All(highlights, i => Assert.False(i.Hidden));
    }

    [Fact]
    public void Section_order_from_edits_ignores_unknown_ids_and_appends_the_rest_in_squad_order()
    {
        var edits = DigestEdits.None with { SectionOrder = ["reading-and-links", "no-such-section", "reading-and-links"] };
        Assert.Equal(["reading-and-links", "highlights", "blockers-and-asks"], Compose(edits).Sections.Select(s => s.SectionId));

        edits = DigestEdits.None with { SectionOrder = ["blockers-and-asks", "highlights", "reading-and-links"] };
        Assert.Equal(["blockers-and-asks", "highlights", "reading-and-links"], Compose(edits).Sections.Select(s => s.SectionId));
    }

    [Fact]
    public void Hidden_items_are_flagged_and_dropped_from_visible_sections()
    {
        var edits = DigestEdits.None with { HiddenItemIds = new HashSet<string> { "m-bob/highlights", "m-ana/blockers-and-asks" } };
        var digest = Compose(edits);

        Assert.True(digest.Sections[0].Items.Single(i => i.ItemId == "m-bob/highlights").Hidden);
        Assert.Equal(3, digest.Sections.Count); // the lead can still un-hide them
        Assert.Equal(["highlights", "reading-and-links"], digest.VisibleSections.Select(s => s.SectionId));
        Assert.Equal(["Ana", "Zed"], digest.VisibleSections[0].Items.Select(i => i.AuthorName));
    }

    [Fact]
    public void Edited_text_replaces_the_answer_and_the_intro_is_kept()
    {
        var edits = DigestEdits.None with
        {
            Intro = "  A big week. \r\n",
            ItemEdits = new Dictionary<string, LeadEdit> { ["m-zed/highlights"] = new("Ran the <at>show</at> and tell (edited)", TextFingerprint.Of("Ran the show and tell")) },
        };
        var digest = Compose(edits);

        Assert.Equal("A big week.", digest.Intro);
        var item = digest.Sections[0].Items.Single(i => i.ItemId == "m-zed/highlights");
        Assert.Equal("Ran the @show and tell (edited)", item.Text);
        Assert.False(item.ChangedByAuthor);
    }

    [Fact]
    public void The_members_later_answer_wins_over_a_leads_edit_of_their_earlier_one_and_says_so()
    {
        var edits = DigestEdits.None with
        {
            ItemEdits = new Dictionary<string, LeadEdit> { ["m-zed/highlights"] = new("Ran the show and tell (tidied by the lead)", TextFingerprint.Of("Ran the show and tell")) },
        };
        Entry[] entries = [Answered("m-zed", "Zed", ("highlights", "Ran the show and tell, and fixed the demo"))];

        var item = Compose(edits, entries).Sections[0].Items.Single();

        Assert.Equal("Ran the show and tell, and fixed the demo", item.Text);
        Assert.True(item.ChangedByAuthor);
    }

    [Fact]
    public void A_section_removed_mid_week_keeps_that_weeks_answers_under_its_old_title_after_the_current_ones()
    {
        var settings = Settings with { Sections = Settings.Sections.Where(s => s.Id != "highlights").ToList() };
        settings = settings with { RetiredSections = [Settings.Sections.Single(s => s.Id == "highlights")] };

        var digest = DigestComposer.Compose(settings, Week, 12, Entries, Counts, DigestEdits.None);

        Assert.Equal(["reading-and-links", "blockers-and-asks", "highlights"], digest.Sections.Select(s => s.SectionId));
        Assert.Equal("Highlights", digest.Sections[^1].Title);
        Assert.Contains(digest.Sections[^1].Items, i => i.Text == "Ran the show and tell");
    }

    [Fact]
    public void The_latest_entry_wins_if_a_member_appears_twice()
    {
        var older = Answered("m-ana", "Ana", ("highlights", "old")) with { UpdatedAt = DateTimeOffset.MinValue };
        var digest = Compose(entries: [older, .. Entries]);
        Assert.Equal("Shipped the search beta", digest.Sections[0].Items.Single(i => i.AuthorName == "Ana").Text);
    }

    [Fact]
    public void No_answers_means_no_sections() =>
        Assert.Empty(Compose(entries: []).Sections);

    [Theory]
    [InlineData(2025, 47, "17–21 Nov 2025")]
    [InlineData(2026, 48, "23–27 Nov 2026")]
    [InlineData(2025, 40, "29 Sep – 3 Oct 2025")]
    [InlineData(2026, 44, "26–30 Oct 2026")]
    [InlineData(2026, 1, "29 Dec 2025 – 2 Jan 2026")]
    [InlineData(2026, 53, "28 Dec 2026 – 1 Jan 2027")]
    [InlineData(2020, 53, "28 Dec 2020 – 1 Jan 2021")]
    public void FormatDateRange_covers_Monday_to_Friday(int year, int week, string expected) =>
        Assert.Equal(expected, DigestComposer.FormatDateRange(new IsoWeek(year, week)));

    [Theory]
    [InlineData(9, 7, 1, 1, 1, "7 of 9 contributed; 1 quiet; 1 away; 1 unreachable")]
    [InlineData(9, 7, 0, 2, 0, "7 of 9 contributed; 2 away")]
    [InlineData(9, 8, 0, 0, 1, "8 of 9 contributed; 1 unreachable")]
    [InlineData(5, 0, 0, 0, 0, "0 of 5 contributed")]
    [InlineData(1200, 1100, 100, 0, 0, "1100 of 1200 contributed; 100 quiet")]
    public void FormatParticipation_leaves_out_zero_parts(int rostered, int contributed, int quiet, int away, int unreachable, string expected) =>
        Assert.Equal(expected, DigestComposer.FormatParticipation(new Participation(rostered, contributed, quiet, away, unreachable)));
}
