using System.Text;
using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Digests;
using UpdateBot.Localisation;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Tests.Infrastructure;
using UpdateBot.TestSupport;

namespace UpdateBot.Tests;

/// <summary>Every card the service can send renders in the adaptivecards library and fits Teams' size limit (docs/protocol.md, "Card size").</summary>
public sealed class CardCatalogueTests
{
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private static readonly DateTimeOffset ClosesAt = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);

    private static Squad NewSquad(int sections = 7) => new(
        "19:team", FakeTeams.TenantId, FakeTeams.ServiceUrl, FakeTeams.BotId, "19:channel", true,
        new SquadSettings("Platform", "Europe/London", SquadSchedule.Default, SettingsValidation.DefaultSections.Take(sections).ToList(), ["29:lead"], AutoPublish: true),
        3, default);

    private static Entry NewEntry(string id, string name, EntryStatus status, IReadOnlyDictionary<string, string>? answers = null) =>
        new(id, name, status, answers ?? new Dictionary<string, string>(), ClosesAt.AddHours(-5));

    /// <summary>60 members × 7 sections × 500 characters, each answer distinct.</summary>
    private static Digest BigDigest()
    {
        var squad = NewSquad();
        var entries = Enumerable.Range(0, 60).Select(m => NewEntry(
            $"29:m{m:D2}", $"Member {m:D2} Surname",
            EntryStatus.Answered,
            squad.Settings.Sections.Select((s, j) => (s.Id, Text: Filler($"m{m:D2}s{j}", 500))).ToDictionary(x => x.Id, x => x.Text))).ToList();
        return DigestComposer.Compose(squad.Settings, Week, 12, entries, new Participation(60, 60, 0, 0, 0), DigestEdits.None);
    }

    private static string Filler(string tag, int length)
    {
        var builder = new StringBuilder(tag).Append(':');
        var words = new[] { "met", "the", "ICB", "team", "about", "discovery", "shipped", "a", "prototype", "read", "[notes](https://example.org/n)" };
        for (var i = 0; builder.Length < length; i++)
        {
            builder.Append(' ').Append(words[i % words.Length]);
        }

        return builder.ToString()[..length].TrimEnd();
    }

    private static Digest SmallDigest(bool hidden = false)
    {
        var squad = NewSquad();
        var entries = new List<Entry>
        {
            NewEntry("29:ada", "Ada Lovelace", EntryStatus.Answered, new Dictionary<string, string> { ["highlights"] = "Shipped the engine", ["reading-and-links"] = "See [the notes](https://example.org)" }),
            NewEntry("29:bo", "Bo Diddley", EntryStatus.Answered, new Dictionary<string, string> { ["highlights"] = "Played the beat" }),
            NewEntry("29:cy", "Cy Twombly", EntryStatus.Quiet),
        };
        var edits = hidden ? DigestEdits.None with { HiddenItemIds = new HashSet<string> { DigestComposer.ItemId("29:bo", "highlights") }, Intro = "A good week." } : DigestEdits.None;
        return DigestComposer.Compose(squad.Settings, Week, 3, entries, new Participation(4, 2, 1, 0, 1), edits);
    }

    /// <summary>Blockers said again (one resolved by a lead) and items the plain-English check has advice on.</summary>
    private static Digest ContinuityDigest()
    {
        var settings = NewSquad(8).Settings;
        var lastWeek = Week.Previous();
        Entry Blockers(IsoWeek week, string id, string name, string text) => NewEntry(id, name, EntryStatus.Answered, new Dictionary<string, string> { [Continuity.BlockersSectionId] = text, ["highlights"] = $"As discussed, the ICB liked it, see https://example.org/{week}" });
        var now = new[] { Blockers(Week, "29:ada", "Ada Lovelace", "Waiting for IG sign-off"), Blockers(Week, "29:bo", "Bo Diddley", "- Need a designer\n- Need a venue for the show and tell") };
        var before = new[] { Blockers(lastWeek, "29:ada", "Ada Lovelace", "Still waiting for IG sign off"), Blockers(lastWeek, "29:bo", "Bo Diddley", "Need a designer") };
        var digest = DigestComposer.Compose(settings, Week, 4, now, new Participation(2, 2, 0, 0, 0), DigestEdits.None);
        return Continuity.WithAges(digest, Continuity.Age(Week, now, [(lastWeek, before)], [new BlockerMark(Week, "29:bo", Continuity.BlockerKey("Need a designer"))]));
    }

    /// <summary>Every card in both languages (README, "Welsh and English"), each named with its culture.</summary>
    public static IEnumerable<(string Name, AdaptiveCard Card, bool SizeLimited)> AllCards() =>
        Enum.GetValues<Language>().SelectMany(language => AllCards(Texts.For(language)).Select(c => ($"{c.Name}.{language.CultureName()}", c.Card, c.SizeLimited)));

    private static IEnumerable<(string Name, AdaptiveCard Card, bool SizeLimited)> AllCards(Texts t)
    {
        var squad = NewSquad();
        var answers = new Dictionary<string, string> { ["highlights"] = "Shipped it", ["blockers-and-asks"] = "Need a reviewer" };
        yield return ("welcome-team", WelcomeCards.Welcome(inTeam: true, "Platform", texts: t), false);
        yield return ("welcome-personal", WelcomeCards.Welcome(inTeam: false, null, texts: t), false);
        yield return ("help-lead", WelcomeCards.Help(isLead: true, texts: t), false);
        yield return ("help-member", WelcomeCards.Help(isLead: false, t["Help.DidNotCatch"], t), false);
        yield return ("setup-form", SetupCards.Form(squad, null, [], texts: t), false);
        yield return ("setup-form-errors", SetupCards.Form(squad, new SquadSettingsInput("Platform", "Mars/Base", "Thursday", "10:00", "Friday", "15:00", "Friday", "14:00", "Friday", "16:00", "Highlights\n\nBlockers", true),
            ["Unknown time zone \"Mars/Base\".", "The reminder must come before the draft is compiled."], texts: t), false);
        yield return ("setup-saved", SetupCards.Saved(squad.Settings, "Lena Lead", texts: t), false);
        yield return ("prompt-form", PromptCards.Form(squad, Week, new Dictionary<string, string>(), [], reminder: false, "29:ada", ClosesAt, texts: t), false);
        yield return ("prompt-reminder", PromptCards.Form(squad, Week, answers, [], reminder: true, "29:ada", ClosesAt, texts: t), false);
        var carried = Continuity.FromLastWeek(NewSquad(8).Settings, NewEntry("29:ada", "Ada", EntryStatus.Answered, new Dictionary<string, string> { ["next-week"] = "Book the **research** venue", ["blockers-and-asks"] = Filler("long", 1_900) }));
        yield return ("prompt-form-carried", PromptCards.Form(NewSquad(8), Week, answers, [], reminder: false, "29:ada", ClosesAt, carried: carried, texts: t), true);
        yield return ("prompt-form-errors", PromptCards.Form(squad, Week, answers, ["Highlights is 2,001 characters; the limit is 2,000."], reminder: false, "29:ada", ClosesAt, texts: t), false);
        var open = squad with { Settings = squad.Settings with { PublishOpenly = true } };
        yield return ("setup-form-open", SetupCards.Form(open, null, [], texts: t), false);
        yield return ("setup-saved-open", SetupCards.Saved(open.Settings, "Lena Lead", texts: t), false);
        yield return ("prompt-form-open", PromptCards.Form(open, Week, answers, [], reminder: false, "29:ada", ClosesAt, open: new OpenChoices(TeamOnly: true, PublicName.FirstName), texts: t), false);
        yield return ("summary-answered-open", PromptCards.Summary(open, Week, NewEntry("29:ada", "Ada", EntryStatus.Answered, answers) with { TeamOnly = true }, null, open: true, ClosesAt, texts: t), false);
        yield return ("summary-quiet", PromptCards.Summary(squad, Week, NewEntry("29:ada", "Ada", EntryStatus.Quiet), null, open: true, ClosesAt, texts: t), false);
        yield return ("summary-away", PromptCards.Summary(squad, Week, NewEntry("29:ada", "Ada", EntryStatus.Away), new DateOnly(2026, 12, 12), open: true, ClosesAt, texts: t), false);
        yield return ("summary-answered", PromptCards.Summary(squad, Week, NewEntry("29:ada", "Ada", EntryStatus.Answered, answers), null, open: true, ClosesAt, texts: t), false);
        yield return ("summary-closed", PromptCards.Summary(squad, Week, NewEntry("29:ada", "Ada", EntryStatus.Answered, answers), null, open: false, ClosesAt, texts: t), false);
        yield return ("captured", PromptCards.Captured(squad, Week, "highlights", "Met the ICB team", texts: t), false);
        yield return ("status", StatusCards.Status("Platform", Week,
        [
            new MemberWeekStatus("Ada Lovelace", "Answered", null, null),
            new MemberWeekStatus("Bo Diddley", "Unreachable", "They have blocked or muted the bot.", "Ask them to unblock UpdateBot in their chat list."),
            new MemberWeekStatus("Cy Twombly", "Quiet", "Quiet week.", null),
            new MemberWeekStatus("Di Fawcett", "Away", "Until 12 Dec.", null),
            new MemberWeekStatus("Ed Ruscha", "Pending", "Delivery unconfirmed: a restart interrupted the send.", "Ask them whether they got the prompt, or say remind now."),
        ], "next: remind Fri 27 Nov, 10:00", texts: t)[0], false);
        var question = new QuestionRow
        {
            PartitionKey = "19:team|2026-W49", RowKey = QuestionStore.Key("0123456789abcdef"), Week = "2026-W48", ItemId = "29:ada/highlights",
            ItemText = "Shipped the engine, **with** [notes](https://example.org)", AskerId = "29:bo", AskerName = "Bo *Diddley*", AuthorId = "29:ada", AuthorName = "Ada Lovelace",
            Question = "# What engine?\n> quoted", AskedAt = ClosesAt,
        };
        yield return ("question-to-author", QuestionCards.ToAuthor("19:team", IsoWeek.Parse("2026-W49"), question, t), true);
        question.Answer = "The **difference** engine.";
        yield return ("question-answered", QuestionCards.Answered("19:team", IsoWeek.Parse("2026-W49"), question, t["Question.Posted"], texts: t), true);
        yield return ("question-answered-again", QuestionCards.Answered("19:team", IsoWeek.Parse("2026-W49"), question, t["Question.Busy"], postAgain: true, t), true);
        // In the thread: the English catalogue has English headings, the Welsh one both (the longest).
        var threadHeadings = t.Language == Language.Welsh ? HeadingLanguages.Both : HeadingLanguages.English;
        yield return ("question-in-thread", QuestionCards.InThread(question, question.ItemText, threadHeadings), true);
        yield return ("question-in-thread-item-gone", QuestionCards.InThread(question, null, threadHeadings), true);
        if (t.Language == Language.Welsh)
        {
            yield return ("question-in-thread-welsh", QuestionCards.InThread(question, question.ItemText, HeadingLanguages.Welsh), true);
        }
        yield return ("notice-post-unconfirmed", NoticeCards.PostUnconfirmed(12, null, t), false);
        yield return ("notice-post-refused", NoticeCards.PostRefused(12, "Forbidden: the bot is not in the conversation roster.", t), false);
        yield return ("notice-lead-left", NoticeCards.LeadLeft("Ada Lovelace", "Platform", t), false);
        yield return ("notice-lead-left-unnamed", NoticeCards.LeadLeft(null, "Platform", t), false);
        yield return ("history", HistoryCards.History("Platform",
        [
            new EditionRow { Edition = 2, Week = "2026-W48", Title = "Platform weeknotes — Update 2", DateRange = "23–27 Nov 2026", Participation = "7 of 9 contributed", ConversationId = "19:c;messageid=2", ActivityId = "2" },
            new EditionRow { Edition = 1, Week = "2026-W47", Title = "Platform weeknotes — Update 1", DateRange = "16–20 Nov 2026", Participation = "6 of 9 contributed" },
        ], _ => null, t), false);

        foreach (var (label, digest) in new[] { ("small", SmallDigest()), ("hidden", SmallDigest(hidden: true)), ("big", BigDigest()), ("continuity", ContinuityDigest()) })
        {
            // Welsh: the channel post with its headings in both languages (the largest), and in Welsh alone.
            var headings = t.Language == Language.Welsh ? HeadingLanguages.Both : HeadingLanguages.English;
            if (t.Language == Language.Welsh)
            {
                var welshOnly = DigestCards.ChannelCards(digest, "19:team", HeadingLanguages.Welsh);
                for (var i = 0; i < welshOnly.Count; i++)
                {
                    yield return ($"channel-welsh-{label}-{i}", welshOnly[i], true);
                }
            }

            var channel = DigestCards.ChannelCards(digest, headings: headings);
            for (var i = 0; i < channel.Count; i++)
            {
                yield return ($"channel-{label}-{i}", channel[i], true);
            }

            // A continuation part a correction made unnecessary, in the post's heading languages.
            yield return ($"channel-merged-{label}", DigestCards.MergedIntoPost(digest, headings), true);

            // As posted: with Ask about this (per item, or per section when per item would need more cards).
            var asking = DigestCards.ChannelCards(digest, "19:team", headings);
            for (var i = 0; i < asking.Count; i++)
            {
                yield return ($"channel-ask-{label}-{i}", asking[i], true);
            }

            yield return ($"review-header-{label}", ReviewCards.Header(digest, "19:team", "29:lead", t.Format("Review.PublishLine.Auto", "Fri 27 Nov, 16:00"), published: false, texts: t), true);
            var items = ReviewCards.ItemCards(digest, "19:team", "29:lead", texts: t);
            for (var i = 0; i < items.Count; i++)
            {
                yield return ($"review-items-{label}-{i}", items[i], true);
            }

            // A squad that publishes openly: each item says whether it will be public, with Withhold or Make public again.
            var openSettings = NewSquad().Settings with { PublishOpenly = true };
            yield return ($"review-header-open-{label}", ReviewCards.Header(digest, "19:team", "29:lead", t.Format("Review.PublishLine.Auto", "Fri 27 Nov, 16:00"), published: false, openSettings, t), true);
            var openItems = ReviewCards.ItemCards(digest, "19:team", "29:lead", openSettings, t);
            for (var i = 0; i < openItems.Count; i++)
            {
                yield return ($"review-items-open-{label}-{i}", openItems[i], true);
            }
        }
    }

    [Fact]
    public async Task Every_card_is_valid_for_the_adaptivecards_library()
    {
        var cards = AllCards().ToList();
        Assert.True(cards.Count > 30);
        await AdaptiveCardValidator.AssertValidAsync(cards.Select(c => (c.Name, CardJson.Serialize(c.Card))));
    }

    [Fact]
    public void Every_channel_and_review_card_fits_the_message_size_limit()
    {
        var oversized = AllCards().Where(c => c.SizeLimited)
            .Select(c => (c.Name, Bytes: CardJson.MeasureUtf16Bytes(c.Card)))
            .Where(c => c.Bytes > CardJson.MaxMessageUtf16Bytes)
            .ToList();
        Assert.Empty(oversized);
    }

    [Fact]
    public void The_big_digest_spans_several_cards_and_nothing_is_cut()
    {
        var digest = BigDigest();
        var channel = DigestCards.ChannelCards(digest);
        var review = ReviewCards.ItemCards(digest, "19:team", "29:lead");
        Assert.True(channel.Count > 1);
        var channelText = string.Concat(channel.Select(c => FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(c)))));
        var reviewText = string.Concat(review.Select(c => FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(c)))));
        var items = digest.Sections.SelectMany(s => s.Items).ToList();
        Assert.Equal(60 * 7, items.Count);
        Assert.All(items, item =>
        {
            Assert.Equal(500, item.Text.Length);
            Assert.Contains(item.Text, channelText);
            Assert.Contains(item.Text, reviewText);
        });
    }

    [Fact]
    public void Every_item_of_a_post_that_fits_has_its_own_ask_and_a_post_that_would_need_more_cards_has_one_per_section()
    {
        static int Asks(IEnumerable<AdaptiveCard> cards) =>
            cards.Sum(c => CardJson.Serialize(c).Split("\"digest.ask\"").Length - 1);

        // Each Ask about this writes its verb twice: the Action.Execute and its Action.Submit fallback.
        var small = SmallDigest();
        Assert.Equal(2 * small.VisibleSections.Sum(s => s.Items.Count), Asks(DigestCards.ChannelCards(small, "19:team")));

        var big = BigDigest();
        var asking = DigestCards.ChannelCards(big, "19:team");
        Assert.Equal(2 * big.VisibleSections.Count, Asks(asking));
        Assert.All(asking, c => Assert.True(CardJson.MeasureUtf16Bytes(c) <= CardJson.MaxMessageUtf16Bytes));
    }

    [Fact]
    public void A_hidden_item_is_left_out_of_the_channel_cards()
    {
        var text = string.Concat(DigestCards.ChannelCards(SmallDigest(hidden: true)).Select(c => FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(c)))));
        Assert.Contains("Shipped the engine", text);
        Assert.Contains("A good week.", text);
        Assert.DoesNotContain("Played the beat", text);
    }
}
