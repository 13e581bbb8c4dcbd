using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

/// <summary>The consent rules of the open weeknote (issue 13): what the world may read, and how its authors are named.</summary>
public class OpenConsentTests
{
    private static readonly IsoWeek Week = new(2026, 48);
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);
    private static readonly SquadSettings Publishing = SettingsValidation.Defaults("Mental Health Discovery", ["lead"]) with { PublishOpenly = true };
    private static readonly Participation Counts = new(3, 3, 0, 0, 0);

    private static Entry Answered(string memberId, string name, bool teamOnly, params (string SectionId, string Text)[] answers) =>
        new(memberId, name, EntryStatus.Answered, answers.ToDictionary(a => a.SectionId, a => a.Text), Now) { TeamOnly = teamOnly };

    private static readonly Entry[] Entries =
    [
        Answered("m-ana", "Ana Lopez", false, ("highlights", "Shipped the search beta"), ("blockers-and-asks", "Need a designer"), ("reading-and-links", "https://example.org/read")),
        Answered("m-bob", "Bob Jones", true, ("highlights", "Met the regional leads")),
        Answered("m-cy", "Cy Evans", false, ("highlights", "Ran the show and tell")),
    ];

    private static Digest Compose(SquadSettings settings, DigestEdits? edits = null) =>
        DigestComposer.Compose(settings, Week, 1, Entries, Counts, edits ?? DigestEdits.None);

    private static OpenEdition Build(SquadSettings settings, DigestEdits? edits = null, Func<string, PublicName>? names = null) =>
        OpenConsent.Build(Compose(settings, edits), settings, names ?? (_ => PublicName.FullName), Now, Now);

    private static IEnumerable<OpenItem> Items(OpenEdition edition) => edition.Sections.SelectMany(s => s.Items);

    [Fact]
    public void By_default_every_section_is_public_except_blockers_and_asks_and_nothing_is_published_openly()
    {
        var defaults = SettingsValidation.Defaults("Data", ["lead"]);
        Assert.False(defaults.PublishOpenly);
        Assert.Equal(["blockers-and-asks"], defaults.Sections.Where(s => !defaults.IsSectionPublic(s.Id)).Select(s => s.Id));
        Assert.Equal(OpenAudience.NotPublishing, OpenConsent.AudienceOf(defaults, "highlights", Compose(defaults).Sections[0].Items[0]));
    }

    [Fact]
    public void The_open_edition_has_only_public_items_in_public_sections()
    {
        var edition = Build(Publishing);

        Assert.Equal("Mental Health Discovery weeknotes — Update 1", edition.Title);
        Assert.Equal("mental-health-discovery", edition.Slug);
        Assert.Equal(["highlights", "reading-and-links"], edition.Sections.Select(s => s.SectionId));
        Assert.Equal(["m-ana/highlights", "m-cy/highlights", "m-ana/reading-and-links"], Items(edition).Select(i => i.ItemId));
        Assert.DoesNotContain(Items(edition), i => i.Text.Contains("designer", StringComparison.Ordinal));
    }

    [Fact]
    public void What_an_author_kept_team_only_is_never_public_whatever_the_lead_does()
    {
        // Even with every section public and nothing withheld, Bob's words stay with the team.
        var allPublic = Publishing with { TeamOnlySectionIds = new HashSet<string>() };
        var edits = DigestEdits.None with { WithheldItemIds = new HashSet<string>() };

        var edition = Build(allPublic, edits);

        Assert.DoesNotContain(Items(edition), i => i.MemberId == "m-bob");
        var bob = Compose(allPublic).Sections.SelectMany(s => s.Items).Single(i => i.MemberId == "m-bob");
        Assert.Equal(OpenAudience.AuthorKeptTeamOnly, OpenConsent.AudienceOf(allPublic, "highlights", bob));
        // The channel post still has it: team-only is about the world, not the team.
        Assert.Contains(Compose(allPublic).VisibleSections.SelectMany(s => s.Items), i => i.MemberId == "m-bob");
    }

    [Fact]
    public void A_withheld_item_is_never_public_and_a_hidden_one_is_in_neither_edition()
    {
        var edits = DigestEdits.None with { WithheldItemIds = new HashSet<string> { "m-ana/highlights" } };
        var hidden = new DigestEdits(null, new HashSet<string> { "m-cy/highlights" }, new Dictionary<string, LeadEdit>(), null);

        Assert.DoesNotContain(Items(Build(Publishing, edits)), i => i.ItemId == "m-ana/highlights");
        Assert.Contains(Compose(Publishing, edits).VisibleSections.SelectMany(s => s.Items), i => i.ItemId == "m-ana/highlights");
        Assert.DoesNotContain(Items(Build(Publishing, hidden)), i => i.ItemId == "m-cy/highlights");
    }

    [Fact]
    public void A_section_the_lead_keeps_for_the_team_is_left_out()
    {
        var settings = Publishing with { TeamOnlySectionIds = new HashSet<string> { "reading-and-links" } };

        var edition = Build(settings);

        Assert.Equal(["highlights", "blockers-and-asks"], edition.Sections.Select(s => s.SectionId));
    }

    [Fact]
    public void Public_names_follow_each_members_choice_and_default_to_a_member_of_the_team()
    {
        var edition = Build(Publishing, names: id => id == "m-ana" ? PublicName.FirstName : PublicName.Anonymous);

        Assert.Equal("Ana", Items(edition).First(i => i.MemberId == "m-ana").Attribution);
        Assert.Equal(OpenConsent.MemberOfTheTeam, Items(edition).First(i => i.MemberId == "m-cy").Attribution);
        Assert.Equal("Ana Lopez", OpenConsent.Attribution(PublicName.FullName, "Ana Lopez"));
        Assert.Equal("Jane", OpenConsent.Attribution(PublicName.FirstName, "Doe, Jane"));
        Assert.Equal(OpenConsent.MemberOfTheTeam, OpenConsent.Attribution(PublicName.FirstName, "  "));
        Assert.Equal(PublicName.Anonymous, default(PublicName));
    }

    [Fact]
    public void A_correction_keeps_the_names_an_edition_was_published_with()
    {
        var published = Build(Publishing, names: _ => PublicName.FullName);

        // Ana has since chosen her first name (without asking for past editions); a lead corrects the old edition.
        var corrected = OpenConsent.Build(Compose(Publishing), Publishing, _ => PublicName.FirstName, Now, Now.AddHours(1), published);

        Assert.All(Items(corrected), i => Assert.Equal(Items(published).First(p => p.MemberId == i.MemberId).Attribution, i.Attribution));
    }

    [Fact]
    public void A_new_public_name_renames_only_that_members_items()
    {
        var edition = Build(Publishing);

        var renamed = OpenConsent.Renamed(edition, "m-ana", "Ana", Now)!;

        Assert.All(Items(renamed).Where(i => i.MemberId == "m-ana"), i => Assert.Equal("Ana", i.Attribution));
        Assert.Equal("Cy Evans", Items(renamed).Single(i => i.MemberId == "m-cy").Attribution);
        Assert.Null(OpenConsent.Renamed(renamed, "m-ana", "Ana", Now));
    }

    [Theory]
    [InlineData("first", PublicName.FirstName)]
    [InlineData("Full name", PublicName.FullName)]
    [InlineData("team", PublicName.Anonymous)]
    public void Public_name_choices_read(string text, PublicName expected) =>
        Assert.Equal(expected, OpenConsent.ParsePublicName(text));
}
