using System.Text.Encodings.Web;
using System.Text.Json;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Tests.Cards;

/// <summary>
/// The channel digest card for a known week, compared byte for byte with a reviewed golden file
/// (<c>tests/UpdateBot.Tests/Golden/digest-card.json</c>). Set UPDATEBOT_UPDATE_GOLDEN=1 to rewrite it after a
/// deliberate change, then review the diff.
/// </summary>
public sealed class DigestCardGoldenTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Digest SampleDigest()
    {
        var settings = new SquadSettings(
            "Mental Health Discovery",
            "Europe/London",
            SquadSchedule.Default,
            SettingsValidation.DefaultSections,
            ["29:priya"],
            AutoPublish: false);
        var at = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        Entry Answered(string id, string name, params (string Section, string Text)[] answers) =>
            new(id, name, EntryStatus.Answered, answers.ToDictionary(a => a.Section, a => a.Text), at);
        var entries = new List<Entry>
        {
            Answered("29:priya", "Priya Shah",
                ("highlights", "Ran our first two user research sessions with crisis line call handlers."),
                ("people-we-met", "The NHS 111 online team, who shared their triage research.")),
            Answered("29:tom", "Tom Okafor",
                ("discovery-and-delivery", "Prototyped the referral form; see [the notes](https://example.org/notes)."),
                ("reading-and-links", "- Good Services by Lou Downe\n- The GDS service manual on discovery")),
            Answered("29:sian", "Siân Evans", ("highlights", "Our data protection impact assessment was signed off.")),
            new("29:marek", "Marek Nowak", EntryStatus.Quiet, new Dictionary<string, string>(), at),
            new("29:aisha", "Aisha Rahman", EntryStatus.Away, new Dictionary<string, string>(), at),
        };
        var edits = DigestEdits.None with
        {
            Intro = "A week of firsts: research sessions, a prototype and an approved DPIA.",
            HiddenItemIds = new HashSet<string> { "29:priya/people-we-met" },
        };
        return DigestComposer.Compose(settings, new IsoWeek(2026, 47), 12, entries, new Participation(6, 3, 1, 1, 1), edits);
    }

    [Fact]
    public void The_digest_card_matches_the_golden_file()
    {
        var cards = DigestCards.ChannelCards(SampleDigest());

        Assert.Single(cards);
        var actual = JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(CardJson.Serialize(cards[0])), Indented) + "\n";
        var golden = Path.Combine(RepoPaths.Root, "tests", "UpdateBot.Tests", "Golden", "digest-card.json");
        if (Environment.GetEnvironmentVariable("UPDATEBOT_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, actual);
        }

        var expected = File.ReadAllText(golden);
        if (expected != actual)
        {
            var actualPath = Path.ChangeExtension(golden, ".actual.json");
            File.WriteAllText(actualPath, actual);
            Assert.Fail($"The digest card differs from {golden}. Compare: diff -u {golden} {actualPath}");
        }
    }

    [Fact]
    public void The_hidden_item_and_empty_sections_are_not_in_the_card()
    {
        var text = CardJson.Serialize(DigestCards.ChannelCards(SampleDigest())[0]);

        Assert.DoesNotContain("NHS 111", text, StringComparison.Ordinal);
        Assert.DoesNotContain("People we met", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Blockers and asks", text, StringComparison.Ordinal);
        Assert.Contains("Update 12", text, StringComparison.Ordinal);
        Assert.Contains("Siân", text, StringComparison.Ordinal);
    }
}
