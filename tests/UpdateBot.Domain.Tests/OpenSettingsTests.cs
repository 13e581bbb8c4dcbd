using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

/// <summary>The open weeknote's settings on the setup card: Publish openly, the web address name, public sections.</summary>
public class OpenSettingsTests
{
    private static readonly string[] Leads = ["lead"];

    private static SettingsValidationResult Save(SquadSettingsInput input, SquadSettings current) => SettingsValidation.Validate(input, current, Leads);

    [Fact]
    public void The_default_slug_is_the_squad_name_in_lower_case_with_hyphens()
    {
        Assert.Equal("mental-health-discovery", SettingsValidation.DefaultOpenSlug("Mental Health Discovery"));
        Assert.Equal("tim-cymru", SettingsValidation.DefaultOpenSlug("Tîm  Cymru!"));
        Assert.Equal("squad", SettingsValidation.DefaultOpenSlug("فريق"));
        Assert.Equal("mental-health-discovery", SettingsValidation.Defaults("Mental Health Discovery", Leads).EffectiveOpenSlug);
    }

    [Fact]
    public void The_card_round_trips_publish_openly_the_slug_and_the_public_sections()
    {
        var current = SettingsValidation.Defaults("Data", Leads) with { PublishOpenly = true, OpenSlug = "data-team" };

        var saved = Save(SettingsValidation.ToInput(current), current);

        Assert.True(saved.IsValid, string.Join(" | ", saved.Problems));
        Assert.True(saved.Settings!.PublishOpenly);
        Assert.Equal("data-team", saved.Settings.EffectiveOpenSlug);
        Assert.Equal(["blockers-and-asks"], saved.Settings.TeamOnlySectionIds);
    }

    [Theory]
    [InlineData("Data Team", "data-team")]
    [InlineData("  ", null)]
    public void A_typed_slug_is_read_as_the_lead_meant_it(string typed, string? expected)
    {
        var current = SettingsValidation.Defaults("Data", Leads);

        var saved = Save(SettingsValidation.ToInput(current) with { OpenSlug = typed }, current);

        Assert.True(saved.IsValid, string.Join(" | ", saved.Problems));
        Assert.Equal(expected, saved.Settings!.OpenSlug);
        Assert.Equal(expected ?? "data", saved.Settings.EffectiveOpenSlug);
    }

    [Theory]
    [InlineData("data/../x")]
    [InlineData("-data")]
    [InlineData("da--ta")]
    [InlineData("<script>")]
    [InlineData("dätä")]
    public void A_slug_that_is_not_a_clean_address_is_refused_with_a_clear_message(string typed)
    {
        var current = SettingsValidation.Defaults("Data", Leads);

        var saved = Save(SettingsValidation.ToInput(current) with { OpenSlug = typed }, current);

        Assert.False(saved.IsValid);
        Assert.Equal([new SettingsProblem.BadOpenSlug(typed.Trim(), SettingsValidation.MaxOpenSlugLength)], saved.Problems);
        Assert.False(SettingsValidation.IsOpenSlug(typed));
    }

    [Fact]
    public void Unticked_sections_become_team_only_and_new_sections_are_public()
    {
        var current = SettingsValidation.Defaults("Data", Leads);
        var card = SettingsValidation.ToInput(current);
        var ticked = current.Sections.Select(s => s.Id).Where(id => id is not "reading-and-links").ToList();

        var saved = Save(card with { Sections = card.Sections + "\nOpen data", PublicSectionIds = ticked }, current);

        Assert.True(saved.IsValid, string.Join(" | ", saved.Problems));
        Assert.Equal(["reading-and-links"], saved.Settings!.TeamOnlySectionIds);
        Assert.True(saved.Settings.IsSectionPublic("open-data"));
    }

    [Fact]
    public void A_card_without_the_public_sections_keeps_the_squads_choice()
    {
        var current = SettingsValidation.Defaults("Data", Leads) with { TeamOnlySectionIds = new HashSet<string> { "highlights" } };

        var saved = Save(SettingsValidation.ToInput(current) with { PublicSectionIds = null }, current);

        Assert.Equal(["highlights"], saved.Settings!.TeamOnlySectionIds);
    }
}
