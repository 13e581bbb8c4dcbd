using System.Text.Json;
using System.Text.RegularExpressions;
using CsCheck;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>No answer text can break a card's JSON or spoof a mention (issue 3 item 8, issue 4 acceptance).</summary>
public sealed class AnswerTextCardPropertyTests
{
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private static readonly DateTimeOffset ClosesAt = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);

    private static readonly Squad Squad = new(
        "19:team", FakeTeams.TenantId, FakeTeams.ServiceUrl, FakeTeams.BotId, "19:channel", true,
        SettingsValidation.Defaults("Platform", ["29:lead"]), 0, default);

    /// <summary>Hostile fragments mixed with arbitrary characters.</summary>
    private static readonly Gen<string> HostileText = Gen.OneOf(
            Gen.String,
            Gen.Char.Array[0, 8].Select(c => new string(c)),
            Gen.OneOf<string>(
                "\"", "\\", "\\\"", "{", "}", "{\"type\":\"Action.Submit\"}", "<at>Bob</at>", "<AT id=\"0\">Boss</AT>", "<at>", "</at>",
                "<<at>at>", "<at<at>>", "</a</at>t>", "😀", "👩🏽‍💻", "\u0000", "\u0007", "\u001b[31m", "\u202e", "\u2066", "\ud800",
                "**bold**", "_it_", "[link](https://example.org)", "# heading", "- bullet", "\r\n", "\r", "\n\n\n\n", "\t", " ", "&amp;", "<b>x</b>", "${x}", "{{DATE(2026-11-26T10:00:00Z)}}"))
        .Array[0, 16]
        .Select(parts => string.Concat(parts));

    /// <summary>Teams mention markup, opening or closing, however spaced or cased (<c>&lt;at&gt;</c>, <c>&lt;AT id="0"&gt;</c>, <c>&lt;/at&gt;</c>).</summary>
    private static readonly Regex MentionMarkup = new(@"<\s*/?\s*at\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [Fact]
    public void Any_answer_text_survives_the_cards_intact_and_never_carries_a_mention()
    {
        HostileText.Sample(raw =>
        {
            var cleaned = AnswerText.Clean(raw);
            Assert.Equal(cleaned, AnswerText.Clean(cleaned));

            var answers = new Dictionary<string, string> { ["highlights"] = cleaned };
            var entry = new Entry("29:ada", "Ada " + raw, EntryStatus.Answered, answers, ClosesAt.AddHours(-3));
            var digest = DigestComposer.Compose(Squad.Settings, Week, 1, [entry], new Participation(1, 1, 0, 0, 0), DigestEdits.None with { Intro = raw });
            var cards = new List<AdaptiveCard>
            {
                PromptCards.Form(Squad, Week, answers, [], reminder: false, "29:ada", ClosesAt),
                PromptCards.Summary(Squad, Week, entry, null, open: true, ClosesAt),
                PromptCards.Captured(Squad, Week, "highlights", cleaned),
                ReviewCards.Header(digest, Squad.Id, "29:lead", "Publishes soon.", published: false),
            };
            cards.AddRange(DigestCards.ChannelCards(digest));
            cards.AddRange(ReviewCards.ItemCards(digest, Squad.Id, "29:lead"));

            foreach (var card in cards)
            {
                using var document = JsonDocument.Parse(CardJson.Serialize(card));
                foreach (var text in Strings(document.RootElement))
                {
                    Assert.DoesNotMatch(MentionMarkup, text);
                }
            }

            // The member's text round-trips: the form gives back exactly what was stored.
            using var form = JsonDocument.Parse(CardJson.Serialize(cards[0]));
            var input = Elements(form.RootElement).Single(e => e.TryGetProperty("id", out var id) && id.GetString() == PromptCards.SectionInput("highlights"));
            var value = input.TryGetProperty("value", out var v) ? v.GetString() ?? "" : "";
            Assert.Equal(cleaned, AnswerText.Clean(value));
            Assert.Equal(cleaned, value);
            if (cleaned.Length > 0)
            {
                var channel = string.Concat(DigestCards.ChannelCards(digest).Select(c => string.Join("\n", Strings(JsonDocument.Parse(CardJson.Serialize(c)).RootElement))));
                Assert.Contains(MemberMarkdown.Neutralise(cleaned), channel);
            }
        }, iter: 400);
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    private static IEnumerable<JsonElement> Elements(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new[] { element }.Concat(element.EnumerateObject().SelectMany(p => Elements(p.Value))),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Elements),
        _ => [],
    };
}
