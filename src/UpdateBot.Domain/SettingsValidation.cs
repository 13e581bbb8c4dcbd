namespace UpdateBot.Domain;

/// <summary>What a lead typed into the setup card, unparsed.</summary>
public sealed record SquadSettingsInput(
    string? Name,
    string? TimeZoneId,
    string? OpenDay, string? OpenTime,
    string? RemindDay, string? RemindTime,
    string? CompileDay, string? CompileTime,
    string? PublishDay, string? PublishTime,
    /// <summary>One section title per line, in order.</summary>
    string? Sections,
    bool AutoPublish);

/// <summary>Either valid settings or the messages to show on the card; never half of each.</summary>
public sealed record SettingsValidationResult(SquadSettings? Settings, IReadOnlyList<string> Errors)
{
    public bool IsValid => Settings is not null && Errors.Count == 0;
}

/// <summary>STUBS.</summary>
public static class SettingsValidation
{
    public const int MaxNameLength = 60;
    public const int MaxSectionTitleLength = 60;

    /// <summary>
    /// Parses and checks the input: non-empty name (≤ 60), a known IANA zone, days (Monday…Sunday) and HH:mm times,
    /// open &lt; remind &lt; compile ≤ publish within the week, 1–10 non-empty distinct section titles (≤ 60 each).
    /// Section ids are kept for titles that match <paramref name="existing"/> sections (so renames of others do not
    /// orphan answers); new titles get new ids. Leads are carried over from <paramref name="leadIds"/>.
    /// </summary>
    public static SettingsValidationResult Validate(SquadSettingsInput input, IReadOnlyList<Section> existing, IReadOnlyList<string> leadIds) => throw new NotImplementedException();

    /// <summary>The default sections of design.md, with friendly placeholders.</summary>
    public static IReadOnlyList<Section> DefaultSections { get; } = [];
}
