namespace UpdateBot.Domain.Tests;

public class OpenWeeknoteMarkdownTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 15, 30, 0, TimeSpan.Zero);

    private static OpenEdition Edition(string? intro, IReadOnlyList<OpenSection> sections, string? findOutMore) =>
        new("Data & Insight", "data-and-insight", new IsoWeek(2026, 48), 12, "Data & Insight weeknotes — Update 12", "23–27 Nov 2026", intro, sections, At, At, findOutMore);

    [Fact]
    public void Render_writes_the_weeknote_form_with_the_team_weeknote_s_bullets()
    {
        var edition = Edition(
            "A week of **firsts**.",
            [
                new OpenSection("highlights", "Highlights",
                [
                    new OpenItem("m1/highlights", "m1", "Ana", "Shipped the [search beta](https://example.org/search)"),
                    new OpenItem("m2/highlights", "m2", "a member of the team", "- one\n- two"),
                ]),
                new OpenSection("blockers", "Blockers and asks", []),
            ],
            "https://example.org/about us");

        Assert.Equal(
            """
            # Data \& Insight weeknotes — Update 12

            _23–27 Nov 2026_

            A week of ＊＊firsts＊＊.

            ## Highlights

            - Shipped the [search beta](https://example.org/search) — Ana
            - a member of the team:
              - one
              - two

            [Find out more about the Data \& Insight squad](<https://example.org/about%20us>)

            """.ReplaceLineEndings("\n"),
            OpenWeeknoteMarkdown.Render(edition));
    }

    [Fact]
    public void An_edition_with_no_items_left_says_so_and_without_a_web_address_closes_with_who_wrote_it()
    {
        var markdown = OpenWeeknoteMarkdown.Render(Edition(null, [new OpenSection("highlights", "Highlights", [])], "javascript:alert(1)"));

        Assert.Contains("\n" + OpenWeeknoteMarkdown.NothingToShare + "\n", markdown, StringComparison.Ordinal);
        Assert.EndsWith("_Written by the Data \\& Insight squad with UpdateBot._\n", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("```\nall the rest", "｀``")]
    [InlineData("Intro\n  ~~~ js", "  ～~~ js")]
    public void A_code_fence_in_the_intro_cannot_swallow_the_sections(string intro, string written)
    {
        var markdown = OpenWeeknoteMarkdown.Render(Edition(intro, [new OpenSection("h", "Highlights", [new OpenItem("m/h", "m", "Ana", "ok")])], null));

        Assert.Contains("\n" + written + "\n", markdown + "\n", StringComparison.Ordinal);
        Assert.Contains("\n## Highlights\n", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ana\n# Boss")]
    [InlineData("Ana\r\n\r\n## Fake")]
    public void A_name_is_one_line(string name)
    {
        var markdown = OpenWeeknoteMarkdown.Render(Edition(null, [new OpenSection("h", "Highlights", [new OpenItem("m/h", "m", name, "ok")])], null));

        Assert.Single(markdown.Split('\n'), l => l.StartsWith("- ok — Ana", StringComparison.Ordinal));
        Assert.Single(markdown.Split('\n'), l => l.StartsWith("## ", StringComparison.Ordinal));
    }
}
