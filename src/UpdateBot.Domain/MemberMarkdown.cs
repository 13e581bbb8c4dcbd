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
/// <c>* </c> bullet becomes <c>- </c> so the list survives. Mentions are already gone (<see cref="AnswerText.Clean"/>).
/// </remarks>
public static partial class MemberMarkdown
{
    /// <summary>The member's cleaned text with attribution-changing Markdown made literal. Idempotent.</summary>
    public static string Neutralise(string? text)
    {
        var cleaned = AnswerText.Clean(text);
        var lines = cleaned.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = NeutraliseLine(lines[i]);
        }

        return string.Join('\n', lines);
    }

    private static string NeutraliseLine(string line)
    {
        var start = LineStart().Match(line);
        var prefix = start.Groups["prefix"].Value
            .Replace('#', '＃')
            .Replace('>', '＞');
        if (start.Groups["bullet"].Success)
        {
            prefix += "- ";
        }

        var neutral = prefix + Inline(line[start.Length..]);

        // "---", "===", "- - -": a horizontal rule, or a setext underline that turns the line above into a heading.
        return RuleOrUnderline().IsMatch(neutral) ? neutral.Replace('-', '－').Replace('=', '＝') : neutral;
    }

    /// <summary>Emphasis, HTML and non-web links made literal; web links and bare URLs kept as they are.</summary>
    private static string Inline(string text)
    {
        var result = new StringBuilder(text.Length);
        var at = 0;
        foreach (Match link in WebLink().Matches(text))
        {
            result.Append(Literal(text[at..link.Index]));
            if (link.Groups["label"].Success)
            {
                result.Append('[').Append(Literal(link.Groups["label"].Value)).Append("](").Append(link.Groups["target"].Value).Append(')');
            }
            else
            {
                result.Append(link.Value);
            }

            at = link.Index + link.Length;
        }

        return result.Append(Literal(text[at..])).ToString();
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
                '*' => '＊',
                '_' => '＿',
                '<' when char.IsAsciiLetter(next) || next is '/' or '!' or '?' => '＜',
                ']' when next is '(' => '］',
                _ => c,
            });
        }

        return literal.ToString();
    }

    /// <summary>Leading space, then any run of heading and quote markers, then an optional <c>*</c> bullet.</summary>
    [GeneratedRegex(@"^(?<prefix>[ \t]*(?:[#>][ \t]*)*)(?<bullet>\*[ \t]+)?", RegexOptions.CultureInvariant)]
    private static partial Regex LineStart();

    [GeneratedRegex(@"^[ \t]*(?:-[ \t]*)+$|^[ \t]*(?:=[ \t]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex RuleOrUnderline();

    /// <summary>
    /// A Markdown link to a web address (one level of balanced parentheses in the address), or a bare web address
    /// without trailing punctuation, which renderers leave outside an autolink.
    /// </summary>
    [GeneratedRegex(@"\[(?<label>[^\[\]\n]*)\]\((?<target>https?://(?:[^\s()<>]|\([^\s()<>]*\))+)\)|https?://[^\s<>*\[\]()]*[^\s<>*\[\]().,:;!?'""_~]", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex WebLink();
}
