using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Deliveries;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Messaging;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Questions;

/// <summary>What an answer did: the author's card as it now stands, and what they are told.</summary>
public sealed record QuestionReply(AdaptiveCard? Card, string Message);

/// <summary>
/// Questions from readers (README, "Questions from readers"). A reader asks about one item of a published weeknote;
/// the question goes 1:1 to the item's author only (nobody else sees it before it is answered); the author's answer is
/// posted as a reply in the weeknote's thread, naming both. Both sends are intents of the delivery engine, keyed by the
/// question, so each happens once whatever Teams redelivers.
/// </summary>
public sealed class QuestionService(
    QuestionStore questions,
    CycleStore cycle,
    DigestService digests,
    MemberStore members,
    DeliveryEngine delivery,
    Messenger messenger,
    TimeProvider time)
{
    /// <summary>A reader's question from the channel post. Returns what the reader is told (only they see it).</summary>
    /// <param name="t">The reader's language (their click's: the reply is theirs alone).</param>
    public async Task<string> AskAsync(Squad squad, IsoWeek week, string? itemId, string askerId, string askerName, string? typed, Texts t, CancellationToken cancellationToken)
    {
        var text = AnswerText.Clean(typed);
        if (text.Length == 0)
        {
            return t["Ask.Empty"];
        }

        if (text.Length > QuestionCards.MaxLength)
        {
            return t.Format("Ask.TooLong", Texts.Number(text.Length), Texts.Number(QuestionCards.MaxLength));
        }

        var post = await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken);
        if (post is not { State: MarkerStates.Sent })
        {
            return t["Ask.NotInChannel"];
        }

        var digest = await digests.ComposeAsync(squad, week, cancellationToken, post.Edition);
        var item = digest.VisibleSections.SelectMany(s => s.Items).FirstOrDefault(i => i.ItemId == itemId && i.MemberId.Length > 0);
        if (item is null)
        {
            return t["Ask.ItemGone"];
        }

        if (item.MemberId == askerId)
        {
            return t["Ask.OwnItem"];
        }

        var now = time.GetUtcNow();
        var askedWeek = WeekWindow.CurrentWeek(squad, now);
        var question = new QuestionRow
        {
            PartitionKey = EntryStore.Partition(squad.Id, askedWeek),
            RowKey = QuestionStore.Key(QuestionStore.IdFor(askerId, item.ItemId, text)),
            Week = week.ToString(),
            ItemId = item.ItemId,
            ItemText = item.Text,
            AskerId = askerId,
            AskerName = askerName,
            AuthorId = item.MemberId,
            AuthorName = item.AuthorName,
            Question = text,
            AskedAt = now,
        };
        if (!await questions.AddAsync(question, cancellationToken))
        {
            // The same question again (a redelivered click, or pressed again after Teams was busy): kept once, sent once.
            question = await questions.GetAsync(squad.Id, askedWeek, question.Id, cancellationToken) ?? question;
        }

        var record = await SendToAuthorAsync(squad, askedWeek, question, cancellationToken);
        var author = DigestCards.PlainName(question.AuthorName);
        return record.State switch
        {
            SendState.Sent or SendState.AlreadySent or SendState.InFlight => t.Format("Ask.Sent", author),
            SendState.Retry => t.Format("Ask.Busy", author),
            SendState.Unconfirmed => t.Format("Ask.Unconfirmed", author),
            _ => t.Format("Ask.Unreachable", author, t.Reason(record.Marker.DetailCode, record.Marker.Detail)),
        };
    }


    /// <summary>
    /// A lead's "send again" for the questions asked in <paramref name="askedWeek"/>: each question or answer whose
    /// unconfirmed send was released (<paramref name="released"/>) is sent once more, from its stored question, through
    /// the same intent, so it goes at most once more.
    /// </summary>
    public async Task SendReleasedAsync(Squad squad, IsoWeek askedWeek, IEnumerable<SendIntent> released, CancellationToken cancellationToken)
    {
        foreach (var intent in released.Where(i => i.Kind is IntentKind.Question or IntentKind.QuestionAnswer && i.Topic is not null))
        {
            // Erased or past retention since: nothing is left to send.
            if (await questions.GetAsync(squad.Id, askedWeek, intent.Topic!, cancellationToken) is not { } question)
            {
                continue;
            }

            if (intent.Kind == IntentKind.Question)
            {
                await SendToAuthorAsync(squad, askedWeek, question, cancellationToken);
            }
            else if (question.IsAnswered)
            {
                await PostAnswerAsync(squad, askedWeek, question, cancellationToken);
            }
        }
    }

    /// <summary>The question, 1:1 to the item's author, once (its intent is keyed by the question).</summary>
    private Task<SendRecord> SendToAuthorAsync(Squad squad, IsoWeek askedWeek, QuestionRow question, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(question.PartitionKey, SendIntent.Question(question.AuthorId, question.Id).Key,
            async (_, ct) =>
            {
                // In the author's language: this is sent from the reader's turn, not the author's.
                var t = await members.TextsForAsync(squad.Id, question.AuthorId, ct);
                return await messenger.SendToMemberAsync(squad, question.AuthorId, QuestionCards.ToAuthor(squad.Id, askedWeek, question, t), t.Format("Question.Notify", question.AskerName), ct);
            },
            cancellationToken);

    /// <summary>The author's answer from the question card, 1:1. Only the question's author may answer it.</summary>
    /// <param name="t">The language of whoever pressed (a refusal is theirs, author or not).</param>
    public async Task<QuestionReply> AnswerAsync(Squad squad, IsoWeek askedWeek, string questionId, string userId, string? typed, Texts t, CancellationToken cancellationToken)
    {
        var question = await questions.GetAsync(squad.Id, askedWeek, questionId, cancellationToken);
        if (question is null)
        {
            return new QuestionReply(null, t["Question.NotKept"]);
        }

        if (question.AuthorId != userId)
        {
            return new QuestionReply(null, t["Question.AuthorOnly"]);
        }

        if (!question.IsAnswered)
        {
            var text = AnswerText.Clean(typed);
            if (text.Length == 0 || text.Length > QuestionCards.MaxLength)
            {
                var problem = text.Length == 0 ? t["Question.Empty"] : t.Format("Question.TooLong", Texts.Number(text.Length), Texts.Number(QuestionCards.MaxLength));
                return new QuestionReply(QuestionCards.ToAuthor(squad.Id, askedWeek, question, t), problem);
            }

            question.Answer = text;
            question.AnsweredAt = time.GetUtcNow();
            if (!await questions.TrySaveAnswerAsync(question, cancellationToken))
            {
                // Answered a moment ago on another device: that answer stands (and is what gets posted).
                question = await questions.GetAsync(squad.Id, askedWeek, questionId, cancellationToken) ?? question;
            }
        }

        return await PostAnswerAsync(squad, askedWeek, question, cancellationToken, t);
    }

    /// <summary>The answer as a reply in the weeknote's thread, once.</summary>
    /// <param name="authorTexts">The author's language when they pressed (their turn's); else the one stored for them.</param>
    private async Task<QuestionReply> PostAnswerAsync(Squad squad, IsoWeek askedWeek, QuestionRow question, CancellationToken cancellationToken, Texts? authorTexts = null)
    {
        var t = authorTexts ?? await members.TextsForAsync(squad.Id, question.AuthorId, cancellationToken);
        if (!IsoWeek.TryParse(question.Week, out var week)
            || await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken) is not { State: MarkerStates.Sent, ConversationId: { } thread } post)
        {
            return new QuestionReply(QuestionCards.Answered(squad.Id, askedWeek, question, t["Question.PostGone"], texts: t), t["Question.Saved"]);
        }

        var record = await delivery.DeliverAsync(question.PartitionKey, SendIntent.QuestionAnswer(question.AskerId, question.Id).Key,
            async (_, ct) => await messenger.SendCardAsync(squad.ServiceUrl, thread, QuestionCards.InThread(question, await ShownItemTextAsync(squad, week, post.Edition, question, ct), squad.Settings.Headings), ct),
            cancellationToken);
        var note = record.State switch
        {
            SendState.Sent or SendState.AlreadySent => t["Question.Posted"],
            SendState.InFlight => t["Question.BeingPosted"],
            SendState.Retry => t["Question.Busy"],
            SendState.Unconfirmed => t["Question.Unconfirmed"],
            _ => t.Format("Question.Refused", t.Reason(record.Marker.DetailCode, record.Marker.Detail)),
        };
        return new QuestionReply(QuestionCards.Answered(squad.Id, askedWeek, question, note, postAgain: record.State == SendState.Retry, t), note);
    }

    /// <summary>
    /// The item's text as the channel post shows it now (a lead's edit included), or null when the post no longer
    /// shows it: the text kept with the question is what the reader saw, and may since have been hidden or taken out.
    /// </summary>
    private async Task<string?> ShownItemTextAsync(Squad squad, IsoWeek week, int edition, QuestionRow question, CancellationToken cancellationToken)
    {
        var digest = await digests.ComposeAsync(squad, week, cancellationToken, edition);
        return digest.VisibleSections.SelectMany(s => s.Items).FirstOrDefault(i => i.ItemId == question.ItemId && i.MemberId == question.AuthorId)?.Text;
    }
}
