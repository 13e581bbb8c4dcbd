using System.Text.RegularExpressions;
using CsCheck;
using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

/// <summary>Member text cannot forge attribution, headings, quotes or HTML; links stay links (issue 9 item 7).</summary>
public sealed partial class MemberMarkdownTests
{
    [Theory]
    [InlineData("**Alice Smith:**", "＊＊Alice Smith:＊＊")]
    [InlineData("Shipped it — **Alice**", "Shipped it — ＊＊Alice＊＊")]
    [InlineData("__Alice__ said so", "＿＿Alice＿＿ said so")]
    [InlineData("_Alice_", "＿Alice＿")]
    [InlineData("# Blockers", "＃ Blockers")]
    [InlineData("Done\n  ### Blockers", "Done\n  ＃＃＃ Blockers")]
    [InlineData("> quoted from Alice", "＞ quoted from Alice")]
    [InlineData("> > nested", "＞ ＞ nested")]
    [InlineData("---", "－－－")]
    [InlineData("- - -", "－ － －")]
    [InlineData("===", "＝＝＝")]
    [InlineData("***", "＊＊＊")]
    [InlineData("* * *", "- ＊ ＊")]
    [InlineData("<b>bold</b> <img src=x>", "＜b>bold＜/b> ＜img src=x>")]
    [InlineData("<at>Alice</at> agreed", "@Alice agreed")]
    [InlineData("[Alice](javascript:alert(1))", "[Alice］(javascript:alert(1))")]
    [InlineData("* **Alice:** approved", "- ＊＊Alice:＊＊ approved")]
    [InlineData("Issue #42 is done, 3 < 4", "Issue #42 is done, 3 < 4")]
    [InlineData("- one\n- two\n1. three", "- one\n- two\n1. three")]
    [InlineData("See [the notes](https://example.org/a_b*c) and https://example.org/x_y.", "See [the notes](https://example.org/a_b*c) and https://example.org/x_y.")]
    [InlineData("[**Alice**](https://example.org)", "[＊＊Alice＊＊](https://example.org)")]
    [InlineData("(https://en.wikipedia.org/wiki/Foo_(bar))", "(https://en.wikipedia.org/wiki/Foo＿(bar))")]
    [InlineData("**https://example.org/x**", "＊＊https://example.org/x＊＊")]
    public void Neutralise_makes_attribution_changing_markdown_literal(string text, string expected) =>
        Assert.Equal(expected, MemberMarkdown.Neutralise(text));

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

    [Fact]
    public void Any_text_comes_out_with_no_emphasis_heading_quote_rule_or_html_outside_web_addresses()
    {
        Hostile.Sample(text =>
        {
            var safe = MemberMarkdown.Neutralise(text);
            Assert.Equal(safe, MemberMarkdown.Neutralise(safe));
            var outsideLinks = WebAddress().Replace(safe, " ");
            Assert.DoesNotContain('*', outsideLinks);
            Assert.DoesNotContain('_', outsideLinks);
            Assert.DoesNotMatch(HtmlStart(), outsideLinks);
            foreach (var line in safe.Split('\n'))
            {
                Assert.DoesNotMatch(BlockStart(), line);
                Assert.DoesNotMatch(RuleLine(), line);
            }
        }, iter: 2000);
    }

    [Fact]
    public void A_web_address_anywhere_in_hostile_text_comes_out_unchanged()
    {
        Gen.Select(Hostile, Url, Hostile).Sample((before, url, after) =>
        {
            var text = before + " " + url + " " + after;
            var safe = MemberMarkdown.Neutralise(text);
            // Mention markup is removed first (with whatever it swallowed up to its '>'), so only what survives that is promised.
            if (AnswerText.Clean(text).Contains(url, StringComparison.Ordinal))
            {
                Assert.True(safe.Contains(url, StringComparison.Ordinal), $"{url} lost from {text} -> {safe}");
            }
        }, iter: 2000);
    }

    /// <summary>A web address as the rule keeps it: a Markdown link's target, or a bare address.</summary>
    [GeneratedRegex(@"\]\(https?://(?:[^\s()<>]|\([^\s()<>]*\))+\)|https?://[^\s<>*\[\]()]*[^\s<>*\[\]().,:;!?'""_~]", RegexOptions.IgnoreCase)]
    private static partial Regex WebAddress();

    [GeneratedRegex(@"<[A-Za-z/!?]")]
    private static partial Regex HtmlStart();

    [GeneratedRegex(@"^[ \t]*[#>]")]
    private static partial Regex BlockStart();

    [GeneratedRegex(@"^[ \t]*(?:-[ \t]*)+$|^[ \t]*(?:=[ \t]*)+$")]
    private static partial Regex RuleLine();
}
