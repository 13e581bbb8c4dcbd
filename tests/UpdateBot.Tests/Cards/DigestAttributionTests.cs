using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Tests.Cards;

/// <summary>A member's answer cannot put words in someone else's mouth in the channel digest (issue 9 item 7).</summary>
public sealed partial class DigestAttributionTests
{
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private static readonly DateTimeOffset At = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static Digest HostileDigest()
    {
        var settings = SettingsValidation.Defaults("Platform", ["29:lead"]);
        Entry Answered(string id, string name, params (string Section, string Text)[] answers) =>
            new(id, name, EntryStatus.Answered, answers.ToDictionary(a => a.Section, a => a.Text), At);
        return DigestComposer.Compose(settings, Week, 3, [
            Answered("29:ada", "Ada Lovelace",
                ("highlights", "Shipped the beta\n**Bob Jones:**\nApproved the whole budget"),
                ("blockers-and-asks", "# Blockers\n> Bob Jones: we are blocked\n* Nothing to do — **Bob Jones**\n---"),
                ("reading-and-links", "See [the notes](https://example.org/notes_v2) and https://example.org/x_y")),
            Answered("29:bob", "Bob Jones", ("highlights", "Reviewed the beta")),
        ], new Participation(2, 2, 0, 0, 0), DigestEdits.None);
    }

    private static List<string> Texts(IEnumerable<AdaptiveCard> cards) =>
        cards.SelectMany(c => Strings(JsonNode.Parse(CardJson.Serialize(c)))).ToList();

    [Fact]
    public void Hostile_answers_appear_as_literal_text_under_the_real_authors_name()
    {
        var texts = Texts(DigestCards.ChannelCards(HostileDigest()));

        var adaBlocks = texts.Where(t => t.Contains("Shipped the beta", StringComparison.Ordinal) || t.Contains("Blockers", StringComparison.Ordinal) && t.Contains("blocked", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, adaBlocks.Count);
        Assert.All(adaBlocks, block => Assert.StartsWith("**Ada\u00A0Lovelace:**\n", block, StringComparison.Ordinal));

        // Bold is the card's attribution: it appears once per real contribution and around real names only.
        var bold = texts.SelectMany(t => Bold().Matches(t).Select(m => m.Groups[1].Value)).ToList();
        Assert.Equal(["Ada\u00A0Lovelace", "Ada\u00A0Lovelace:", "Ada\u00A0Lovelace:", "Bob\u00A0Jones"], bold.Order(StringComparer.Ordinal));
        Assert.All(adaBlocks, block => Assert.All(block.Split('\n').Skip(1), line =>
        {
            Assert.DoesNotMatch(BlockStart(), line);
            Assert.DoesNotContain("**", line, StringComparison.Ordinal);
        }));
        Assert.Contains(adaBlocks, b => b.Contains("＊＊Bob Jones:＊＊", StringComparison.Ordinal));
        Assert.Contains(adaBlocks, b => b.Contains("＃ Blockers\n＞ Bob Jones: we are blocked\n- Nothing to do — ＊＊Bob Jones＊＊\n－－－", StringComparison.Ordinal));
    }

    [Fact]
    public void Links_in_answers_still_render_as_links()
    {
        var texts = Texts(DigestCards.ChannelCards(HostileDigest()));

        Assert.Contains(texts, t => t.StartsWith("See [the notes](https://example.org/notes_v2) and https://example.org/x_y\u00A0— **Ada\u00A0Lovelace**", StringComparison.Ordinal));
    }

    [Fact]
    public void The_markdown_export_uses_the_same_rule()
    {
        var markdown = WeeknoteMarkdown.Render(HostileDigest());

        Assert.Contains("- Shipped the beta — Ada Lovelace\n  ＊＊Bob Jones:＊＊\n  Approved the whole budget\n- Reviewed the beta — Bob Jones\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- ＃ Blockers — Ada Lovelace\n  ＞ Bob Jones: we are blocked\n  - Nothing to do — ＊＊Bob Jones＊＊\n  －－－\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- See [the notes](https://example.org/notes_v2) and https://example.org/x_y — Ada Lovelace\n", markdown, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.Where(p => p.Key == "text").Select(p => p.Value?.GetValue<string>() ?? "").Concat(o.Where(p => p.Key != "text").SelectMany(p => Strings(p.Value))),
        JsonArray a => a.SelectMany(Strings),
        _ => [],
    };

    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"^[ \t]*[#>]")]
    private static partial Regex BlockStart();
}
