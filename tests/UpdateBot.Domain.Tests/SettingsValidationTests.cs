using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

public class SettingsValidationTests
{
    private static readonly string[] Leads = ["lead-1"];

    private static SquadSettingsInput ValidInput() => new(
        "Data squad", "Europe/London",
        "Thursday", "10:00",
        "Friday", "10:00",
        "Friday", "14:00",
        "Friday", "16:00",
        "Highlights\nDiscovery and delivery\nBlockers and asks",
        AutoPublish: false);

    private static WeeklyTime At(DayOfWeek day, int hour) => new(day, new TimeOnly(hour, 0));

    [Fact]
    public void Valid_input_gives_settings_and_no_errors()
    {
        var result = SettingsValidation.Validate(ValidInput(), [], Leads);

        Assert.True(result.IsValid, string.Join(" | ", result.Problems));
        var settings = result.Settings!;
        Assert.Equal("Data squad", settings.Name);
        Assert.Equal("Europe/London", settings.TimeZoneId);
        Assert.Equal(SquadSchedule.Default, settings.Schedule);
        Assert.Equal(["highlights", "discovery-and-delivery", "blockers-and-asks"], settings.Sections.Select(s => s.Id));
        Assert.Equal("What went well this week?", settings.Sections[0].Placeholder);
        Assert.Equal(Leads, settings.LeadIds);
    }

    [Fact]
    public void Defaults_round_trip_through_the_setup_card()
    {
        var defaults = SettingsValidation.Defaults("Data squad", Leads);
        var result = SettingsValidation.Validate(SettingsValidation.ToInput(defaults), defaults.Sections, Leads);

        Assert.True(result.IsValid, string.Join(" | ", result.Problems));
        Assert.Equal(defaults.Schedule, result.Settings!.Schedule);
        Assert.Equal(defaults.Sections, result.Settings.Sections);
        Assert.Equal(defaults.TimeZoneId, result.Settings.TimeZoneId);
    }

    [Fact]
    public void Unknown_time_zone_names_the_typo() =>
        Assert.Equal(
            [new SettingsProblem.UnknownTimeZone("Europe/Lodnon")],
            SettingsValidation.Validate(ValidInput() with { TimeZoneId = "Europe/Lodnon" }, [], Leads).Problems);

    [Fact]
    public void Windows_time_zone_names_are_refused() =>
        Assert.False(SettingsValidation.Validate(ValidInput() with { TimeZoneId = "GMT Standard Time" }, [], Leads).IsValid);

    [Fact]
    public void Time_zone_is_matched_case_insensitively_to_its_canonical_id() =>
        Assert.Equal("America/New_York", SettingsValidation.Validate(ValidInput() with { TimeZoneId = " america/new_york " }, [], Leads).Settings!.TimeZoneId);

    [Fact]
    public void A_reminder_out_of_order_is_explained_with_the_times() =>
        Assert.Equal(
            [new SettingsProblem.ReminderOutOfOrder(At(DayOfWeek.Thursday, 10), At(DayOfWeek.Friday, 10), At(DayOfWeek.Friday, 9))],
            SettingsValidation.Validate(ValidInput() with { CompileTime = "09:00", PublishTime = "09:00" }, [], Leads).Problems);

    [Fact]
    public void A_publish_before_the_compile_is_explained() =>
        Assert.Equal(
            [new SettingsProblem.PublishBeforeCompile(At(DayOfWeek.Friday, 14), At(DayOfWeek.Friday, 13))],
            SettingsValidation.Validate(ValidInput() with { PublishTime = "13:00" }, [], Leads).Problems);

    [Fact]
    public void Compile_and_publish_may_be_at_the_same_time() =>
        Assert.True(SettingsValidation.Validate(ValidInput() with { PublishTime = "14:00" }, [], Leads).IsValid);

    [Fact]
    public void The_week_runs_Monday_to_Sunday()
    {
        var sundayLast = ValidInput() with { OpenDay = "Monday", RemindDay = "Saturday", CompileDay = "Sunday", PublishDay = "Sunday" };
        Assert.True(SettingsValidation.Validate(sundayLast, [], Leads).IsValid);

        var sundayFirst = ValidInput() with { OpenDay = "Sunday", RemindDay = "Monday" };
        Assert.Equal(
            [new SettingsProblem.ReminderOutOfOrder(At(DayOfWeek.Sunday, 10), At(DayOfWeek.Monday, 10), At(DayOfWeek.Friday, 14))],
            SettingsValidation.Validate(sundayFirst, [], Leads).Problems);
    }

    [Theory]
    [InlineData("thursday", DayOfWeek.Thursday)]
    [InlineData("THU", DayOfWeek.Thursday)]
    [InlineData("Thurs", DayOfWeek.Thursday)]
    [InlineData(" mon ", DayOfWeek.Monday)]
    [InlineData("Sunday", DayOfWeek.Sunday)]
    public void Days_accept_names_and_short_forms(string text, DayOfWeek expected)
    {
        Assert.True(SettingsValidation.TryParseDay(text, out var day));
        Assert.Equal(expected, day);
    }

    [Theory]
    [InlineData("Thrusday")]
    [InlineData("T")]
    [InlineData("Th")]
    [InlineData("7")]
    public void Unknown_days_are_refused(string text) => Assert.False(SettingsValidation.TryParseDay(text, out _));

    [Fact]
    public void Bad_days_and_times_are_named()
    {
        var result = SettingsValidation.Validate(ValidInput() with { OpenDay = "Thrusday", RemindTime = "25:00", PublishTime = "4pm" }, [], Leads);
        Assert.Null(result.Settings);
        Assert.Equal(
            [
                new SettingsProblem.NotADay(CycleStep.Open, "Thrusday"),
                new SettingsProblem.NotATime(CycleStep.Remind, "25:00"),
                new SettingsProblem.NotATime(CycleStep.Publish, "4pm"),
            ],
            result.Problems);
    }

    [Fact]
    public void Single_digit_hours_are_fine() =>
        Assert.Equal(new TimeOnly(9, 30), SettingsValidation.Validate(ValidInput() with { OpenTime = "9:30" }, [], Leads).Settings!.Schedule.Open.Time);

    [Fact]
    public void Blank_zone_and_schedule_take_the_defaults()
    {
        var blank = new SquadSettingsInput("Data squad", " ", null, null, "", "", null, null, null, null, "Highlights", true);
        var result = SettingsValidation.Validate(blank, [], Leads);
        Assert.True(result.IsValid, string.Join(" | ", result.Problems));
        Assert.Equal(SquadSettings.DefaultTimeZoneId, result.Settings!.TimeZoneId);
        Assert.Equal(SquadSchedule.Default, result.Settings.Schedule);
        Assert.True(result.Settings.AutoPublish);
    }

    [Fact]
    public void A_blank_line_between_sections_is_a_missing_name() =>
        Assert.Equal(
            [new SettingsProblem.SectionUnnamed(3)],
            SettingsValidation.Validate(ValidInput() with { Sections = "Highlights\r\nDelivery\r\n  \r\nBlockers\r\n\r\n" }, [], Leads).Problems);

    [Fact]
    public void Section_count_title_length_and_duplicates_are_checked()
    {
        Assert.Equal(
            [new SettingsProblem.NoSections()],
            SettingsValidation.Validate(ValidInput() with { Sections = "\n \n" }, [], Leads).Problems);
        Assert.Equal(
            [new SettingsProblem.TooManySections(11, 10)],
            SettingsValidation.Validate(ValidInput() with { Sections = string.Join('\n', Enumerable.Range(1, 11).Select(i => $"S{i}")) }, [], Leads).Problems);
        Assert.Equal(
            [new SettingsProblem.SectionTitleTooLong(2, 61, 60)],
            SettingsValidation.Validate(ValidInput() with { Sections = "Highlights\n" + new string('x', 61) }, [], Leads).Problems);
        Assert.Equal(
            [new SettingsProblem.SectionListedTwice("highlights")],
            SettingsValidation.Validate(ValidInput() with { Sections = "Highlights\nhighlights" }, [], Leads).Problems);
    }

    [Fact]
    public void Name_is_required_and_limited()
    {
        Assert.Equal([new SettingsProblem.NameMissing()], SettingsValidation.Validate(ValidInput() with { Name = "  " }, [], Leads).Problems);
        Assert.Equal(
            [new SettingsProblem.NameTooLong(61, 60)],
            SettingsValidation.Validate(ValidInput() with { Name = new string('n', 61) }, [], Leads).Problems);
    }

    [Fact]
    public void All_errors_are_reported_at_once_and_no_settings_are_returned()
    {
        var input = new SquadSettingsInput("", "Mars/Base", "Thrusday", "10:00", "Friday", "10:00", "Friday", "14:00", "Friday", "13:00", "A\n\nA", false);
        var result = SettingsValidation.Validate(input, [], Leads);

        Assert.False(result.IsValid);
        Assert.Null(result.Settings);
        // Name, zone, day, blank section, duplicate; the order check waits until every day and time parses.
        Assert.Equal(5, result.Problems.Count);
    }

    [Fact]
    public void Titles_matching_existing_sections_keep_their_ids_and_new_ones_get_fresh_ids()
    {
        Section[] existing =
        [
            new("highlights", "Highlights", "What went well this week?"),
            new("team", "Team", "How is the team?"),
            new("old-section", "Old section", "Gone"),
        ];

        var result = SettingsValidation.Validate(ValidInput() with { Sections = "Team\nHIGHLIGHTS\nTeam!\nOld  section\nÉquipe news" }, existing, Leads);

        Assert.True(result.IsValid, string.Join(" | ", result.Problems));
        Assert.Equal(
            [
                new Section("team", "Team", "How is the team?"),
                new Section("highlights", "HIGHLIGHTS", "What went well this week?"),
                new Section("team-2", "Team!", "Anything to share?"), // the slug "team" is taken
                new Section("old-section-2", "Old  section", "Anything to share?"),
                new Section("equipe-news", "Équipe news", "Anything to share?"),
            ],
            result.Settings!.Sections);
    }

    [Fact]
    public void Removed_sections_do_not_lend_their_ids_to_new_titles()
    {
        Section[] existing = [new("blockers", "Blockers", "x"), new("asks", "Asks", "y")];
        var result = SettingsValidation.Validate(ValidInput() with { Sections = "Asks\nblockers!" }, existing, Leads);
        Assert.Equal(["asks", "blockers-2"], result.Settings!.Sections.Select(s => s.Id));
    }

    [Fact]
    public void With_the_cards_section_ids_a_title_typed_over_another_keeps_its_id_through_renames_and_reorders()
    {
        var current = SettingsValidation.Defaults("Data", Leads) with
        {
            Sections = [new("highlights", "Highlights", "x"), new("discovery", "Discovry", "y"), new("asks", "Asks", "z")],
        };
        var card = SettingsValidation.ToInput(current);

        // A typo fixed in place, a section moved to the top, one removed and one added at the end.
        var result = SettingsValidation.Validate(card with { Sections = "Asks\nDiscovery\nHighlights and lowlights\nReading" }, current, Leads);

        Assert.True(result.IsValid, string.Join(" | ", result.Problems));
        Assert.Equal(["asks", "discovery", "highlights-and-lowlights", "reading"], result.Settings!.Sections.Select(s => s.Id));
        Assert.Equal("Discovery", result.Settings.Sections[1].Title);
        Assert.Equal(["highlights"], result.Settings.RetiredSections.Select(s => s.Id));

        // Typing a removed section's title again brings it (and its id) back; a new title never takes a retired id.
        var again = SettingsValidation.Validate(SettingsValidation.ToInput(result.Settings) with { Sections = "Asks\nHighlights\nDiscovery\nReading\nhighlights!" }, result.Settings, Leads);
        Assert.Equal(["asks", "highlights", "discovery", "reading", "highlights-2"], again.Settings!.Sections.Select(s => s.Id));
        Assert.Equal(["highlights-and-lowlights"], again.Settings.RetiredSections.Select(s => s.Id));
    }

    [Fact]
    public void Pasted_list_markers_are_dropped_from_titles() =>
        Assert.Equal(
            ["Highlights", "People we met"],
            SettingsValidation.Validate(ValidInput() with { Sections = "- Highlights\n* People we met" }, [], Leads).Settings!.Sections.Select(s => s.Title));

    [Fact]
    public void Default_sections_follow_the_design()
    {
        Assert.Equal(
            ["Highlights", "Discovery and delivery", "Capability and learning", "People we met", "Recruitment and team", "Reading and links", "Blockers and asks", "Next week"],
            SettingsValidation.DefaultSections.Select(s => s.Title));
        Assert.All(SettingsValidation.DefaultSections, s =>
        {
            Assert.Equal(SettingsValidation.Slug(s.Title), s.Id);
            Assert.False(string.IsNullOrWhiteSpace(s.Placeholder));
        });
        Assert.Contains(SettingsValidation.DefaultSections, s => s.Placeholder == "Who did you meet? What did you learn from them?");
    }

    [Theory]
    [InlineData("Discovery and delivery", "discovery-and-delivery")]
    [InlineData("  Blockers & asks!! ", "blockers-asks")]
    [InlineData("Équipe", "equipe")]
    [InlineData("🎉", "section")]
    public void Slugs_are_lower_case_ascii_with_hyphens(string title, string slug) => Assert.Equal(slug, SettingsValidation.Slug(title));

    [Fact]
    public void Leads_are_carried_over_without_blanks_or_repeats() =>
        Assert.Equal(["a", "b"], SettingsValidation.Validate(ValidInput(), [], ["a", " ", "b", "a"]).Settings!.LeadIds);
}
