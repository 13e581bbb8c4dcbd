using System.Globalization;
using System.Text.Json;
using UpdateBot.Answers;
using UpdateBot.Cards;
using Microsoft.Extensions.Options;
using UpdateBot.Cycle;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Hosting;
using UpdateBot.Localisation;
using UpdateBot.Squads;
using UpdateBot.Storage;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Turns;

/// <summary>
/// Card actions, from an <c>Action.Execute</c> invoke or its <c>Action.Submit</c> fallback, dispatched by
/// <see cref="CardRoutes"/>. <see cref="AdmitAsync"/> checks everything before anything is done or remembered: the
/// verb, the conversation it came from, its typed data, and who sent it (README, "What it promises, exactly": members change only their
/// own answer, for an open week of a squad they belong to; only leads change settings, review or publish). Identity
/// comes from the activity, never from card data.
/// </summary>
public sealed class CardActionHandler(
    SquadStore squads,
    SquadDirectory directory,
    MemberStore members,
    ConversationStore conversations,
    AnswerService answers,
    DigestService digests,
    BackgroundWork background,
    IOptions<TurnOptions> turnOptions,
    CycleStore cycle,
    TimeProvider time,
    PeopleStore people,
    OpenWeeknoteService openWeeknotes)
{
    /// <summary>Who asked is the sender; nobody but the item's author sees the question until it is answered.</summary>
    internal async Task<CardActionResult> AskAsync(CardActionRequest request, AskData data, CancellationToken cancellationToken)
    {
        var (turn, squad) = (request.Turn, request.Squad);
        var itemId = data.ItemId ?? data.Input(data.ItemInputId);
        var question = data.Input(data.InputId);

        // Interactive first: the 1:1 send to the author may wait behind Teams' limits; the click answers in time. The
        // answer is an invoke message, which only the reader who clicked sees (docs/protocol.md, "Universal Actions").
        var asking = await background.RunWithinAsync((services, ct) =>
            services.GetRequiredService<UpdateBot.Questions.QuestionService>().AskAsync(squad, data.Week, itemId, turn.UserId, turn.UserName, question, turn.Texts, ct), turnOptions.Value.InvokeDeadline, cancellationToken);
        return new CardActionResult(null, asking.IsCompleted
            ? await asking
            : turn.Texts["Card.AskBusy"]);
    }

    /// <summary>The item's author answers a reader's question on its 1:1 card; the answer goes to the weeknote's thread.</summary>
    internal async Task<CardActionResult> AnswerQuestionAsync(CardActionRequest request, QuestionAnswerData data, CancellationToken cancellationToken)
    {
        var (turn, squad) = (request.Turn, request.Squad);
        var answering = await background.RunWithinAsync((services, ct) =>
            services.GetRequiredService<UpdateBot.Questions.QuestionService>().AnswerAsync(squad, data.AskedWeek, data.QuestionId, turn.UserId, data.TypedAnswer(), turn.Texts, ct), turnOptions.Value.InvokeDeadline, cancellationToken);
        if (!answering.IsCompleted)
        {
            return new CardActionResult(null, turn.Texts["Card.AnswerBusy"]);
        }

        var reply = await answering;
        return new CardActionResult(reply.Card, reply.Card is null ? reply.Message : null);
    }

    /// <summary>Longer than any Teams team id; a longer one cannot name a squad and must not reach storage as a key.</summary>
    private const int MaxSquadIdLength = 256;

    public async Task<CardAdmission> AdmitAsync(Turn turn, string? verb, JsonElement? data, CancellationToken cancellationToken)
    {
        if (CardRoutes.Find(verb) is not { } route)
        {
            return CardAdmission.Refuse(CardActionResult.BadRequest(turn.Texts["Card.UnknownAction"]), null);
        }

        var from = ConversationOf(turn);
        if ((route.From & from) == CardConversations.None)
        {
            return CardAdmission.Refuse(CardActionResult.Refused(route.From == CardConversations.Personal
                ? turn.Texts["Card.OwnChatOnly"]
                : turn.Texts["Card.NotHere"]), route);
        }

        var (typed, problem) = route.Read(data);
        if (typed is null || typed.SquadId.Length is 0 or > MaxSquadIdLength || typed.SquadId.Any(char.IsControl))
        {
            return CardAdmission.Refuse(CardActionResult.BadRequest(turn.Texts.Format("Card.Unreadable", problem ?? turn.Texts["Card.NoSquadNamed"])), route);
        }

        if (turn.UserId.Length == 0)
        {
            return CardAdmission.Refuse(CardActionResult.Refused(turn.Texts["Card.WhoPressed"]), route);
        }

        // A personal card action is answered in the chat it came from: it must be the sender's own 1:1 chat with the
        // bot (the one their cards are sent to), not a chat id they chose.
        if (from == CardConversations.Personal && !await conversations.IsOwnChatAsync(turn.UserId, turn.ConversationId, cancellationToken))
        {
            return CardAdmission.Refuse(CardActionResult.Refused(turn.Texts["Card.OwnChatOnly"]), route);
        }

        var squad = await squads.GetAsync(typed.SquadId, cancellationToken);
        if (squad is null)
        {
            return CardAdmission.Refuse(CardActionResult.BadRequest(turn.Texts["Card.SquadGone"]), route);
        }

        var refusal = route.Audience switch
        {
            CardAudience.Lead => squad.IsLead(turn.UserId) ? null : turn.Texts["Card.LeadOnly"],
            CardAudience.LeadOrFirstSetup => await SetupRefusalAsync(turn, squad, cancellationToken),
            CardAudience.Reader => string.Equals(turn.TeamId, squad.Id, StringComparison.Ordinal)
                && string.Equals(turn.TenantId, squad.TenantId, StringComparison.OrdinalIgnoreCase)
                && await directory.IsMemberOrLeadAsync(squad, turn.UserId, cancellationToken)
                    ? null
                    : turn.Texts.Format("Card.ReaderOnly", squad.Settings.Name),
            _ => await directory.IsMemberOrLeadAsync(squad, turn.UserId, cancellationToken)
                ? null
                : turn.Texts.Format("Card.NotOnRoster", squad.Settings.Name),
        };
        return refusal is null
            ? CardAdmission.Accept(new CardActionRequest(turn, route, squad, typed))
            : CardAdmission.Refuse(CardActionResult.Refused(refusal), route);
    }

    public async Task<CardActionResult> RunAsync(CardActionRequest request, CancellationToken cancellationToken)
    {
        if (request.Route.Audience == CardAudience.Member && request.Data is ISquadWeekData { Week: var week })
        {
            // A card can only be for this week or the next one; anything else is stale or forged.
            var current = WeekWindow.CurrentWeek(request.Squad, time.GetUtcNow());
            if (week < current.Previous() || week > current.Next())
            {
                return new CardActionResult(null, request.Turn.Texts["Card.LongClosed"]);
            }
        }

        if (request.Route.Audience == CardAudience.Lead && request.Data is ISquadWeekData { Week: var deskWeek }
            && !SquadWeek.DeskAccepts(deskWeek, WeekWindow.CurrentWeek(request.Squad, time.GetUtcNow())))
        {
            // An old desk card acts only on its own week, and only while that week can still be reviewed or corrected:
            // it can never publish a week long gone under a new number.
            return new CardActionResult(null, request.Turn.Texts.Format("Card.OldDesk", deskWeek, Commands.Word(CommandKind.Preview, request.Turn.Language)));
        }

        return await request.Route.RunAsync(this, request, cancellationToken);
    }

    internal async Task<CardActionResult> ViewAnswerAsync(CardActionRequest request, PromptData data, bool forceForm, CancellationToken cancellationToken) =>
        new(await answers.ViewAsync(new AnswerFor(request.Squad, data.Week, request.Turn.UserId, request.Turn.UserName) { Language = request.Turn.Language }, forceForm, cancellationToken), null);

    internal async Task<CardActionResult> SubmitAsync(CardActionRequest request, PromptSubmitData data, CancellationToken cancellationToken)
    {
        var typed = new Dictionary<string, string?>(StringComparer.Ordinal);

        // Section inputs are named by section id, which survives renames; a card from before a section was removed still lands under it.
        foreach (var section in request.Squad.Settings.AllSections)
        {
            var id = PromptCards.SectionInput(section.Id);
            if (data.Inputs?.TryGetValue(id, out var value) == true)
            {
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    return CardActionResult.BadRequest(request.Turn.Texts.Format("Card.NotText", section.Title));
                }

                typed[id] = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            }
        }

        if (data.Basis is not null)
        {
            typed["basis"] = data.Basis;
        }

        return From(await answers.SubmitAsync(new AnswerFor(request.Squad, data.Week, request.Turn.UserId, request.Turn.UserName) { Language = request.Turn.Language }, typed, cancellationToken, OpenChange(data)));
    }

    /// <summary>
    /// The open weeknote choices the member changed on the form: a value is taken only when it differs from what the
    /// card showed, so a card from before another device's change never undoes it.
    /// </summary>
    private static OpenChoiceChange OpenChange(PromptSubmitData data)
    {
        string? Input(string id) => data.Inputs?.GetValueOrDefault(id) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
        bool? teamOnly = Input(PromptCards.TeamOnlyInput) is { } toggle && data.TeamOnlyShown is { } shownTeamOnly
            && string.Equals(toggle, "true", StringComparison.OrdinalIgnoreCase) != shownTeamOnly
            ? !shownTeamOnly
            : null;
        PublicName? name = Enum.TryParse<PublicName>(Input(PromptCards.PublicNameInput), ignoreCase: false, out var chosen) && Enum.IsDefined(chosen)
            && data.PublicNameShown is { } shownName && shownName != chosen.ToString()
            ? chosen
            : null;
        return new OpenChoiceChange(teamOnly, name);
    }

    internal async Task<CardActionResult> QuietAsync(CardActionRequest request, PromptData data, CancellationToken cancellationToken) =>
        From(await answers.QuietAsync(new AnswerFor(request.Squad, data.Week, request.Turn.UserId, request.Turn.UserName) { Language = request.Turn.Language }, cancellationToken));

    internal async Task<CardActionResult> AwayAsync(CardActionRequest request, PromptAwayData data, CancellationToken cancellationToken) =>
        From(await answers.AwayAsync(new AnswerFor(request.Squad, data.Week, request.Turn.UserId, request.Turn.UserName) { Language = request.Turn.Language }, ParseDate(data.AwayUntil), cancellationToken));

    internal async Task<CardActionResult> MoveCaptureAsync(CardActionRequest request, CaptureData data, CancellationToken cancellationToken) =>
        From(await answers.MoveCaptureAsync(new AnswerFor(request.Squad, data.Week, request.Turn.UserId, request.Turn.UserName) { Language = request.Turn.Language }, data.SectionId, data.Target ?? "", data.Text, cancellationToken));

    internal async Task<CardActionResult> UndoCaptureAsync(CardActionRequest request, CaptureData data, CancellationToken cancellationToken) =>
        From(await answers.UndoCaptureAsync(new AnswerFor(request.Squad, data.Week, request.Turn.UserId, request.Turn.UserName) { Language = request.Turn.Language }, data.SectionId, data.Text, cancellationToken));

    /// <summary>
    /// A tap on a squad choice: the message that waited for it is taken (once, on any instance) and handled for the
    /// squad picked, or for all the person's squads. Its replies go to the chat; the choice card says what was chosen.
    /// </summary>
    internal async Task<CardActionResult> ChooseSquadAsync(CardActionRequest request, SquadChoiceData data, CancellationToken cancellationToken)
    {
        var (turn, squad) = (request.Turn, request.Squad);
        if (await people.TakeChoiceAsync(turn.UserId, data.Token, cancellationToken) is not { } text)
        {
            return new CardActionResult(null, turn.Texts["Card.ChoiceGone"]);
        }

        var choice = new SquadChoice(data.All ? null : squad, data.All);
        await background.RunWithinAsync(async (services, ct) =>
        {
            await services.GetRequiredService<CommandHandler>().HandleAsync(turn, text, choice, ct);
            return true;
        }, turnOptions.Value.InvokeDeadline, cancellationToken);
        return new CardActionResult(SquadChoiceCards.Chosen(data.All ? null : squad.Settings.Name, SquadChoiceCards.Quote(text), request.Turn.Texts), null);
    }

    internal async Task<CardActionResult> SaveSetupAsync(CardActionRequest request, SetupSaveData data, CancellationToken cancellationToken)
    {
        var (turn, squad) = (request.Turn, request.Squad);
        var input = new SquadSettingsInput(
            data.Name,
            data.TimeZone,
            data.OpenDay, data.OpenTime,
            data.RemindDay, data.RemindTime,
            data.CompileDay, data.CompileTime,
            data.PublishDay, data.PublishTime,
            data.Sections,
            string.Equals(data.AutoPublish, "true", StringComparison.OrdinalIgnoreCase),
            data.SectionIds)
        {
            // A card without the open weeknote's inputs (built before they existed) keeps what the squad has.
            PublishOpenly = data.PublishOpenly is null ? squad.Settings.PublishOpenly : string.Equals(data.PublishOpenly, "true", StringComparison.OrdinalIgnoreCase),
            OpenSlug = data.OpenSlug ?? squad.Settings.EffectiveOpenSlug,
            PublicSectionIds = data.PublicSections?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            CarryForwardSectionIds = data.CarryForwardSections?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        var roster = await members.ListAsync(squad.Id, cancellationToken);
        var leads = ChosenLeads(data.Leads, squad, roster, turn.UserId);

        // A card built from older settings never overwrites newer ones silently (nor brings back a removed lead): the
        // lead sees what their card would change and saves again from the settings as they are now.
        if (data.Version != squad.SettingsVersion && SetupCards.Differences(squad.Settings, input, leads, roster, turn.Texts) is { Count: > 0 } differences)
        {
            return new CardActionResult(SetupCards.Form(squad, null, [turn.Texts["Setup.ChangedSinceCard"], .. differences], roster, texts: turn.Texts), null);
        }

        var result = SettingsValidation.Validate(input, squad.Settings, leads);
        var errors = result.Problems.Select(turn.Texts.Explain).ToList();
        if (leads.Count == 0)
        {
            errors.Add(turn.Texts["Setup.ChooseLead"]);
        }

        if (!result.IsValid || errors.Count > 0)
        {
            // Nothing is saved; the card comes back with everything the lead typed and what to fix.
            return new CardActionResult(SetupCards.Form(squad, input, errors, roster, data.Leads, turn.Texts), null);
        }

        switch (await squads.TrySaveSettingsAsync(squad, result.Settings!, cancellationToken))
        {
            case SettingsWrite.SlugTaken:
                return new CardActionResult(SetupCards.Form(squad, input, [turn.Texts.Format("Setup.SlugTaken", result.Settings!.EffectiveOpenSlug)], roster, data.Leads, turn.Texts), null);
            case SettingsWrite.Conflict:
                var latest = await squads.GetAsync(squad.Id, cancellationToken) ?? squad;
                return new CardActionResult(SetupCards.Form(latest, null, [turn.Texts["Setup.Conflict"]], roster, texts: turn.Texts), null);
        }

        // Consent follows the data: turning Publish openly off takes the pages down; a new address moves them.
        await openWeeknotes.SettingsChangedAsync(squad, result.Settings!, cancellationToken);

        var next = await NextStepLineAsync(squad, result.Settings!, turn.Texts, cancellationToken);
        return new CardActionResult(SetupCards.Saved(result.Settings!, turn.UserName, next, squad.Settings, turn.Texts), turn.Texts.Format("Setup.Saved", next));
    }

    /// <summary>
    /// What the saved schedule does next, said plainly: the steps of this week it put in the past (they run now, as the
    /// scheduler treats them as due from the save: <see cref="WeeklySchedule.BecameDueAt"/>), then the next step's time.
    /// </summary>
    private async Task<string> NextStepLineAsync(Squad before, SquadSettings settings, UpdateBot.Localisation.Texts t, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZoneId);
        var scheduleChanged = !before.IsConfigured || before.Settings.Schedule != settings.Schedule || before.Settings.TimeZoneId != settings.TimeZoneId;
        var runNow = new List<string>();
        foreach (var step in scheduleChanged ? WeeklySchedule.PassedThisWeek(settings.Schedule, zone, now) : [])
        {
            if (SquadWeek.Of(before.SquadId, settings, zone, step.Week, published: false).StepSendsAt(step.Step, now)
                && !await cycle.IsStepDoneAsync(before.Id, step.Week, step.Step, cancellationToken))
            {
                runNow.Add(SetupCards.StepLabel(step.Step, t));
            }
        }

        var upcoming = WeeklySchedule.NextStep(settings.Schedule, zone, now);
        var nextLine = t.Format("Setup.Next", SetupCards.StepLabel(upcoming.Step, t), PromptCards.FormatLocal(upcoming.DueAt, zone, t));
        return runNow.Count == 0
            ? nextLine
            : t.Format(runNow.Count == 1 ? "Setup.RunNow.One" : "Setup.RunNow.Many", string.Join(", ", runNow), nextLine);
    }

    internal async Task<CardActionResult> RefreshReviewAsync(CardActionRequest request, ReviewRefreshData data, CancellationToken cancellationToken) =>
        await ReviewCardAsync(request, data.Week, data.ItemId, null, cancellationToken);

    internal async Task<CardActionResult> PublishAsync(CardActionRequest request, ReviewData data, CancellationToken cancellationToken)
    {
        // Interactive first: the card answers within the deadline; a post still queued behind Teams' limits carries on.
        var publishing = await background.RunWithinAsync((services, ct) =>
            services.GetRequiredService<DigestService>().PublishByLeadAsync(request.Squad, data.Week, request.Turn.UserName, ct), turnOptions.Value.InvokeDeadline, cancellationToken);
        var message = publishing.IsCompleted
            ? (await publishing).Describe(request.Turn.Texts)
            : request.Turn.Texts.Format("Card.PublishBusy", Commands.Word(CommandKind.Status, request.Turn.Language));
        var header = await digests.ReviewHeaderAsync(request.Squad, data.Week, request.Turn.UserId, cancellationToken);
        return new CardActionResult(header, message);
    }

    /// <summary>
    /// What a lead is told when an item card acts on an item that has left the draft since the card was built. Item
    /// cards name their item by its stable id (member and section), never by its place on the desk, so such an action
    /// is refused rather than applied to whatever item is there now.
    /// </summary>
    private static string ItemGone(CardActionRequest request) => request.Turn.Texts["Card.ItemGone"];

    private static bool InDraft(Digest digest, string itemId) => digest.Sections.Any(s => s.Items.Any(i => i.ItemId == itemId));

    internal async Task<CardActionResult> HideAsync(CardActionRequest request, ReviewItemData data, bool hide, CancellationToken cancellationToken)
    {
        var gone = false;
        var problem = await EditAndCorrectAsync(request, data.Week, (edits, digest) =>
        {
            // Only items of this digest: an id made up in card data never grows the stored draft.
            gone = !InDraft(digest, data.ItemId);
            if (gone)
            {
                return edits;
            }

            var hidden = new HashSet<string>(edits.HiddenItemIds, StringComparer.Ordinal);
            if (hide)
            {
                hidden.Add(data.ItemId);
            }
            else
            {
                hidden.Remove(data.ItemId);
            }

            return edits with { HiddenItemIds = hidden };
        }, cancellationToken);
        return await ReviewCardAsync(request, data.Week, data.ItemId, gone ? ItemGone(request) : problem, cancellationToken);
    }

    /// <summary>
    /// A lead withholds an item from the open weeknote (it stays in the channel post), or makes it public again. The
    /// consent rules still apply after a release: an item its author kept for the team never becomes public.
    /// </summary>
    internal async Task<CardActionResult> WithholdAsync(CardActionRequest request, ReviewItemData data, bool withhold, CancellationToken cancellationToken)
    {
        var gone = false;
        var problem = await EditAndCorrectAsync(request, data.Week, (edits, digest) =>
        {
            gone = !InDraft(digest, data.ItemId);
            if (gone)
            {
                return edits;
            }

            var withheld = new HashSet<string>(edits.WithheldItemIds, StringComparer.Ordinal);
            if (withhold)
            {
                withheld.Add(data.ItemId);
            }
            else
            {
                withheld.Remove(data.ItemId);
            }

            return edits with { WithheldItemIds = withheld };
        }, cancellationToken);
        return await ReviewCardAsync(request, data.Week, data.ItemId, gone ? ItemGone(request) : problem, cancellationToken);
    }

    /// <summary>A lead marks one of a member's blockers resolved on the desk, or reopens it.</summary>
    internal async Task<CardActionResult> ResolveBlockerAsync(CardActionRequest request, ReviewBlockerData data, bool resolved, CancellationToken cancellationToken)
    {
        var saved = await digests.MarkBlockerAsync(request.Squad, data.Week, request.Turn.UserId, data.ItemId, data.Key, resolved, cancellationToken);
        var problem = saved.Saved ? await CorrectWithinDeadlineAsync(request, data.Week, cancellationToken) : saved.Problem;
        return await ReviewCardAsync(request, data.Week, data.ItemId, problem, cancellationToken);
    }

    internal async Task<CardActionResult> EditItemAsync(CardActionRequest request, ReviewEditData data, CancellationToken cancellationToken)
    {
        if (data.Inputs?.GetValueOrDefault(data.InputId) is { ValueKind: not (JsonValueKind.String or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            return CardActionResult.BadRequest(request.Turn.Texts["Card.ItemNotText"]);
        }

        var text = AnswerText.Clean(data.Inputs?.GetValueOrDefault(data.InputId) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null);
        string? problem;
        DigestItem? changedSinceCard = null;
        var gone = false;
        if (text.Length == 0 || AnswerText.CheckLength(text) is not null)
        {
            problem = text.Length == 0 ? request.Turn.Texts["Card.ItemEmpty"] : request.Turn.Texts.ItemTooLong(AnswerText.CheckLength(text)!);
        }
        else
        {
            problem = await EditAndCorrectAsync(request, data.Week, (edits, digest) =>
            {
                var current = digest.Sections.SelectMany(s => s.Items).FirstOrDefault(i => i.ItemId == data.ItemId);
                gone = current is null;
                if (current is null)
                {
                    return edits;
                }

                if (DigestCards.Fingerprint(current.Text) != data.Basis)
                {
                    // The card was built from an older draft: never overwrite what changed since, show it instead.
                    changedSinceCard = current;
                    return null;
                }

                var itemEdits = new Dictionary<string, LeadEdit>(edits.ItemEdits, StringComparer.Ordinal) { [data.ItemId] = new LeadEdit(text, current.AnswerBasis) };
                return edits with { ItemEdits = itemEdits };
            }, cancellationToken);
        }

        if (gone)
        {
            return await ReviewCardAsync(request, data.Week, data.ItemId, ItemGone(request), cancellationToken);
        }

        if (changedSinceCard is not null)
        {
            var card = await digests.ReviewItemCardAsync(request.Squad, data.Week, request.Turn.UserId, data.ItemId, cancellationToken);
            return new CardActionResult(
                ReviewCards.ChangedSinceCard(card, changedSinceCard.Text, text, await members.TextsForAsync(request.Squad.Id, request.Turn.UserId, cancellationToken)),
                request.Turn.Texts["Card.ChangedSince"]);
        }

        return await ReviewCardAsync(request, data.Week, data.ItemId, problem, cancellationToken);
    }

    internal async Task<CardActionResult> EditIntroAsync(CardActionRequest request, ReviewIntroData data, CancellationToken cancellationToken)
    {
        var intro = AnswerText.Clean(data.Intro);
        var problem = (AnswerText.CheckLength(intro) is { } tooLong ? request.Turn.Texts.IntroTooLong(tooLong) : null) ?? await EditAndCorrectAsync(request, data.Week, (edits, _) =>
            DigestCards.Fingerprint(edits.Intro) != data.Basis ? null : edits with { Intro = intro.Length == 0 ? null : intro }, cancellationToken);
        return await ReviewCardAsync(request, data.Week, null, problem, cancellationToken);
    }

    internal async Task<CardActionResult> MoveSectionAsync(CardActionRequest request, ReviewSectionData data, bool up, CancellationToken cancellationToken)
    {
        var squad = request.Squad;
        var problem = await EditAndCorrectAsync(request, data.Week, (edits, digest) =>
        {
            var order = digest.Sections.Select(s => s.SectionId).ToList();
            var at = order.IndexOf(data.SectionId);
            var to = up ? at - 1 : at + 1;
            if (at < 0 || to < 0 || to >= order.Count)
            {
                return edits;
            }

            (order[at], order[to]) = (order[to], order[at]);
            // Keep sections with no items yet in the squad's order after the ones shown.
            order.AddRange(squad.Settings.Sections.Select(s => s.Id).Where(id => !order.Contains(id)));
            return edits with { SectionOrder = order };
        }, cancellationToken);
        return await ReviewCardAsync(request, data.Week, null, problem, cancellationToken);
    }

    /// <summary>A review edit, saved in the turn; a published weeknote is then corrected (<see cref="CorrectWithinDeadlineAsync"/>).</summary>
    private async Task<string?> EditAndCorrectAsync(CardActionRequest request, IsoWeek week, Func<DigestEdits, Digest, DigestEdits?> change, CancellationToken cancellationToken)
    {
        var saved = await digests.SaveEditAsync(request.Squad, week, request.Turn.UserId, change, cancellationToken);
        return saved.Saved ? await CorrectWithinDeadlineAsync(request, week, cancellationToken) : saved.Problem;
    }

    /// <summary>
    /// Interactive first: the correction of the channel post goes at background priority (it may wait behind a
    /// fan-out), so the click waits for it no longer than the invoke deadline and then lets it carry on. Should it never
    /// finish, the publish step it reopened makes it, and status shows the post as out of date until then.
    /// </summary>
    private async Task<string?> CorrectWithinDeadlineAsync(CardActionRequest request, IsoWeek week, CancellationToken cancellationToken)
    {
        var correcting = await background.RunWithinAsync((services, ct) =>
            services.GetRequiredService<DigestService>().CorrectPublishedAsync(request.Squad, week, ct, request.Turn.Texts), turnOptions.Value.InvokeDeadline, cancellationToken);
        return correcting.IsCompleted
            ? await correcting
            : request.Turn.Texts.Format("Card.Correcting", Commands.Word(CommandKind.Status, request.Turn.Language));
    }

    /// <summary>The review card the action came from: the item card holding <paramref name="itemId"/>, else the header.</summary>
    private async Task<CardActionResult> ReviewCardAsync(CardActionRequest request, IsoWeek week, string? itemId, string? problem, CancellationToken cancellationToken)
    {
        var (squad, leadId) = (request.Squad, request.Turn.UserId);
        var card = itemId is not null
            ? await digests.ReviewItemCardAsync(squad, week, leadId, itemId, cancellationToken)
            : await digests.ReviewHeaderAsync(squad, week, leadId, cancellationToken);
        return new CardActionResult(card ?? await digests.ReviewHeaderAsync(squad, week, leadId, cancellationToken), problem);
    }

    private async Task<string?> SetupRefusalAsync(Turn turn, Squad squad, CancellationToken cancellationToken)
    {
        // Until someone is a lead (an install whose installer Teams did not name), the first person to save becomes one.
        if (squad.Settings.LeadIds.Count > 0)
        {
            return squad.IsLead(turn.UserId) ? null : turn.Texts["Card.SetupLeadOnly"];
        }

        return string.Equals(turn.TenantId, squad.TenantId, StringComparison.OrdinalIgnoreCase) && await directory.IsMemberOrLeadAsync(squad, turn.UserId, cancellationToken)
            ? null
            : turn.Texts["Card.SetupMemberOnly"];
    }

    private static CardConversations ConversationOf(Turn turn) =>
        turn.IsPersonal ? CardConversations.Personal
        : turn.Activity.Conversation?.ConversationType == ConversationTypes.Channel ? CardConversations.Channel
        : CardConversations.None;

    /// <summary>
    /// The leads picked on the card: people on the roster or already leads (ids from the card are never trusted
    /// beyond that). A card without the leads input (an older card) keeps the current leads; a squad without any
    /// yet gets the person saving it.
    /// </summary>
    private static List<string> ChosenLeads(string? typed, Squad squad, IReadOnlyList<Member> roster, string userId)
    {
        if (typed is null)
        {
            return squad.Settings.LeadIds.Count > 0 ? [.. squad.Settings.LeadIds] : [userId];
        }

        var allowed = roster.Where(m => m.InRoster).Select(m => m.UserId).Concat(squad.Settings.LeadIds).ToHashSet(StringComparer.Ordinal);
        return typed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(allowed.Contains).Distinct(StringComparer.Ordinal).ToList();
    }

    private static CardActionResult From(AnswerOutcome outcome) => new(outcome.Card, outcome.Message);

    private static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
