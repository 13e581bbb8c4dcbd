using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

public class ContinuityTests
{
    private static readonly IsoWeek Week = new(2026, 48);
    private static readonly SquadSettings Settings = SettingsValidation.Defaults("Data", ["lead"]);
    private const string Blockers = Continuity.BlockersSectionId;

    private static Entry Answered(string memberId, params (string SectionId, string Text)[] answers) =>
        new(memberId, memberId, EntryStatus.Answered, answers.ToDictionary(a => a.SectionId, a => a.Text), new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static (IsoWeek, IReadOnlyList<Entry>) WeeksAgo(int weeks, params Entry[] entries)
    {
        var week = Week;
        for (var i = 0; i < weeks; i++)
        {
            week = week.Previous();
        }

        return (week, entries);
    }

    [Fact]
    public void New_squads_carry_forward_next_week_and_blockers()
    {
        Assert.Equal(["blockers-and-asks", "next-week"], Settings.Sections.Where(s => Settings.CarriesForward(s.Id)).Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal("Next week", Settings.Sections[^1].Title);
    }

    [Fact]
    public void Last_weeks_carry_forward_sections_come_back_in_squad_order()
    {
        var lastWeek = Answered("m-ana", ("highlights", "Shipped"), ("next-week", "Book the research venue"), (Blockers, "Need a designer"));

        var carried = Continuity.FromLastWeek(Settings, lastWeek);

        Assert.Equal([new CarriedForward(Blockers, "Blockers and asks", "Need a designer"), new CarriedForward("next-week", "Next week", "Book the research venue")], carried);
    }

    [Fact]
    public void Sections_not_marked_carry_forward_and_blank_answers_carry_nothing()
    {
        var settings = Settings with { CarryForwardSectionIds = new HashSet<string>(["next-week"]) };
        var lastWeek = Answered("m-ana", ("next-week", "   "), (Blockers, "Need a designer"));

        Assert.Empty(Continuity.FromLastWeek(settings, lastWeek));
    }

    [Theory]
    [InlineData(EntryStatus.Quiet)]
    [InlineData(EntryStatus.Away)]
    [InlineData(EntryStatus.Pending)]
    public void A_week_without_an_answer_carries_nothing(EntryStatus status)
    {
        var lastWeek = Answered("m-ana", ("next-week", "Book the venue")) with { Status = status };

        Assert.Empty(Continuity.FromLastWeek(Settings, lastWeek));
        Assert.Empty(Continuity.FromLastWeek(Settings, null));
    }

    [Fact]
    public void A_long_answer_is_quoted_cut_at_a_word()
    {
        var text = string.Join(' ', Enumerable.Repeat("venue", 100));

        var quote = Continuity.FromLastWeek(Settings, Answered("m-ana", ("next-week", text))).Single().Text;

        Assert.True(quote.Length <= Continuity.MaxQuoteLength);
        Assert.EndsWith("venue…", quote, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Waiting for IG sign-off", "Still waiting on IG sign off from the trust", true)]
    [InlineData("Need access to the analytics account", "- need ACCESS to analytics accounts", true)]
    [InlineData("Need a venue", "Need access to the server", false)]
    [InlineData("Designer", "designers", true)]
    [InlineData("Waiting", "Waiting", false)]
    public void The_similarity_rule(string a, string b, bool same)
    {
        Assert.Equal(same, Continuity.SameBlocker(a, b));
        Assert.Equal(same, Continuity.SameBlocker(b, a));
    }

    [Fact]
    public void A_repeated_blocker_keeps_its_first_seen_week()
    {
        var now = Answered("m-ana", (Blockers, "Still waiting on IG sign-off from the trust"));
        var earlier = new[]
        {
            WeeksAgo(1, Answered("m-ana", (Blockers, "Waiting for IG sign off"))),
            WeeksAgo(2, Answered("m-ana", (Blockers, "- IG sign-off\n- A designer"))),
            WeeksAgo(3, Answered("m-ana", ("highlights", "A good week"))),
        };

        var ages = Continuity.Age(Week, [now], earlier, []);

        var blocker = ages.ByItem["m-ana/blockers-and-asks"].Single();
        Assert.Equal(Week.Previous().Previous(), blocker.FirstSeen);
        Assert.Equal(3, blocker.WeeksOpen);
        Assert.False(blocker.Resolved);
        Assert.False(ages.NeedsEarlierWeek);
    }

    [Fact]
    public void Weeks_the_member_said_nothing_are_stepped_over_and_more_weeks_are_asked_for()
    {
        var now = Answered("m-ana", (Blockers, "Need a designer"));
        var earlier = new[]
        {
            WeeksAgo(1, Answered("m-ana") with { Status = EntryStatus.Away }),
            WeeksAgo(2, Answered("m-ana", (Blockers, "need a designer"))),
        };

        var ages = Continuity.Age(Week, [now], earlier, []);

        Assert.Equal(3, ages.ByItem["m-ana/blockers-and-asks"].Single().WeeksOpen);
        Assert.True(ages.NeedsEarlierWeek); // week -2 continued the run: week -3 might too
    }

    [Fact]
    public void A_new_blocker_is_new_this_week()
    {
        var ages = Continuity.Age(Week, [Answered("m-ana", (Blockers, "Need a venue"))], [WeeksAgo(1, Answered("m-ana", (Blockers, "Need access to the server")))], []);

        var blocker = ages.ByItem["m-ana/blockers-and-asks"].Single();
        Assert.Equal(Week, blocker.FirstSeen);
        Assert.Equal((1, false), (blocker.WeeksOpen, blocker.Resolved));
        Assert.False(blocker.IsWorthShowing);
    }

    [Fact]
    public void Another_members_same_words_do_not_count()
    {
        var ages = Continuity.Age(Week, [Answered("m-ana", (Blockers, "Need a designer"))], [WeeksAgo(1, Answered("m-bob", (Blockers, "Need a designer")))], []);

        Assert.Equal(1, ages.ByItem["m-ana/blockers-and-asks"].Single().WeeksOpen);
    }

    [Fact]
    public void A_blocker_resolved_by_a_lead_ends_its_run_and_shows_resolved_in_its_week()
    {
        var lastWeek = WeeksAgo(1, Answered("m-ana", (Blockers, "Need a designer")));
        var twoAgo = WeeksAgo(2, Answered("m-ana", (Blockers, "Need a designer")));
        var resolvedLastWeek = new BlockerMark(lastWeek.Item1, "m-ana", Continuity.BlockerKey("Need a designer"));

        var now = Continuity.Age(Week, [Answered("m-ana", (Blockers, "Need a designer"))], [lastWeek, twoAgo], [resolvedLastWeek]);
        var then = Continuity.Age(lastWeek.Item1, lastWeek.Item2, [twoAgo], [resolvedLastWeek]);

        Assert.Equal(1, now.ByItem["m-ana/blockers-and-asks"].Single().WeeksOpen); // said again after it was resolved: new
        var resolved = then.ByItem["m-ana/blockers-and-asks"].Single();
        Assert.True(resolved.Resolved);
        Assert.Equal(2, resolved.WeeksOpen);
    }

    [Fact]
    public void Each_line_is_its_own_blocker_up_to_the_limit()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 8).Select(i => $"- Blocker number {i} about thing{i}"));

        var ages = Continuity.Age(Week, [Answered("m-ana", (Blockers, lines))], [], []);

        Assert.Equal(Continuity.MaxBlockersPerAnswer, ages.ByItem["m-ana/blockers-and-asks"].Count);
        Assert.Equal("Blocker number 1 about thing1", ages.ByItem["m-ana/blockers-and-asks"][0].Text);
    }

    [Fact]
    public void The_look_back_stops_at_its_limit()
    {
        var earlier = Enumerable.Range(1, Continuity.LookBackWeeks).Select(n => WeeksAgo(n, Answered("m-ana", (Blockers, "Need a designer")))).ToList();

        var ages = Continuity.Age(Week, [Answered("m-ana", (Blockers, "Need a designer"))], earlier, []);

        Assert.Equal(Continuity.LookBackWeeks + 1, ages.ByItem["m-ana/blockers-and-asks"].Single().WeeksOpen);
        Assert.False(ages.NeedsEarlierWeek);
    }

    [Fact]
    public void Ages_cross_the_year_boundary()
    {
        Assert.Equal(1, Continuity.WeeksBetween(new IsoWeek(2026, 53), new IsoWeek(2027, 1)));
        Assert.Equal(2, Continuity.WeeksBetween(new IsoWeek(2025, 52), new IsoWeek(2026, 2)));
    }

    [Fact]
    public void Ages_are_attached_to_the_digest_items()
    {
        var entries = new[] { Answered("m-ana", (Blockers, "Need a designer")) };
        var digest = DigestComposer.Compose(Settings, Week, 1, entries, new Participation(1, 1, 0, 0, 0), DigestEdits.None);

        var aged = Continuity.WithAges(digest, Continuity.Age(Week, entries, [WeeksAgo(1, Answered("m-ana", (Blockers, "need a designer!")))], []));

        Assert.Equal((2, false), (aged.Sections.Single().Items.Single().Blockers.Single().WeeksOpen, aged.Sections.Single().Items.Single().Blockers.Single().Resolved));
    }

    [Fact]
    public void Carry_forward_choices_on_the_setup_card_are_kept_and_new_default_sections_carry_forward()
    {
        var input = SettingsValidation.ToInput(Settings) with { };
        var untickBlockers = input with { CarryForwardSectionIds = ["next-week"] };

        var saved = SettingsValidation.Validate(untickBlockers, Settings, ["lead"]).Settings!;
        Assert.Equal(["next-week"], saved.CarryForwardSectionIds);

        // A card without the input keeps the choice; a "Next week" added later (not on the card) carries forward.
        var withoutNextWeek = SettingsValidation.Validate(input with { Sections = "Highlights\nBlockers and asks", CarryForwardSectionIds = null }, saved, ["lead"]).Settings!;
        var addedBack = SettingsValidation.Validate(SettingsValidation.ToInput(withoutNextWeek) with { Sections = "Highlights\nBlockers and asks\nNext week", CarryForwardSectionIds = [] }, withoutNextWeek, ["lead"]).Settings!;
        Assert.Contains("next-week", addedBack.CarryForwardSectionIds);
        Assert.DoesNotContain(Blockers, addedBack.CarryForwardSectionIds);
    }
}
