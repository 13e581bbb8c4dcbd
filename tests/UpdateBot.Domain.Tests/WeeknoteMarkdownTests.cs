using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

public class WeeknoteMarkdownTests
{
    private static Digest SampleDigest()
    {
        var settings = SettingsValidation.Defaults("Data & Insight", ["lead"]);
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        Entry Answered(string id, string name, Dictionary<string, string> answers) => new(id, name, EntryStatus.Answered, answers, at);

        Entry[] entries =
        [
            Answered("m1", "Ana Silva", new()
            {
                ["highlights"] = "Shipped the [search beta](https://example.org/search) to 40 users",
                ["reading-and-links"] = "https://gds.blog.gov.uk/ — a good read on weeknotes",
            }),
            Answered("m2", "Sam_O'Neil [contractor]", new()
            {
                ["highlights"] = "Ran the show and tell.\nRecording is on the team site.",
                ["discovery-and-delivery"] = "Three themes from research:\n- people want email alerts\n- search is hard to find\n\nMore next week.",
            }),
            Answered("m3", "Bea", new()
            {
                ["highlights"] = "This one is hidden by the lead",
                ["blockers-and-asks"] = "- Need access to the analytics account\n- Anyone free to pair on Tuesday?",
            }),
        ];

        var edits = DigestEdits.None with
        {
            Intro = "A week of **firsts**: the beta went out and we met our first users.",
            HiddenItemIds = new HashSet<string> { "m3/highlights" },
        };

        return DigestComposer.Compose(settings, new IsoWeek(2026, 48), 12, entries, new Participation(9, 3, 1, 1, 1), edits);
    }

    [Fact]
    public void Render_matches_the_golden_weeknote()
    {
        var actual = WeeknoteMarkdown.Render(SampleDigest(), "https://example.org/weeknotes");
        var goldenPath = Path.Combine(AppContext.BaseDirectory, "Golden", "weeknote.md");
        var expected = File.ReadAllText(goldenPath).ReplaceLineEndings("\n");

        if (actual != expected)
        {
            var actualPath = Path.ChangeExtension(goldenPath, ".actual.md");
            File.WriteAllText(actualPath, actual);
            Assert.Fail(
                $"Rendered weeknote differs from the golden file at {DescribeFirstDifference(expected, actual)}.\n"
                + $"Review with: diff -u {goldenPath} {actualPath}\n"
                + "If the change is intended, copy the .actual.md over tests/UpdateBot.Domain.Tests/Golden/weeknote.md.");
        }
    }

    private static string DescribeFirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var a = i < actualLines.Length ? actualLines[i] : "<end of file>";
            if (e != a)
            {
                return $"line {i + 1}\n  expected: {e}\n  actual:   {a}";
            }
        }

        return "the end of the file";
    }

    [Fact]
    public void Render_is_deterministic_and_uses_clean_line_endings()
    {
        var first = WeeknoteMarkdown.Render(SampleDigest());
        Assert.Equal(first, WeeknoteMarkdown.Render(SampleDigest()));
        Assert.DoesNotContain('\r', first);
        Assert.EndsWith("_Written by the Data \\& Insight squad with UpdateBot._\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n\n", first, StringComparison.Ordinal);
        Assert.All(first.Split('\n'), line => Assert.Equal(line.TrimEnd(), line));
    }

    [Fact]
    public void Multi_line_answers_stay_inside_their_bullet()
    {
        var markdown = WeeknoteMarkdown.Render(SampleDigest());
        Assert.Contains("- Ran the show and tell. — Sam\\_O'Neil \\[contractor\\]\n  Recording is on the team site.\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- Three themes from research: — Sam\\_O'Neil \\[contractor\\]\n  - people want email alerts\n  - search is hard to find\n\n  More next week.\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- Bea:\n  - Need access to the analytics account\n  - Anyone free to pair on Tuesday?\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Hidden_items_and_empty_sections_are_left_out()
    {
        var markdown = WeeknoteMarkdown.Render(SampleDigest());
        Assert.DoesNotContain("hidden by the lead", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("## People we met", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void An_edition_with_nothing_visible_still_renders()
    {
        var digest = DigestComposer.Compose(SettingsValidation.Defaults("Data", []), new IsoWeek(2026, 48), 1, [], new Participation(3, 0, 0, 0, 0), DigestEdits.None);
        Assert.Equal(
            "# Data weeknotes — Update 1\n\n_23–27 Nov 2026 · 0 of 3 contributed_\n\n_Nothing to share this week._\n\n_Written by the Data squad with UpdateBot._\n",
            WeeknoteMarkdown.Render(digest));
    }

    [Theory]
    [InlineData("Ana", "Ana")]
    [InlineData("*Bold* _it_", "\\*Bold\\* \\_it\\_")]
    [InlineData("[x](y) <b> `c` a|b ~s~ C# & \\", "\\[x\\](y) \\<b\\> \\`c\\` a\\|b \\~s\\~ C\\# \\& \\\\")]
    public void Escape_neutralises_markdown_in_names(string name, string expected) =>
        Assert.Equal(expected, WeeknoteMarkdown.Escape(name));

    [Fact]
    public void Removing_a_members_items_replaces_exactly_their_bullets_one_line_multi_line_and_lists()
    {
        var digest = SampleDigest();
        var markdown = WeeknoteMarkdown.Render(digest);
        var sams = digest.Sections.SelectMany(s => s.Items).Where(i => i.ItemId.StartsWith("m2/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, sams.Count);

        var removed = WeeknoteMarkdown.RemoveItems(markdown, sams);

        Assert.DoesNotContain("Sam", removed, StringComparison.Ordinal);
        Assert.DoesNotContain("email alerts", removed, StringComparison.Ordinal);
        Assert.DoesNotContain("Recording is on the team site", removed, StringComparison.Ordinal);
        var lines = removed.Split('\n');
        Assert.Equal(2, lines.Count(l => l == WeeknoteMarkdown.RemovedBullet));

        // Everything else is untouched and in its place: the other lines are the original's, in order.
        var original = markdown.Split('\n');
        var at = 0;
        foreach (var line in lines.Where(l => l != WeeknoteMarkdown.RemovedBullet))
        {
            while (at < original.Length && original[at] != line)
            {
                Assert.True(original[at].Contains("Sam", StringComparison.Ordinal) || original[at].StartsWith("  ", StringComparison.Ordinal) || original[at].Length == 0, $"dropped: {original[at]}");
                at++;
            }

            Assert.True(at < original.Length, $"not in the original: {line}");
            at++;
        }

        Assert.Contains("Shipped the [search beta](https://example.org/search) to 40 users — Ana Silva", removed, StringComparison.Ordinal);
        Assert.Contains("  - Need access to the analytics account", removed, StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_an_item_that_is_not_in_the_weeknote_changes_nothing()
    {
        var markdown = WeeknoteMarkdown.Render(SampleDigest());
        var hidden = new DigestItem("m3/highlights", "Bea", "This one is hidden by the lead", Hidden: false);
        var otherText = new DigestItem("m1/highlights", "Ana Silva", "Something Ana never wrote", Hidden: false);

        Assert.Equal(markdown, WeeknoteMarkdown.RemoveItems(markdown, [hidden, otherText]));
    }
}
