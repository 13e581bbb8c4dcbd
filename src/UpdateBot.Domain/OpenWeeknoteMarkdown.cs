namespace UpdateBot.Domain;

/// <summary>
/// The open (public) edition as a Markdown weeknote: what the public pages render to HTML, what the Atom feed carries,
/// and what <c>export public</c> gives. The same bullets as the team's weeknote (<see cref="WeeknoteMarkdown"/>), so a
/// member's words read the same in both and cannot pass for someone else's.
/// </summary>
public static class OpenWeeknoteMarkdown
{
    /// <summary>What an edition with no public item left says (every item withheld, kept team-only or erased).</summary>
    public const string NothingToShare = "_Nothing to share this week._";

    /// <summary>
    /// "# title", "_date range_", the intro, "## section" per section with items, "- text — Name" bullets (as
    /// <see cref="WeeknoteMarkdown.Render"/>), and a closing line: a "Find out more about the … squad" link when
    /// <see cref="OpenEdition.FindOutMoreUrl"/> is an absolute http(s) URL, else "Written by the … squad with UpdateBot".
    /// Every text is neutralised (<see cref="MemberMarkdown.Neutralise"/>, the intro too: a heading there would be a
    /// second title) and names and titles escaped, so only this method's own structure is Markdown. Lines end in "\n";
    /// the same edition renders the same.
    /// </summary>
    public static string Render(OpenEdition edition)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var lines = new List<string>
        {
            "# " + OneLine(edition.Title),
            string.Empty,
            "_" + OneLine(edition.DateRange) + "_",
        };

        var intro = MemberMarkdown.Neutralise(edition.Intro);
        if (intro.Length > 0)
        {
            lines.Add(string.Empty);
            lines.AddRange(intro.Split('\n').Select(WithoutFence));
        }

        var sections = edition.Sections.Where(s => s.Items.Count > 0).ToList();
        if (sections.Count == 0)
        {
            lines.Add(string.Empty);
            lines.Add(NothingToShare);
        }

        foreach (var section in sections)
        {
            lines.Add(string.Empty);
            lines.Add("## " + OneLine(section.Title));
            lines.Add(string.Empty);
            foreach (var item in section.Items)
            {
                lines.AddRange(WeeknoteMarkdown.Bullet(item.Attribution, item.Text));
            }
        }

        lines.Add(string.Empty);
        lines.Add(FindOutMoreLink(edition.FindOutMoreUrl) is { } url
            ? $"[Find out more about the {OneLine(edition.SquadName)} squad](<{url}>)"
            : $"_Written by the {OneLine(edition.SquadName)} squad with UpdateBot._");

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// The URL as a link destination, or null when it is not an absolute http or https URL. Percent-encoded, with the
    /// characters that could end a destination (<c>&lt;</c>, <c>&gt;</c>, parentheses, spaces) encoded too.
    /// </summary>
    public static string? FindOutMoreLink(string? url)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        return uri.AbsoluteUri.Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)
            .Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal).Replace(" ", "%20", StringComparison.Ordinal);
    }

    /// <summary>
    /// A code fence opened in the intro would run to the end of the page and swallow every section after it (the bullets
    /// are list items, which close their own fences): its first character becomes the fullwidth twin, as
    /// <see cref="MemberMarkdown"/> does for other block markers.
    /// </summary>
    private static string WithoutFence(string line)
    {
        var trimmed = line.TrimStart(' ');
        var fence = line.Length - trimmed.Length <= 3 && (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal));
        return fence ? line[..(line.Length - trimmed.Length)] + (trimmed[0] == '`' ? '｀' : '～') + trimmed[1..] : line;
    }

    /// <summary>A title or name on one line, with its Markdown made literal.</summary>
    private static string OneLine(string? text) =>
        WeeknoteMarkdown.Escape(AnswerText.Clean(text).Replace('\n', ' ').Replace('\t', ' '));
}
