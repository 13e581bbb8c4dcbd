using System.Globalization;
using System.Text;

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
    bool AutoPublish,
    /// <summary>
    /// The ids of the sections the card showed, in the order it showed them (null from a card without them): a title
    /// typed over another in the same place is that section renamed, and keeps its id.
    /// </summary>
    IReadOnlyList<string>? SectionIds = null)
{
    /// <summary>The <i>Publish openly</i> toggle.</summary>
    public bool PublishOpenly { get; init; }

    /// <summary>The web address name typed (blank: the default made from the squad name).</summary>
    public string? OpenSlug { get; init; }

    /// <summary>
    /// The ids of the sections ticked "public" among those the card showed (<see cref="SectionIds"/>); null from a card
    /// without the input, which keeps the squad's choices.
    /// </summary>
    public IReadOnlyList<string>? PublicSectionIds { get; init; }

    /// <summary>
    /// The ids of the sections ticked "carry forward" among those the card showed (<see cref="SectionIds"/>); null from
    /// a card without the input, which keeps the squad's choices.
    /// </summary>
    public IReadOnlyList<string>? CarryForwardSectionIds { get; init; }
}

/// <summary>Either valid settings or what is wrong with the card's input; never half of each.</summary>
public sealed record SettingsValidationResult(SquadSettings? Settings, IReadOnlyList<SettingsProblem> Problems)
{
    public bool IsValid => Settings is not null && Problems.Count == 0;
}

/// <summary>
/// One thing wrong with what a lead typed into the setup card, with what a message needs to explain it. The service
/// words it in the lead's language (<c>src/UpdateBot/Localisation/ProblemTexts.cs</c>): the domain holds no text.
/// </summary>
public abstract record SettingsProblem
{
    private SettingsProblem()
    {
    }

    public sealed record NameMissing : SettingsProblem;

    public sealed record NameTooLong(int Length, int Limit) : SettingsProblem;

    /// <summary>Not an IANA zone this machine knows (Windows names are refused too).</summary>
    public sealed record UnknownTimeZone(string Typed) : SettingsProblem;

    public sealed record NotADay(CycleStep Step, string Typed) : SettingsProblem;

    public sealed record NotATime(CycleStep Step, string Typed) : SettingsProblem;

    /// <summary>The reminder is not after the prompt and before the compile.</summary>
    public sealed record ReminderOutOfOrder(WeeklyTime Open, WeeklyTime Remind, WeeklyTime Compile) : SettingsProblem;

    public sealed record PublishBeforeCompile(WeeklyTime Compile, WeeklyTime Publish) : SettingsProblem;

    public sealed record NoSections : SettingsProblem;

    public sealed record TooManySections(int Count, int Limit) : SettingsProblem;

    /// <summary>A blank line between titles; <paramref name="Number"/> counts from 1.</summary>
    public sealed record SectionUnnamed(int Number) : SettingsProblem;

    public sealed record SectionTitleTooLong(int Number, int Length, int Limit) : SettingsProblem;

    /// <summary>The same title twice, in any case: <paramref name="Title"/> is the second as typed.</summary>
    public sealed record SectionListedTwice(string Title) : SettingsProblem;

    /// <summary>A web address name that is not lower-case letters a–z, digits and single hyphens of at most <paramref name="Limit"/>.</summary>
    public sealed record BadOpenSlug(string Typed, int Limit) : SettingsProblem;
}

/// <summary>Parses and checks the setup card, and knows the defaults a new squad starts with.</summary>
public static class SettingsValidation
{
    public const int MaxNameLength = 60;
    public const int MaxSectionTitleLength = 60;

    /// <summary>The longest web address name of a squad's open weeknote (/weeknotes/{slug}/).</summary>
    public const int MaxOpenSlugLength = 60;

    /// <summary>
    /// Parses and checks the input: non-empty name (≤ 60), a known IANA zone, days (Monday…Sunday) and HH:mm times,
    /// open &lt; remind &lt; compile ≤ publish within the week, 1–10 non-empty distinct section titles (≤ 60 each).
    /// Section ids are kept for titles that match <paramref name="existing"/> sections (so renames of others do not
    /// orphan answers); new titles get new ids. Leads are carried over from <paramref name="leadIds"/>.
    /// A blank time zone, day or time takes the default (Europe/London, <see cref="SquadSchedule.Default"/>).
    /// Every problem is reported at once.
    /// </summary>
    public static SettingsValidationResult Validate(SquadSettingsInput input, IReadOnlyList<Section> existing, IReadOnlyList<string> leadIds) =>
        Validate(input, existing, [], null, leadIds);

    /// <summary>
    /// As above, against the squad's <paramref name="current"/> settings: sections the lead removed are kept in
    /// <see cref="SquadSettings.RetiredSections"/> (their answers stay in the week's draft under the old title, and
    /// their ids are never given to a new section); typing a retired title again brings the section back.
    /// </summary>
    public static SettingsValidationResult Validate(SquadSettingsInput input, SquadSettings current, IReadOnlyList<string> leadIds) =>
        Validate(input, current.Sections, current.RetiredSections, current, leadIds);

    private static SettingsValidationResult Validate(SquadSettingsInput input, IReadOnlyList<Section> existing, IReadOnlyList<Section> retired, SquadSettings? current, IReadOnlyList<string> leadIds)
    {
        var errors = new List<SettingsProblem>();

        var name = (input.Name ?? string.Empty).Trim();
        if (name.Length == 0)
        {
            errors.Add(new SettingsProblem.NameMissing());
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(new SettingsProblem.NameTooLong(name.Length, MaxNameLength));
        }

        var timeZoneId = string.IsNullOrWhiteSpace(input.TimeZoneId) ? SquadSettings.DefaultTimeZoneId : input.TimeZoneId.Trim();
        if (!TryFindTimeZone(timeZoneId, out var zone))
        {
            errors.Add(new SettingsProblem.UnknownTimeZone(timeZoneId));
        }

        var schedule = ParseSchedule(input, errors);
        existing ??= [];
        var sections = ParseSections(input.Sections, existing, retired, input.SectionIds, errors);
        var slug = ParseOpenSlug(input.OpenSlug, errors);

        if (errors.Count > 0 || zone is null || schedule is null || sections is null)
        {
            return new SettingsValidationResult(null, errors);
        }

        var leads = (leadIds ?? []).Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal).ToList();
        var stillRetired = existing.Concat(retired)
            .Where(old => sections.TrueForAll(s => s.Id != old.Id))
            .DistinctBy(s => s.Id, StringComparer.Ordinal)
            .Take(SquadSettings.MaxRetiredSections)
            .ToList();
        var settings = new SquadSettings(name, zone.Id, schedule, sections, leads, input.AutoPublish)
        {
            RetiredSections = stillRetired,
            PublishOpenly = input.PublishOpenly,
            OpenSlug = slug,
            TeamOnlySectionIds = TeamOnlySections(input, current),
            CarryForwardSectionIds = CarryForwardSections(input, current, sections),
            Glossary = current?.Glossary ?? new Dictionary<string, string>(StringComparer.Ordinal),
        };
        return new SettingsValidationResult(settings, []);
    }

    /// <summary>
    /// The sections kept for the team: those the card showed and the lead left unticked; the squad's earlier choice for
    /// sections the card did not show (retired ones, or a card without the input); a new section is public, as every
    /// section is by default except <i>Blockers and asks</i>.
    /// </summary>
    private static HashSet<string> TeamOnlySections(SquadSettingsInput input, SquadSettings? current)
    {
        var before = current?.TeamOnlySectionIds ?? SquadSettings.DefaultTeamOnlySectionIds;
        if (input.PublicSectionIds is not { } ticked || input.SectionIds is not { } shown)
        {
            return new HashSet<string>(before, StringComparer.Ordinal);
        }

        var teamOnly = new HashSet<string>(before.Where(id => !shown.Contains(id)), StringComparer.Ordinal);
        teamOnly.UnionWith(shown.Where(id => !ticked.Contains(id, StringComparer.Ordinal)));
        return teamOnly;
    }

    /// <summary>
    /// The sections that carry forward: those the card showed and the lead ticked; the squad's earlier choice for
    /// sections the card did not show (or all of them, from a card without the input); a section new to the squad
    /// carries forward when it is one of the defaults ("Next week", <i>Blockers and asks</i>).
    /// </summary>
    private static HashSet<string> CarryForwardSections(SquadSettingsInput input, SquadSettings? current, List<Section> sections)
    {
        var before = current?.CarryForwardSectionIds ?? Continuity.DefaultCarryForwardSectionIds;
        var known = new HashSet<string>((current?.AllSections ?? []).Select(s => s.Id), StringComparer.Ordinal);
        var shown = input.SectionIds ?? [];
        var carried = new HashSet<string>(before.Where(id => input.CarryForwardSectionIds is null || !shown.Contains(id)), StringComparer.Ordinal);
        if (input.CarryForwardSectionIds is { } ticked)
        {
            carried.UnionWith(shown.Where(id => ticked.Contains(id, StringComparer.Ordinal)));
        }

        carried.UnionWith(sections.Select(s => s.Id).Where(id => !known.Contains(id) && !shown.Contains(id) && Continuity.DefaultCarryForwardSectionIds.Contains(id)));
        return carried;
    }

    /// <summary>
    /// The web address name of a squad's open weeknote: lower-case letters a–z, digits and single hyphens, at most
    /// <see cref="MaxOpenSlugLength"/> characters. Blank is fine (null: the default made from the squad name);
    /// capitals and spaces are turned into the lower case and hyphens the lead meant.
    /// </summary>
    private static string? ParseOpenSlug(string? typed, List<SettingsProblem> errors)
    {
        var slug = (typed ?? "").Trim().ToLowerInvariant().Replace(' ', '-');
        if (slug.Length == 0)
        {
            return null;
        }

        if (!IsOpenSlug(slug))
        {
            errors.Add(new SettingsProblem.BadOpenSlug(typed!.Trim(), MaxOpenSlugLength));
            return null;
        }

        return slug;
    }

    /// <summary>Whether a text is a well-formed slug (the pages use this to refuse anything else before storage).</summary>
    public static bool IsOpenSlug(string? slug) =>
        slug is { Length: > 0 and <= MaxOpenSlugLength }
        && slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && slug[0] != '-' && slug[^1] != '-' && !slug.Contains("--", StringComparison.Ordinal);

    /// <summary>The default web address name: the squad name in lower case with hyphens ("Mental Health Discovery" → mental-health-discovery).</summary>
    public static string DefaultOpenSlug(string squadName) => Slug(squadName, MaxOpenSlugLength, "squad");

    /// <summary>The default sections, from public-sector weeknotes practice, with friendly placeholders.</summary>
    public static IReadOnlyList<Section> DefaultSections { get; } =
    [
        new("highlights", "Highlights", "What went well this week?"),
        new("discovery-and-delivery", "Discovery and delivery", "What did you find out, build or ship?"),
        new("capability-and-learning", "Capability and learning", "What did you learn, or help someone else learn?"),
        new("people-we-met", "People we met", "Who did you meet? What did you learn from them?"),
        new("recruitment-and-team", "Recruitment and team", "Anyone joining, leaving or being hired? How is the team?"),
        new("reading-and-links", "Reading and links", "Anything you read, watched or listened to — links welcome"),
        new("blockers-and-asks", "Blockers and asks", "Anything in your way, or anything you need from others?"),

        // Last: existing squads keep their stored sections, and the ids before it keep their places.
        new(Continuity.NextWeekSectionId, "Next week", "What do you plan to do next week?"),
    ];

    /// <summary>Settings for a new squad: default zone, schedule and sections; review by a lead, no auto-publish.</summary>
    public static SquadSettings Defaults(string name, IReadOnlyList<string> leadIds) =>
        new(name, SquadSettings.DefaultTimeZoneId, SquadSchedule.Default, DefaultSections, leadIds, AutoPublish: false);

    /// <summary>The settings as the setup card shows them (so a lead edits what is there, and it validates back unchanged).</summary>
    public static SquadSettingsInput ToInput(SquadSettings settings) => new(
        settings.Name,
        settings.TimeZoneId,
        settings.Schedule.Open.Day.ToString(), FormatTime(settings.Schedule.Open.Time),
        settings.Schedule.Remind.Day.ToString(), FormatTime(settings.Schedule.Remind.Time),
        settings.Schedule.Compile.Day.ToString(), FormatTime(settings.Schedule.Compile.Time),
        settings.Schedule.Publish.Day.ToString(), FormatTime(settings.Schedule.Publish.Time),
        string.Join('\n', settings.Sections.Select(s => s.Title)),
        settings.AutoPublish,
        settings.Sections.Select(s => s.Id).ToList())
    {
        PublishOpenly = settings.PublishOpenly,
        OpenSlug = settings.EffectiveOpenSlug,
        PublicSectionIds = settings.Sections.Where(s => settings.IsSectionPublic(s.Id)).Select(s => s.Id).ToList(),
        CarryForwardSectionIds = settings.Sections.Where(s => settings.CarriesForward(s.Id)).Select(s => s.Id).ToList(),
    };

    /// <summary>
    /// Finds a zone by IANA name (also matching case-insensitively, returning the canonical zone). Windows names are
    /// refused so stored settings stay portable.
    /// </summary>
    public static bool TryFindTimeZone(string? timeZoneId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(timeZoneId))
        {
            return false;
        }

        var id = timeZoneId.Trim();
        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) && found.HasIanaId)
        {
            zone = found;
            return true;
        }

        // Linux zone files are case-sensitive; a lead typing "europe/london" still means Europe/London.
        zone = TimeZoneInfo.GetSystemTimeZones()
            .FirstOrDefault(z => z.HasIanaId && string.Equals(z.Id, id, StringComparison.OrdinalIgnoreCase));
        return zone is not null;
    }

    /// <summary>Parses Monday…Sunday, case-insensitively, also as Mon…Sun (and Tues, Thurs).</summary>
    public static bool TryParseDay(string? text, out DayOfWeek day)
    {
        day = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        foreach (var candidate in Enum.GetValues<DayOfWeek>())
        {
            var full = candidate.ToString();
            if (string.Equals(trimmed, full, StringComparison.OrdinalIgnoreCase)
                || string.Equals(trimmed, full[..3], StringComparison.OrdinalIgnoreCase))
            {
                day = candidate;
                return true;
            }
        }

        (day, var matched) = trimmed.ToUpperInvariant() switch
        {
            "TUES" => (DayOfWeek.Tuesday, true),
            "WEDS" => (DayOfWeek.Wednesday, true),
            "THUR" or "THURS" => (DayOfWeek.Thursday, true),
            _ => (default, false),
        };
        return matched;
    }

    /// <summary>Parses a 24-hour HH:mm time (a single-digit hour such as 9:30 is fine).</summary>
    public static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    /// <summary>A stable id for a section title: lower-case ASCII letters and digits joined by hyphens.</summary>
    public static string Slug(string title) => Slug(title, 40, "section");

    private static string Slug(string title, int maxLength, string fallback)
    {
        var builder = new StringBuilder();
        var pendingHyphen = false;
        foreach (var c in title.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue; // é → e
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingHyphen && builder.Length > 0)
                {
                    builder.Append('-');
                }

                builder.Append(char.ToLowerInvariant(c));
                pendingHyphen = false;
            }
            else
            {
                pendingHyphen = true;
            }
        }

        var slug = builder.Length > maxLength ? builder.ToString(0, maxLength).TrimEnd('-') : builder.ToString();
        return slug.Length == 0 ? fallback : slug;
    }

    private static SquadSchedule? ParseSchedule(SquadSettingsInput input, List<SettingsProblem> errors)
    {
        var defaults = SquadSchedule.Default;
        var open = ParseWeeklyTime(CycleStep.Open, input.OpenDay, input.OpenTime, defaults.Open, errors);
        var remind = ParseWeeklyTime(CycleStep.Remind, input.RemindDay, input.RemindTime, defaults.Remind, errors);
        var compile = ParseWeeklyTime(CycleStep.Compile, input.CompileDay, input.CompileTime, defaults.Compile, errors);
        var publish = ParseWeeklyTime(CycleStep.Publish, input.PublishDay, input.PublishTime, defaults.Publish, errors);
        if (open is null || remind is null || compile is null || publish is null)
        {
            return null;
        }

        var ordered = true;
        if (!(MinuteOfWeek(open) < MinuteOfWeek(remind) && MinuteOfWeek(remind) < MinuteOfWeek(compile)))
        {
            errors.Add(new SettingsProblem.ReminderOutOfOrder(open, remind, compile));
            ordered = false;
        }

        if (MinuteOfWeek(publish) < MinuteOfWeek(compile))
        {
            errors.Add(new SettingsProblem.PublishBeforeCompile(compile, publish));
            ordered = false;
        }

        return ordered ? new SquadSchedule(open, remind, compile, publish) : null;
    }

    private static WeeklyTime? ParseWeeklyTime(CycleStep step, string? dayText, string? timeText, WeeklyTime fallback, List<SettingsProblem> errors)
    {
        var day = fallback.Day;
        var time = fallback.Time;
        var ok = true;

        if (!string.IsNullOrWhiteSpace(dayText) && !TryParseDay(dayText, out day))
        {
            errors.Add(new SettingsProblem.NotADay(step, dayText.Trim()));
            ok = false;
        }

        if (!string.IsNullOrWhiteSpace(timeText) && !TryParseTime(timeText, out time))
        {
            errors.Add(new SettingsProblem.NotATime(step, timeText.Trim()));
            ok = false;
        }

        return ok ? new WeeklyTime(day, time) : null;
    }

    /// <summary>Minutes since Monday 00:00: the week runs Monday to Sunday, so Sunday is last.</summary>
    private static int MinuteOfWeek(WeeklyTime at) =>
        (((int)at.Day + 6) % 7 * 24 * 60) + (at.Time.Hour * 60) + at.Time.Minute;

    private static string FormatTime(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static List<Section>? ParseSections(string? text, IReadOnlyList<Section> existing, IReadOnlyList<Section> retired, IReadOnlyList<string>? cardIds, List<SettingsProblem> errors)
    {
        var lines = (text ?? string.Empty).ReplaceLineEndings("\n").Split('\n').Select(CleanTitle).ToList();

        // Blank lines at either end are just how text boxes end up; blank lines in between are missing names.
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        var errorCount = errors.Count;
        if (lines.Count == 0)
        {
            errors.Add(new SettingsProblem.NoSections());
        }
        else if (lines.Count > SquadSettings.MaxSections)
        {
            errors.Add(new SettingsProblem.TooManySections(lines.Count, SquadSettings.MaxSections));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length == 0)
            {
                errors.Add(new SettingsProblem.SectionUnnamed(i + 1));
            }
            else if (lines[i].Length > MaxSectionTitleLength)
            {
                errors.Add(new SettingsProblem.SectionTitleTooLong(i + 1, lines[i].Length, MaxSectionTitleLength));
            }
            else if (!seen.Add(lines[i]))
            {
                errors.Add(new SettingsProblem.SectionListedTwice(lines[i]));
            }
        }

        return errors.Count > errorCount ? null : AssignIds(lines, existing, retired, cardIds);
    }

    /// <summary>Trims a typed title and drops a list marker ("- ", "* ", "• ") pasted along with it.</summary>
    private static string CleanTitle(string line)
    {
        var title = AnswerText.Clean(line);
        if (title.Length >= 1 && title[0] is '-' or '*' or '•')
        {
            title = title[1..].Trim();
        }

        return title;
    }

    /// <summary>
    /// Gives each title its section id: the id of the current (or retired) section of the same title; else, when the
    /// card said which section stood on this line, that section's id (a rename keeps the id, and so its answers);
    /// else a new id. Ids of current and retired sections stay taken, so a new section never inherits old answers.
    /// </summary>
    private static List<Section> AssignIds(List<string> titles, IReadOnlyList<Section> existing, IReadOnlyList<Section> retired, IReadOnlyList<string>? cardIds)
    {
        var taken = new HashSet<string>(existing.Concat(retired).Select(s => s.Id), StringComparer.Ordinal);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var sections = new Section?[titles.Count];

        for (var i = 0; i < titles.Count; i++)
        {
            var kept = existing.Concat(retired).FirstOrDefault(s => !claimed.Contains(s.Id) && string.Equals(s.Title.Trim(), titles[i], StringComparison.OrdinalIgnoreCase));
            if (kept is not null)
            {
                claimed.Add(kept.Id);
                sections[i] = kept with { Title = titles[i] };
            }
        }

        // Ids the card carried are only trusted for sections the squad has now.
        var shown = cardIds?.Select(id => existing.FirstOrDefault(s => s.Id == id)).ToList() ?? [];
        for (var i = 0; i < titles.Count && i < shown.Count; i++)
        {
            if (sections[i] is null && shown[i] is { } renamed && claimed.Add(renamed.Id))
            {
                sections[i] = renamed with { Title = titles[i] };
            }
        }

        var result = new List<Section>(titles.Count);
        for (var i = 0; i < titles.Count; i++)
        {
            if (sections[i] is { } section)
            {
                result.Add(section);
                continue;
            }

            var title = titles[i];
            var baseId = Slug(title);
            var id = baseId;
            for (var n = 2; !taken.Add(id) || claimed.Contains(id); n++)
            {
                id = string.Create(CultureInfo.InvariantCulture, $"{baseId}-{n}");
            }

            var placeholder = DefaultSections.FirstOrDefault(s => string.Equals(s.Title, title, StringComparison.OrdinalIgnoreCase))?.Placeholder
                ?? "Anything to share?";
            result.Add(new Section(id, title, placeholder));
        }

        return result;
    }
}
