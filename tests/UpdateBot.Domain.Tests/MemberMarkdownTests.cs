using System.Text.RegularExpressions;
using CsCheck;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

/// <summary>Member text cannot forge attribution, headings, quotes or HTML; links stay links (issue 9 item 7).</summary>
public sealed partial class MemberMarkdownTests
{
    [Theory]
    [InlineData("**Alice Smith:**", "＊＊Alice Smith:＊＊")]
    [InlineData("Shipped it — **Alice**", "Shipped it — ＊＊Alice＊＊")]
    [InlineData("**Alice**", "＊＊Alice＊＊")]
    [InlineData("__Alice__", "＿＿Alice＿＿")]
    [InlineData("__Alice__ said so", "＿＿Alice＿＿ said so")]
    [InlineData("_Alice_", "＿Alice＿")]
    [InlineData("*x*", "＊x＊")]
    [InlineData("_x_", "＿x＿")]
    [InlineData("2*3*4", "2＊3＊4")]
    [InlineData("**Alice\nSmith**", "＊＊Alice\nSmith＊＊")]
    [InlineData("# Blockers", "＃ Blockers")]
    [InlineData("Done\n  ### Blockers", "Done\n  ＃＃＃ Blockers")]
    [InlineData("> quoted from Alice", "＞ quoted from Alice")]
    [InlineData("> > nested", "＞ ＞ nested")]
    [InlineData("- # Alice", "- ＃ Alice")]
    [InlineData("1. > quoted from Alice", "1. ＞ quoted from Alice")]
    [InlineData("---", "－－－")]
    [InlineData("- - -", "－ － －")]
    [InlineData("===", "＝＝＝")]
    [InlineData("***", "＊＊＊")]
    [InlineData("* * *", "＊ ＊ ＊")]
    [InlineData("___", "＿＿＿")]
    [InlineData("- ***", "－ ＊＊＊")]
    [InlineData("1. _ _ _", "1. ＿ ＿ ＿")]
    [InlineData("+ ---", "+ －－－")]
    [InlineData("Alice\n*", "Alice\n－")]
    [InlineData("<b>bold</b> <img src=x>", "＜b>bold＜/b> ＜img src=x>")]
    [InlineData("<at>Alice</at> agreed", "@Alice agreed")]
    [InlineData("[Alice](javascript:alert(1))", "[Alice］(javascript:alert(1))")]
    [InlineData("* **Alice:** approved", "- ＊＊Alice:＊＊ approved")]
    [InlineData("* one\n* 2*3=6", "- one\n- 2*3=6")]
    [InlineData("Issue #42 is done, 3 < 4", "Issue #42 is done, 3 < 4")]
    [InlineData("- one\n- two\n1. three", "- one\n- two\n1. three")]
    [InlineData("See [the notes](https://example.org/a_b*c) and https://example.org/x_y.", "See [the notes](https://example.org/a_b*c) and https://example.org/x_y.")]
    [InlineData("[**Alice**](https://example.org)", "[＊＊Alice＊＊](https://example.org)")]
    [InlineData("**https://example.org/x**", "＊＊https://example.org/x＊＊")]
    [InlineData("_see https://example.org/a_/b", "＿see https://example.org/a_/b")]
    [InlineData("[https://example.org/__Alice https://example.org/x__.z](https://example.org)", "[https://example.org/＿＿Alice https://example.org/x＿＿.z](https://example.org)")]
    public void Neutralise_makes_attribution_changing_markdown_literal(string text, string expected) =>
        Assert.Equal(expected, MemberMarkdown.Neutralise(text));

    [Theory]
    [InlineData("snake_case")]
    [InlineData("file_name.txt")]
    [InlineData("2*3=6")]
    [InlineData("a * b")]
    [InlineData("a ** b __ c _ d")]
    [InlineData("snake_case_name and file_name_v2.txt")]
    [InlineData("2*3=6\n\n4*5=20")]
    [InlineData("(https://en.wikipedia.org/wiki/Foo_(bar))")]
    [InlineData("[notes on https://example.org/notes_v2](https://example.org/n)")]
    public void Characters_that_cannot_emphasise_anything_are_kept(string text) =>
        Assert.Equal(text, MemberMarkdown.Neutralise(text));

    [Fact]
    public void Markdown_links_with_parentheses_in_the_address_stay_links()
    {
        const string Text = "[Foo](https://en.wikipedia.org/wiki/Foo_(bar))";
        Assert.Equal(Text, MemberMarkdown.Neutralise(Text));
    }

    private static readonly Gen<string> Url = Gen.Select(
        Gen.OneOf<string>("https://", "http://", "HTTPS://"),
        Gen.Char["abcxyz0189-_.~/"].Array[1, 12].Select(c => new string(c)),
        (scheme, path) => scheme + "example.org/" + path.Trim('.', '~', '_', '*') + "z");

    private static readonly Gen<string> Hostile = Gen.OneOf(
            Gen.String,
            Gen.OneOf<string>(
                "**", "*", "__", "_", "# ", "## ", ">", "> ", "- ", "* ", "+ ", "1. ", "---", "===", "***", "___", "\n", "\n\n", " ", "\t",
                "<b>", "</b>", "<at>Bob</at>", "<", "<<", "[", "]", "(", ")", "](", "—", "\u00A0— **Bob**", "**Bob Jones:**", "`", "~~", "\\"),
            Url)
        .Array[0, 20]
        .Select(string.Concat);

    /// <summary>CommonMark as Markdig parses it, with source positions to tell where each emphasis came from.</summary>
    private static readonly MarkdownPipeline CommonMark = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();

    [Fact]
    public void Any_text_comes_out_with_no_emphasis_heading_quote_rule_or_html_outside_web_addresses()
    {
        Hostile.Sample(text =>
        {
            var safe = MemberMarkdown.Neutralise(text);
            Assert.Equal(safe, MemberMarkdown.Neutralise(safe));
            Assert.Empty(EmphasisOutsideWebAddresses(safe));
            var document = Markdown.Parse(safe, CommonMark);
            Assert.Empty(document.Descendants<HeadingBlock>());
            Assert.Empty(document.Descendants<QuoteBlock>());
            Assert.Empty(document.Descendants<ThematicBreakBlock>());
            Assert.Empty(document.Descendants<HtmlBlock>());
            Assert.Empty(document.Descendants<HtmlInline>());
            Assert.DoesNotMatch(HtmlStart(), WebLink().Replace(safe, m => m.Groups["label"].Success ? $"[{m.Groups["label"].Value}]()" : " "));
            foreach (var line in safe.Split('\n'))
            {
                Assert.DoesNotMatch(BlockStart(), line);
                Assert.DoesNotMatch(RuleLine(), line);
            }
        }, iter: 5000);
    }

    [Fact]
    public void Any_text_under_an_authors_bold_name_leaves_that_name_the_only_bold()
    {
        const string Name = "Ada\u00A0Lovelace";
        Hostile.Sample(text =>
        {
            var safe = MemberMarkdown.Neutralise(text);

            // As the digest card attributes an item: after a one-line answer, above a longer one.
            foreach (var attributed in new[] { $"{safe}\u00A0— **{Name}**", $"**{Name}:**\n{safe}" })
            {
                var emphasis = EmphasisOutsideWebAddresses(attributed);
                Assert.True(emphasis.Count <= 1, $"{string.Join(" | ", emphasis)} in {attributed}");
                Assert.All(emphasis, e => Assert.Matches($"^\\*\\*{Name}:?\\*\\*$", e));
            }
        }, iter: 5000);
    }

    /// <summary>
    /// The source of every emphasis CommonMark finds, except one whose delimiters both lie inside web addresses (kept
    /// as written, so links keep working).
    /// </summary>
    private static List<string> EmphasisOutsideWebAddresses(string markdown)
    {
        var addresses = WebLink().Matches(markdown)
            .Select(m => m.Groups["target"].Success ? m.Groups["target"] : m.Groups[0])
            .Select(address => (Start: address.Index, End: address.Index + address.Length))
            .ToList();
        bool InAddress(int from, int to) => addresses.Any(a => from >= a.Start && to <= a.End);
        return Markdown.Parse(markdown, CommonMark).Descendants<EmphasisInline>()
            .Where(e => !(InAddress(e.Span.Start, e.Span.Start + e.DelimiterCount) && InAddress(e.Span.End + 1 - e.DelimiterCount, e.Span.End + 1)))
            .Select(e => markdown[e.Span.Start..(e.Span.End + 1)])
            .ToList();
    }

    [Fact]
    public void A_web_address_anywhere_in_hostile_text_comes_out_unchanged()
    {
        Gen.Select(Hostile, Url, Hostile).Sample((before, url, after) =>
        {
            var text = before + " " + url + " " + after;
            var safe = MemberMarkdown.Neutralise(text);

            // Mention markup is removed first (with whatever it swallowed up to its '>'), so only what survives that is
            // promised; and an address inside a link's label is that link's text (a link holds no other link), which
            // gets the rule for text.
            var outsideLabels = WebLink().Replace(AnswerText.Clean(text), m => m.Groups["label"].Success ? $"[]({m.Groups["target"].Value})" : m.Value);
            if (outsideLabels.Contains(url, StringComparison.Ordinal))
            {
                Assert.True(safe.Contains(url, StringComparison.Ordinal), $"{url} lost from {text} -> {safe}");
            }
        }, iter: 5000);
    }

    /// <summary>Where the rule keeps a web address: a Markdown link (its target), or a bare address.</summary>
    [GeneratedRegex(@"\[(?<label>[^\[\]\n]*)\]\((?<target>https?://(?:[^\s()<>]|\([^\s()<>]*\))+)\)|https?://[^\s<>*\[\]()]*[^\s<>*\[\]().,:;!?'""_~]", RegexOptions.IgnoreCase)]
    private static partial Regex WebLink();

    [GeneratedRegex(@"<[A-Za-z/!?]")]
    private static partial Regex HtmlStart();

    [GeneratedRegex(@"^[ \t]*[#>]")]
    private static partial Regex BlockStart();

    [GeneratedRegex(@"^[ \t]*(?:-[ \t]*)+$|^[ \t]*(?:=[ \t]*)+$")]
    private static partial Regex RuleLine();
}
