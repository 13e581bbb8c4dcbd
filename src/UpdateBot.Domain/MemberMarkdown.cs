using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace UpdateBot.Domain;

/// <summary>
/// The one rule for showing a member's words in a card or weeknote that others read under the bot's name.
/// </summary>
/// <remarks>
/// Teams renders a TextBlock's text as a Markdown subset: bold, italic, bullet and numbered lists, links
/// (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format). The digest
/// attributes every item with its author's name in bold, so bold (and italic, its look-alike) is the one formatting a
/// member must not produce: with it, "**Alice Smith:**" or "— **Alice**" inside Bob's answer would read as Alice
/// speaking. Headings, block quotes, rules, setext underlines and raw HTML are not in Teams' subset but other renderers
/// (the export, the Playground) draw them, and a heading or a quote can pass for the card's own structure. Teams shows
/// backslash escapes literally, so each such character is swapped for its fullwidth twin, which reads the same and no
/// Markdown parser treats as syntax. Lists, links (<c>[text](https://…)</c>) and bare URLs stay as written; a
/// <c>* </c> bullet is written <c>- </c>, the same list. Mentions are already gone (<see cref="AnswerText.Clean"/>).
/// <para>
/// Only a <c>*</c> or <c>_</c> run that could take part in emphasis is swapped, so <c>snake_case</c>, <c>2*3=6</c> and
/// <c>a * b</c> keep their characters. Emphasis needs an opener followed by a closer of the same character in the same
/// paragraph (https://spec.commonmark.org/0.31.2/#emphasis-and-strong-emphasis); every run outside a web address that
/// has such a partner is swapped, so the runs left cannot pair with each other. Nor with the card's own bold: the name's
/// delimiters are nearer to each other than to anything the member wrote, and CommonMark pairs the nearest. An address
/// inside a link's label is that label's text (a link holds no other link), so it is treated as text. Runs inside a
/// kept address stay as written: a renderer that does not link bare addresses could still pair two of those.
/// </para>
/// </remarks>
public static partial class MemberMarkdown
{
    /// <summary>The member's cleaned text with attribution-changing Markdown made literal. Idempotent.</summary>
    public static string Neutralise(string? text)
    {
        var cleaned = AnswerText.Clean(text);
        var neutral = new StringBuilder(cleaned.Length);
        var webAddresses = new List<Range>();
        var lines = cleaned.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                neutral.Append('\n');
            }

            AppendLine(lines[i], neutral, webAddresses);
        }

        return WithoutEmphasis(neutral.ToString(), webAddresses);
    }

    /// <summary>Appends the line with its block markers made literal, recording where its web addresses land.</summary>
    private static void AppendLine(string line, StringBuilder neutral, List<Range> webAddresses)
    {
        if (Rule().IsMatch(line))
        {
            neutral.Append(Fullwidth(line));
            return;
        }

        var start = LineStart().Match(line);
        var converted = new StringBuilder(line.Length);
        foreach (var c in start.Value)
        {
            // Heading and quote markers become text; a '*' here is a list marker (LineStart only takes it before a space).
            converted.Append(c switch { '#' => '＃', '>' => '＞', '*' => '-', _ => c });
        }

        var found = new List<Range>();
        Inline(line[start.Length..], converted, found);
        var candidate = converted.ToString();

        // "*" alone becomes "-", which under a line of text is a setext underline.
        if (Rule().IsMatch(candidate))
        {
            neutral.Append(Fullwidth(candidate));
            return;
        }

        var offset = neutral.Length;
        webAddresses.AddRange(found.Select(r => new Range(r.Start.Value + offset, r.End.Value + offset)));
        neutral.Append(candidate);
    }

    private static string Fullwidth(string rule) =>
        rule.Replace('-', '－').Replace('=', '＝').Replace('*', '＊').Replace('_', '＿');

    /// <summary>HTML and non-web links made literal; web links and bare URLs kept as they are and recorded.</summary>
    private static void Inline(string text, StringBuilder result, List<Range> webAddresses)
    {
        var at = 0;
        foreach (Match link in WebLink().Matches(text))
        {
            result.Append(Literal(text[at..link.Index]));
            if (link.Groups["label"].Success)
            {
                // The label is text a reader sees (a link holds no other link), so it gets the text's rule.
                result.Append('[').Append(Literal(link.Groups["label"].Value)).Append("](");
                Keep(link.Groups["target"].Value, result, webAddresses);
                result.Append(')');
            }
            else
            {
                Keep(link.Value, result, webAddresses);
            }

            at = link.Index + link.Length;
        }

        result.Append(Literal(text[at..]));
    }

    private static void Keep(string webAddress, StringBuilder result, List<Range> webAddresses)
    {
        webAddresses.Add(new Range(result.Length, result.Length + webAddress.Length));
        result.Append(webAddress);
    }

    private static string Literal(string text)
    {
        var literal = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            literal.Append(c switch
            {
                '<' when char.IsAsciiLetter(next) || next is '/' or '!' or '?' => '＜',
                ']' when next is '(' => '］',
                _ => c,
            });
        }

        return literal.ToString();
    }

    /// <summary>
    /// Swaps every <c>*</c> or <c>_</c> run outside web addresses that could pair into emphasis: an opener with a closer
    /// of the same character after it in the same paragraph, or a closer with such an opener before it. Runs inside web
    /// addresses stay (changing them would break the link) but still count as partners, so whatever could pair with
    /// them outside is swapped.
    /// </summary>
    private static string WithoutEmphasis(string text, List<Range> webAddresses)
    {
        var runs = DelimiterRuns(text);
        var firstOpener = new Dictionary<(int Paragraph, char Delimiter), int>();
        var lastCloser = new Dictionary<(int Paragraph, char Delimiter), int>();
        foreach (var run in runs)
        {
            var key = (run.Paragraph, run.Delimiter);
            if (run.CanOpen)
            {
                firstOpener.TryAdd(key, run.Start);
            }

            if (run.CanClose)
            {
                lastCloser[key] = run.Start;
            }
        }

        var kept = new bool[text.Length];
        foreach (var address in webAddresses)
        {
            Array.Fill(kept, true, address.Start.Value, address.End.Value - address.Start.Value);
        }

        var result = text.ToCharArray();
        foreach (var run in runs)
        {
            var key = (run.Paragraph, run.Delimiter);
            var paired = (run.CanOpen && lastCloser.TryGetValue(key, out var closer) && closer > run.Start)
                || (run.CanClose && firstOpener.TryGetValue(key, out var opener) && opener < run.Start);
            if (paired && !kept[run.Start])
            {
                Array.Fill(result, run.Delimiter == '*' ? '＊' : '＿', run.Start, run.Length);
            }
        }

        return new string(result);
    }

    private static List<DelimiterRun> DelimiterRuns(string text)
    {
        var runs = new List<DelimiterRun>();
        var paragraph = 0;
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c is not ('*' or '_'))
            {
                // A blank line ends the paragraph, and emphasis never reaches across one.
                if (c == '\n' && BlankLineAhead().IsMatch(text.AsSpan(i + 1)))
                {
                    paragraph++;
                }

                i++;
                continue;
            }

            var end = i;
            while (end < text.Length && text[end] == c)
            {
                end++;
            }

            runs.Add(Classify(text, i, end, paragraph));
            i = end;
        }

        return runs;
    }

    /// <summary>
    /// Whether a run could open or close emphasis, read generously so that it covers CommonMark and the renderers that
    /// stray from it (Markdig, for one, lets "a*-b c*" emphasise): a <c>*</c> can open unless whitespace follows and
    /// close unless whitespace precedes; a <c>_</c> also never opens after a letter or digit nor closes before one,
    /// which is what keeps <c>snake_case</c> (https://spec.commonmark.org/0.31.2/#left-flanking-delimiter-run).
    /// </summary>
    private static DelimiterRun Classify(string text, int start, int end, int paragraph)
    {
        var delimiter = text[start];
        var before = RuneBefore(text, start);
        var after = RuneAfter(text, end);
        var canOpen = !IsWhitespace(after) && (delimiter == '*' || !IsWordCharacter(before));
        var canClose = !IsWhitespace(before) && (delimiter == '*' || !IsWordCharacter(after));
        return new DelimiterRun(delimiter, start, end - start, paragraph, canOpen, canClose);
    }

    private static Rune? RuneBefore(string text, int at) =>
        at == 0 ? null : Rune.DecodeLastFromUtf16(text.AsSpan(0, at), out var rune, out _) == OperationStatus.Done ? rune : Rune.ReplacementChar;

    private static Rune? RuneAfter(string text, int at) =>
        at == text.Length ? null : Rune.DecodeFromUtf16(text.AsSpan(at), out var rune, out _) == OperationStatus.Done ? rune : Rune.ReplacementChar;

    /// <summary>
    /// Whitespace every renderer agrees on; the start and end of the text count too. Other spaces (no-break, line
    /// separator) are whitespace to some renderers and letters to others, so they do not count.
    /// </summary>
    private static bool IsWhitespace(Rune? neighbour) => neighbour is null || neighbour.Value.Value is ' ' or '\t' or '\n' or '\r' or '\f';

    private static bool IsWordCharacter(Rune? neighbour) => neighbour is { } rune && Rune.IsLetterOrDigit(rune);

    private readonly record struct DelimiterRun(char Delimiter, int Start, int Length, int Paragraph, bool CanOpen, bool CanClose);

    /// <summary>
    /// Leading space, then any run of heading markers, quote markers and list markers (a list item can hold a heading
    /// or a quote: "- # Alice").
    /// </summary>
    [GeneratedRegex(@"^[ \t]*(?:(?:[#>]|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]|$))[ \t]*)*", RegexOptions.CultureInvariant)]
    private static partial Regex LineStart();

    /// <summary>
    /// A horizontal rule ("---", "* * *", "___", also inside a list item: "- ***"), or a setext underline ("===", "-")
    /// that turns the line above into a heading.
    /// </summary>
    [GeneratedRegex(@"^[ \t]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t]+)*(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$|^[ \t]*(?:-[ \t]*)+$|^[ \t]*(?:=[ \t]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Rule();

    /// <summary>The rest of the text starts with a blank line.</summary>
    [GeneratedRegex(@"^[ \t]*\n", RegexOptions.CultureInvariant)]
    private static partial Regex BlankLineAhead();

    /// <summary>
    /// A Markdown link to a web address (one level of balanced parentheses in the address), or a bare web address
    /// without trailing punctuation, which renderers leave outside an autolink.
    /// </summary>
    [GeneratedRegex(@"\[(?<label>[^\[\]\n]*)\]\((?<target>https?://(?:[^\s()<>]|\([^\s()<>]*\))+)\)|https?://[^\s<>*\[\]()]*[^\s<>*\[\]().,:;!?'""_~]", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex WebLink();
}
