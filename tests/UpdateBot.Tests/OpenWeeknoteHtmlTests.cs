using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using CsCheck;
using UpdateBot.Domain;
using UpdateBot.Hosting;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 13: the open weeknote as HTML. Whatever a member or a lead writes, the page holds only the elements the
/// weeknote's own structure makes, links only to http, https or mailto, and no attribute that runs or loads anything.
/// The HTML is checked by parsing it as a browser would (AngleSharp's HTML5 parser), not by looking for strings.
/// </summary>
public sealed class OpenWeeknoteHtmlTests
{
    private static readonly IsoWeek Week = new(2026, 48);

    private static OpenEdition WithText(string text, string attribution = "Ana", string? intro = null) =>
        OpenEditionSamples.Edition("alpha", Week, 1) with
        {
            Intro = intro,
            Sections = [new OpenSection("highlights", "Highlights", [new OpenItem("u-ana/highlights", "u-ana", attribution, text)])],
        };

    private static IDocument Parse(string html) => new HtmlParser().ParseDocument("<!doctype html><html><body>" + html + "</body></html>");

    /// <summary>Every element is one Markdig writes for a weeknote; links are http(s)/mailto and nofollow; no other attributes.</summary>
    private static void AssertSafe(string html)
    {
        var body = Parse(html).Body!;
        foreach (var element in body.QuerySelectorAll("*"))
        {
            Assert.Contains(element.LocalName, OpenWeeknoteHtml.AllowedTags);
            foreach (var attribute in element.Attributes)
            {
                switch (element.LocalName, attribute.Name)
                {
                    case ("a", "href"):
                        Assert.True(
                            Uri.TryCreate(attribute.Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto",
                            $"link to {attribute.Value}");
                        break;
                    case ("a", "rel"):
                        Assert.Equal("nofollow noopener", attribute.Value);
                        break;
                    case ("ol", "start"):
                        Assert.True(int.TryParse(attribute.Value, out _));
                        break;
                    default:
                        Assert.Fail($"<{element.LocalName} {attribute.Name}=\"{attribute.Value}\"> in {html}");
                        break;
                }
            }
        }
    }

    /// <summary>The text a reader sees in the item's bullet (the li of the Highlights list).</summary>
    private static string ItemText(string html) => Parse(html).QuerySelector("h2 + ul > li")!.TextContent;

    [Theory]
    [InlineData("<script>alert(1)</script>", "script>alert(1)")]
    [InlineData("<img src=x onerror=alert(1)>", "img src=x onerror=alert(1)>")]
    [InlineData("&lt;script&gt; and &amp; and &#x3C;b&#x3E;", "<script> and & and <b>")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a>", "a href=\"javascript:alert(1)\">click")]
    [InlineData("<!-- hidden --> <?php x ?> <![CDATA[x]]>", "!-- hidden --> ")]
    [InlineData("<svg/onload=alert(1)>", "svg/onload=alert(1)>")]
    [InlineData("<style>body{display:none}</style>", "style>body{display:none}")]
    public void Hostile_HTML_in_an_answer_is_shown_as_the_words_typed(string answer, string shown)
    {
        var html = OpenWeeknoteHtml.Render(WithText(answer));

        AssertSafe(html);
        Assert.Contains(shown, ItemText(html), StringComparison.Ordinal);
        Assert.EndsWith("— Ana", ItemText(html), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[click me](javascript:alert(1))")]
    [InlineData("[click me](JaVaScRiPt:alert(1))")]
    [InlineData("[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[click me](vbscript:msgbox)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[click me][1]\n\n[1]: javascript:alert(1)")]
    [InlineData("[click me](&#106;avascript:alert(1))")]
    [InlineData("![x](https://tracker.example/pixel.gif)")]
    [InlineData("[![x](https://tracker.example/p.gif)](https://example.org)")]
    [InlineData("[ok](https://example.org \"title\" onmouseover=alert(1))")]
    public void A_link_in_an_answer_never_leads_to_script_or_loads_anything(string answer)
    {
        var html = OpenWeeknoteHtml.Render(WithText(answer));

        AssertSafe(html);
        Assert.DoesNotContain("javascript", Parse(html).Body!.QuerySelectorAll("a").Select(a => a.GetAttribute("href") ?? ""), StringComparer.OrdinalIgnoreCase);
        Assert.Empty(Parse(html).QuerySelectorAll("img"));
    }

    [Fact]
    public void A_web_link_in_an_answer_stays_a_link_with_nofollow()
    {
        var html = OpenWeeknoteHtml.Render(WithText("Read [the service manual](https://www.gov.uk/service-manual) and https://example.org/a_b"));

        AssertSafe(html);
        var links = Parse(html).QuerySelectorAll("h2 + ul a").ToList();
        Assert.Equal(["https://www.gov.uk/service-manual", "https://example.org/a_b"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal("the service manual", links[0].TextContent);
        Assert.All(links, a => Assert.Equal("nofollow noopener", a.GetAttribute("rel")));
    }

    /// <summary>
    /// Embeddings, overrides and isolates could reorder what follows them, the attribution included, so they are removed;
    /// a mark (LRM, RLM, ALM) is a single invisible letter that reorders nothing beyond its neighbours and may stay.
    /// </summary>
    [Theory]
    [InlineData("\u202Eecila — Bob")]
    [InlineData("Done\u2066 — \u2069Alice\u202B")]
    [InlineData("ok\u200F\u200E\u061C")]
    public void Bidi_controls_are_gone_so_an_answer_cannot_reorder_its_attribution(string answer)
    {
        var html = OpenWeeknoteHtml.Render(WithText(answer, "Ana\u202E"));

        AssertSafe(html);
        var text = ItemText(html);
        Assert.DoesNotContain(text, c => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');
        Assert.EndsWith(" — Ana", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("**Alice:** I did it all")]
    [InlineData("# Alice's section")]
    [InlineData("> quoted from Alice")]
    [InlineData("Text\n\n## Fake section\n\n- fake — Alice")]
    [InlineData("line\n===")]
    public void Member_Markdown_cannot_make_a_heading_a_quote_or_bold_that_reads_as_someone_else(string answer)
    {
        var html = OpenWeeknoteHtml.Render(WithText(answer));
        var document = Parse(html);

        AssertSafe(html);
        Assert.Single(document.QuerySelectorAll("h1"));
        Assert.Equal(["Highlights"], document.QuerySelectorAll("h2").Select(h => h.TextContent));
        Assert.DoesNotContain(document.QuerySelectorAll("strong, em, blockquote"), e => e.Closest("li") is not null);
    }

    [Fact]
    public void Names_titles_and_the_intro_are_text_too()
    {
        var edition = WithText("fine", attribution: "<b>Ana</b> [x](https://evil.example) **bold**", intro: "# Second title <script>x</script>") with
        {
            SquadName = "<i>Squad</i>",
            Title = "<script>t</script> weeknotes",
            DateRange = "_17–21 Nov_ <b>",
        };

        var html = OpenWeeknoteHtml.Render(edition);
        var document = Parse(html);

        AssertSafe(html);
        Assert.Equal("<script>t</script> weeknotes", Assert.Single(document.QuerySelectorAll("h1")).TextContent);
        // The brackets and asterisks are shown as typed (a bare address in a name is still linked, like any web address).
        Assert.EndsWith("— <b>Ana</b> [x](https://evil.example) **bold**", ItemText(html), StringComparison.Ordinal);
        Assert.Equal("Second title ＜script>x＜/script>", document.QuerySelector("h1 ~ p:nth-of-type(2)")!.TextContent.TrimStart('＃', ' '));
    }

    [Fact]
    public void The_closing_line_links_only_to_a_web_address()
    {
        var links = Parse(OpenWeeknoteHtml.Render(OpenEditionSamples.Edition("alpha", Week, 1))).QuerySelectorAll("a");
        var withLink = links[^1];
        Assert.Equal("https://example.org/mental-health-discovery", withLink.GetAttribute("href"));
        Assert.Equal("Find out more about the Mental Health Discovery squad", withLink.TextContent);

        foreach (var url in new[] { "javascript:alert(1)", "/relative", "ftp://example.org", "https://example.org/a b)<x>" })
        {
            var html = OpenWeeknoteHtml.Render(OpenEditionSamples.Edition("alpha", Week, 1) with { FindOutMoreUrl = url });
            AssertSafe(html);
            Assert.DoesNotContain(Parse(html).QuerySelectorAll("a"), a => a.GetAttribute("href")!.Contains("javascript", StringComparison.Ordinal) || a.TextContent.StartsWith("Find out more", StringComparison.Ordinal) && !a.GetAttribute("href")!.StartsWith("https://", StringComparison.Ordinal));
        }
    }

    /// <summary>Pieces hostile text is made of: markup, entities, link syntax, schemes, Markdown, bidi and control characters.</summary>
    private static readonly Gen<string> HostileText = Gen.OneOf(
            Gen.OneOf<string>(
                "<", ">", "&", "\"", "'", "`", "/", "=", "(", ")", "[", "]", "!", "*", "_", "#", "-", "\n", "\n\n", " ", ":", "\\", "|",
                "<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href=", "javascript:", "JaVaScRiPt:", "data:text/html,", "vbscript:",
                "&lt;", "&#60;", "&#x3C;", "&amp;", "&quot;", "&#106;", "&NewLine;", "&colon;", "[x](", "](", "![", "https://example.org/", "http://a.b/",
                "mailto:a@b.c", "www.example.org", "<https://example.org>", "onerror=", "style=", "<iframe", "<svg/onload=", "<!--", "-->", "<?", "<![CDATA[",
                "\u202E", "\u2066", "\u200F", "\u0000", "\u0007", "\uFEFF", "**", "__", "> ", "# ", "1. ", "    ", "```", "~~~", "---", "==="),
            Gen.String[0, 6])
        .Array[0, 30]
        .Select(parts => string.Concat(parts));

    [Fact]
    public void Property_no_answer_intro_or_name_can_put_markup_on_the_page()
    {
        Gen.Select(HostileText, HostileText, HostileText).Sample((text, intro, name) =>
        {
            var html = OpenWeeknoteHtml.Render(WithText(text, name, intro));
            AssertSafe(html);
            var document = Parse(html);
            Assert.Single(document.QuerySelectorAll("h1"));
            Assert.Equal(["Highlights"], document.QuerySelectorAll("h2").Select(h => h.TextContent));
        }, iter: 2000);
    }

    [Fact]
    public void Property_any_Markdown_at_all_comes_out_safe()
    {
        HostileText.Sample(markdown => AssertSafe(OpenWeeknoteHtml.ToHtml(markdown)), iter: 2000);
    }
}
