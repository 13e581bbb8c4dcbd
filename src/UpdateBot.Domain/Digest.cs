namespace UpdateBot.Domain;

/// <summary>One contribution as it appears in a digest. <see cref="ItemId"/> = memberId + "/" + sectionId.</summary>
public sealed record DigestItem(string ItemId, string AuthorName, string Text, bool Hidden);

public sealed record DigestSection(string SectionId, string Title, IReadOnlyList<DigestItem> Items);

/// <summary>Counts for the participation line.</summary>
public sealed record Participation(int Rostered, int Contributed, int Quiet, int Away, int Unreachable);

/// <summary>A compiled edition of the weeknote.</summary>
public sealed record Digest(
    string SquadName,
    IsoWeek Week,
    int Edition,
    string Title,
    string DateRange,
    string ParticipationLine,
    string? Intro,
    IReadOnlyList<DigestSection> Sections,
    Participation Participation)
{
    /// <summary>Sections with at least one visible item, in order, with hidden items removed.</summary>
    public IReadOnlyList<DigestSection> VisibleSections =>
        Sections.Select(s => s with { Items = s.Items.Where(i => !i.Hidden).ToList() }).Where(s => s.Items.Count > 0).ToList();
}

/// <summary>The lead's review edits, kept apart from the answers (which stay as members wrote them).</summary>
public sealed record DigestEdits(
    string? Intro,
    IReadOnlySet<string> HiddenItemIds,
    IReadOnlyDictionary<string, string> EditedTexts,
    IReadOnlyList<string>? SectionOrder)
{
    public static DigestEdits None { get; } = new(null, new HashSet<string>(), new Dictionary<string, string>(), null);
}

/// <summary>STUBS.</summary>
public static class DigestComposer
{
    /// <summary>
    /// One block per section in the squad's order (or <see cref="DigestEdits.SectionOrder"/>), items attributed by name,
    /// sorted by author name; empty sections left out; only Answered entries contribute; edits applied.
    /// Title "&lt;squad&gt; weeknotes — Update N"; date range of the working week ("17–21 Nov 2026", "29 Dec 2025 – 2 Jan 2026");
    /// participation "7 of 9 contributed; 1 quiet; 1 away; 1 unreachable" (zero parts left out).
    /// </summary>
    public static Digest Compose(SquadSettings settings, IsoWeek week, int edition, IReadOnlyList<Entry> entries, Participation participation, DigestEdits edits) => throw new NotImplementedException();

    public static string FormatDateRange(IsoWeek week) => throw new NotImplementedException();

    public static string FormatParticipation(Participation participation) => throw new NotImplementedException();
}

/// <summary>The same edition as a Markdown weeknote for open publishing. STUB.</summary>
public static class WeeknoteMarkdown
{
    /// <summary>
    /// "# title", date range and participation, intro, "## section" per visible section, "- text — Name" bullets
    /// (multi-line answers indented under the bullet), links kept, and a closing "find out more" line.
    /// </summary>
    public static string Render(Digest digest, string? findOutMoreUrl = null) => throw new NotImplementedException();
}
