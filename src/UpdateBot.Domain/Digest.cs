using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace UpdateBot.Domain;

/// <summary>One contribution as it appears in a digest. <see cref="ItemId"/> = memberId + "/" + sectionId.</summary>
/// <param name="AnswerBasis">The <see cref="TextFingerprint"/> of the member's own answer, which a lead's edit records.</param>
/// <param name="ChangedByAuthor">A lead edited this item, then its author changed their answer: the author's words are shown.</param>
public sealed record DigestItem(string ItemId, string AuthorName, string Text, bool Hidden, string AnswerBasis = "", bool ChangedByAuthor = false)
{
    /// <summary>The author's member id ("" on items not made by <see cref="DigestComposer"/>).</summary>
    public string MemberId { get; init; } = "";

    /// <summary>The author kept this week's answers for the team (<see cref="Entry.TeamOnly"/>).</summary>
    public bool TeamOnly { get; init; }

    /// <summary>A lead withheld the item from the open edition (it stays in the channel post).</summary>
    public bool Withheld { get; init; }

    /// <summary>The blockers in this item with their age (<see cref="Continuity.Age"/>); empty outside <i>Blockers and asks</i>.</summary>
    public IReadOnlyList<TrackedBlocker> Blockers { get; init; } = [];
}

/// <summary>A short, stable fingerprint of a text: what a card or an edit records about the text it was based on.</summary>
public static class TextFingerprint
{
    public static string Of(string? text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text ?? "")))[..12];
}

/// <summary>
/// A lead's edit of one item: the text to show instead of the member's answer, while that answer is still the one it
/// was made against (<paramref name="AnswerBasis"/>, null for edits stored before the basis was recorded). A later
/// answer by the author wins: the member's latest words are what the channel shows.
/// </summary>
public sealed record LeadEdit(string Text, string? AnswerBasis, string? EditedBy = null, DateTimeOffset? EditedAt = null)
{
    public bool AppliesTo(string answer) => AnswerBasis is null || AnswerBasis == TextFingerprint.Of(answer);
}

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
    IReadOnlyDictionary<string, LeadEdit> ItemEdits,
    IReadOnlyList<string>? SectionOrder)
{
    public static DigestEdits None { get; } = new(null, new HashSet<string>(), new Dictionary<string, LeadEdit>(), null);

    /// <summary>Items a lead withheld from the open edition (they stay in the channel post).</summary>
    public IReadOnlySet<string> WithheldItemIds { get; init; } = new HashSet<string>();
}

/// <summary>Compiles a squad-week's answers into one team story per section.</summary>
public static class DigestComposer
{
    private static readonly string[] MonthAbbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>
    /// One block per section in the squad's order (or <see cref="DigestEdits.SectionOrder"/>: unknown ids ignored,
    /// sections it leaves out appended in squad order), items attributed by name, sorted by author name then member id;
    /// sections with no items left out; only Answered entries with a non-blank answer contribute (the latest entry if a
    /// member appears twice); edits applied (hidden flag, edited text) and all text cleaned with <see cref="AnswerText.Clean"/>.
    /// Title "&lt;squad&gt; weeknotes — Update N"; date range of the working week ("17–21 Nov 2026", "29 Dec 2025 – 2 Jan 2026");
    /// participation "7 of 9 contributed; 1 quiet; 1 away; 1 unreachable" (zero parts left out).
    /// </summary>
    public static Digest Compose(SquadSettings settings, IsoWeek week, int edition, IReadOnlyList<Entry> entries, Participation participation, DigestEdits edits)
    {
        edits ??= DigestEdits.None;

        var answered = entries
            .Where(e => e.Status == EntryStatus.Answered)
            .GroupBy(e => e.MemberId, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(e => e.UpdatedAt).First())
            .ToList();

        var sections = new List<DigestSection>();
        // Retired sections come last: a section removed mid-week keeps that week's answers under its old title.
        foreach (var section in OrderSections(settings.AllSections.ToList(), edits.SectionOrder))
        {
            var items = new List<(DigestItem Item, string MemberId)>();
            foreach (var entry in answered)
            {
                if (!entry.Answers.TryGetValue(section.Id, out var answer) || string.IsNullOrWhiteSpace(answer))
                {
                    continue;
                }

                var itemId = ItemId(entry.MemberId, section.Id);
                var edit = edits.ItemEdits.GetValueOrDefault(itemId);
                var text = AnswerText.Clean(edit is not null && edit.AppliesTo(answer) ? edit.Text : answer);
                var author = string.IsNullOrWhiteSpace(entry.MemberName) ? "A squad member" : AnswerText.Clean(entry.MemberName);
                var item = new DigestItem(itemId, author, text, edits.HiddenItemIds.Contains(itemId), TextFingerprint.Of(answer), ChangedByAuthor: edit is not null && !edit.AppliesTo(answer))
                {
                    MemberId = entry.MemberId,
                    TeamOnly = entry.TeamOnly,
                    Withheld = edits.WithheldItemIds.Contains(itemId),
                };
                items.Add((item, entry.MemberId));
            }

            if (items.Count > 0)
            {
                var sorted = items
                    .OrderBy(i => i.Item.AuthorName, StringComparer.InvariantCultureIgnoreCase)
                    .ThenBy(i => i.Item.AuthorName, StringComparer.Ordinal)
                    .ThenBy(i => i.MemberId, StringComparer.Ordinal)
                    .Select(i => i.Item)
                    .ToList();
                sections.Add(new DigestSection(section.Id, section.Title, sorted));
            }
        }

        var intro = string.IsNullOrWhiteSpace(edits.Intro) ? null : AnswerText.Clean(edits.Intro);
        return new Digest(
            settings.Name,
            week,
            edition,
            FormatTitle(settings.Name, edition),
            FormatDateRange(week),
            FormatParticipation(participation),
            intro,
            sections,
            participation);
    }

    /// <summary>The id of one member's contribution to one section, as used by <see cref="DigestEdits"/>.</summary>
    public static string ItemId(string memberId, string sectionId) => memberId + "/" + sectionId;

    /// <summary>"&lt;squad&gt; weeknotes — Update N".</summary>
    public static string FormatTitle(string squadName, int edition) =>
        string.Create(CultureInfo.InvariantCulture, $"{squadName} weeknotes — Update {edition}");

    /// <summary>
    /// Monday to Friday of the week: "17–21 Nov 2026" within a month, "29 Sep – 3 Oct 2025" across months,
    /// "29 Dec 2025 – 2 Jan 2026" across years.
    /// </summary>
    public static string FormatDateRange(IsoWeek week) => FormatDateRange(week, MonthAbbreviations);

    /// <summary>The same, with the twelve month abbreviations of another language ("17–21 Tach 2026").</summary>
    public static string FormatDateRange(IsoWeek week, IReadOnlyList<string> monthAbbreviations)
    {
        var monday = week.Monday;
        var friday = monday.AddDays(4);
        string Day(DateOnly d) => d.Day.ToString(CultureInfo.InvariantCulture);
        string Month(DateOnly d) => monthAbbreviations[d.Month - 1];
        string Year(DateOnly d) => d.Year.ToString(CultureInfo.InvariantCulture);

        if (monday.Year != friday.Year)
        {
            return $"{Day(monday)} {Month(monday)} {Year(monday)} – {Day(friday)} {Month(friday)} {Year(friday)}";
        }

        return monday.Month != friday.Month
            ? $"{Day(monday)} {Month(monday)} – {Day(friday)} {Month(friday)} {Year(friday)}"
            : $"{Day(monday)}–{Day(friday)} {Month(friday)} {Year(friday)}";
    }

    /// <summary>"7 of 9 contributed; 1 quiet; 1 away; 1 unreachable", leaving out parts that are zero.</summary>
    public static string FormatParticipation(Participation participation)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{participation.Contributed} of {participation.Rostered} contributed");
        if (participation.Quiet > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"; {participation.Quiet} quiet");
        }

        if (participation.Away > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"; {participation.Away} away");
        }

        if (participation.Unreachable > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"; {participation.Unreachable} unreachable");
        }

        return line.ToString();
    }

    private static IEnumerable<Section> OrderSections(IReadOnlyList<Section> squadSections, IReadOnlyList<string>? order)
    {
        if (order is null)
        {
            return squadSections;
        }

        var byId = squadSections.DistinctBy(s => s.Id, StringComparer.Ordinal).ToDictionary(s => s.Id, StringComparer.Ordinal);
        var ordered = order.Distinct(StringComparer.Ordinal).Where(byId.ContainsKey).Select(id => byId[id]).ToList();
        return ordered.Concat(squadSections.Where(s => !ordered.Contains(s)));
    }
}

/// <summary>The same edition as a Markdown weeknote for open publishing.</summary>
public static class WeeknoteMarkdown
{
    /// <summary>
    /// "# title", "_date range · participation_", intro, "## section" per visible section, "- text — Name" bullets
    /// (the name after the first line; further lines indented under the bullet, so "- " lines become nested bullets;
    /// an answer that starts with a list becomes "- Name:" with the whole list nested under it),
    /// links and lists kept as written, other member Markdown made literal by <see cref="MemberMarkdown.Neutralise"/>, names and titles escaped, and a closing "Find out more: url" line
    /// (or a "Written by … with UpdateBot" line without a URL). Lines end in "\n"; the same digest renders the same.
    /// </summary>
    public static string Render(Digest digest, string? findOutMoreUrl = null)
    {
        var lines = new List<string>
        {
            "# " + Escape(digest.Title),
            string.Empty,
            $"_{digest.DateRange} · {digest.ParticipationLine}_",
        };

        if (!string.IsNullOrWhiteSpace(digest.Intro))
        {
            lines.Add(string.Empty);
            lines.AddRange(AnswerText.Clean(digest.Intro).Split('\n'));
        }

        var sections = digest.VisibleSections;
        if (sections.Count == 0)
        {
            lines.Add(string.Empty);
            lines.Add("_Nothing to share this week._");
        }

        foreach (var section in sections)
        {
            lines.Add(string.Empty);
            lines.Add("## " + Escape(section.Title));
            lines.Add(string.Empty);
            foreach (var item in section.Items)
            {
                lines.AddRange(Bullet(item));
            }
        }

        lines.Add(string.Empty);
        lines.Add(string.IsNullOrWhiteSpace(findOutMoreUrl)
            ? $"_Written by the {Escape(digest.SquadName)} squad with UpdateBot._"
            : $"Find out more: {findOutMoreUrl.Trim()}");

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>What stands in a stored weeknote where a member's words were erased at their request.</summary>
    public const string RemovedBullet = "- _Removed at the author's request._";

    /// <summary>
    /// The weeknote with each of <paramref name="items"/> replaced by <see cref="RemovedBullet"/> (name and words): the
    /// exact lines <see cref="Render"/> wrote for the item are found and replaced, so nothing else changes. An item
    /// that is not in the weeknote (hidden, or never published) changes nothing.
    /// </summary>
    public static string RemoveItems(string markdown, IEnumerable<DigestItem> items)
    {
        foreach (var item in items)
        {
            var block = "\n" + string.Join('\n', Bullet(item)) + "\n";
            markdown = markdown.Replace(block, "\n" + RemovedBullet + "\n", StringComparison.Ordinal);
        }

        return markdown;
    }

    /// <summary>Backslash-escapes the characters that would make a name emphasis, code, a link, HTML or a table.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '~' or '&' or '#')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static IEnumerable<string> Bullet(DigestItem item) => Bullet(item.AuthorName, item.Text);

    /// <summary>One attributed item's Markdown lines: what both the team's weeknote and the open (public) one write.</summary>
    internal static IEnumerable<string> Bullet(string authorName, string text)
    {
        // The same rule as the channel card, so the open weeknote cannot put words in someone else's mouth either.
        var textLines = MemberMarkdown.Neutralise(text).Split('\n');
        // A name is one line whatever it holds: a line break in it would end the bullet.
        var author = Escape(AnswerText.Clean(authorName).Replace('\n', ' ').Replace('\t', ' '));

        // An answer that is itself a list: keep every point, nested under the author's name.
        var startsWithList = textLines[0].StartsWith("- ", StringComparison.Ordinal) || textLines[0].StartsWith("* ", StringComparison.Ordinal);
        yield return startsWithList ? $"- {author}:" : $"- {textLines[0]} — {author}";

        foreach (var line in startsWithList ? textLines : textLines.Skip(1))
        {
            // Blank lines stay blank (a loose list item); everything else is indented to stay inside the bullet.
            yield return line.Trim().Length == 0 ? string.Empty : "  " + line;
        }
    }
}
