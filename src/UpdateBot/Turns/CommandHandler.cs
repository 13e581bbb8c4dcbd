using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Deliveries;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Messaging;
using UpdateBot.Squads;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Turns;

/// <summary>Which squad a message that waited for a choice is for: one, or all the person's squads.</summary>
public sealed record SquadChoice(Squad? Squad, bool All);

/// <summary>Typed commands (issue 3 item 7), in a 1:1 chat or with an @mention in the team channel.</summary>
public sealed class CommandHandler(
    SquadDirectory directory,
    MemberStore members,
    PeopleStore people,
    AnswerService answers,
    StatusService status,
    CycleRunner runner,
    TeamWelcome welcome,
    DigestService digests,
    PrivacyService privacy,
    CycleStore cycle,
    Messenger messenger,
    TimeProvider time,
    OpenWeeknoteService openWeeknotes,
    SquadStore squads,
    MemberTimeZones timeZones,
    MemberLanguages languages)
{
    /// <summary>A message longer than this cannot wait for a squad choice (one table property holds at most 32K characters).</summary>
    private const int MaxWaitingText = 30_000;

    public Task HandleAsync(Turn turn, CancellationToken cancellationToken) => HandleAsync(turn, turn.Activity.Text, null, cancellationToken);

    /// <summary>
    /// Handles a message: typed now, or (with <paramref name="chosen"/>) one that waited for the person to say which of
    /// their squads it is for. In a 1:1 chat a squad's name in the message picks it ("status Alpha").
    /// </summary>
    public async Task HandleAsync(Turn turn, string? text, SquadChoice? chosen, CancellationToken cancellationToken)
    {
        var command = Commands.Parse(text);
        IReadOnlyList<Squad> mine = [];
        Squad? named = null;
        if (turn.TeamId is null)
        {
            mine = chosen is { Squad: { } one } ? [one] : await directory.ForUserAsync(turn.UserId, cancellationToken);
            if (chosen is null && SquadDirectory.Named(text, mine) is { } found && Commands.Parse(found.Remainder) is { Kind: not CommandKind.Unknown } withoutName)
            {
                (command, named) = (withoutName, found.Squad);
            }
        }

        var request = new Request(turn, text ?? "", command, named is null ? mine : [named], chosen);
        switch (command.Kind)
        {
            case CommandKind.Help:
                await ReplyAsync(turn, WelcomeCards.Help(await LeadsAnyAsync(turn, mine, cancellationToken), texts: turn.Texts), cancellationToken);
                return;
            case CommandKind.MyData:
                await ReplyTextAsync(turn, await privacy.DescribeAsync(turn.UserId, cancellationToken, turn.Texts), cancellationToken);
                return;
            case CommandKind.EraseMyData:
                await EraseAsync(turn, cancellationToken);
                return;
            case CommandKind.PublicName:
                await PublicNameAsync(turn, command, cancellationToken);
                return;
            case CommandKind.MyTimeZone:
                await ReplyTextAsync(turn, turn.IsPersonal
                    ? await timeZones.CommandAsync(turn.UserId, command.Argument, cancellationToken, turn.Texts)
                    : turn.Texts["Command.PersonalOnly"], cancellationToken);
                return;
            case CommandKind.Language:
                await ReplyTextAsync(turn, turn.IsPersonal
                    ? await languages.CommandAsync(turn.UserId, command.Argument, turn.Language, cancellationToken)
                    : turn.Texts["Command.PersonalOnly"], cancellationToken);
                return;
            case CommandKind.Status or CommandKind.PromptNow or CommandKind.RemindNow or CommandKind.SendAgain or CommandKind.Preview
                or CommandKind.Publish or CommandKind.Export or CommandKind.History or CommandKind.Settings or CommandKind.Glossary or CommandKind.Headings:
                await LeadCommandAsync(request, cancellationToken);
                return;
            case CommandKind.Unknown:
                await UnknownAsync(request, cancellationToken);
                return;
            default:
                await MemberCommandAsync(request, cancellationToken);
                return;
        }
    }

    /// <param name="Squads">The squads the message may be for: the one it names, else all the person's.</param>
    private sealed record Request(Turn Turn, string Text, Command Command, IReadOnlyList<Squad> Squads, SquadChoice? Chosen);

    private async Task LeadCommandAsync(Request request, CancellationToken cancellationToken)
    {
        var (turn, command) = (request.Turn, request.Command);

        // Before publication only authors and leads may see answers: what shows them is for the lead's 1:1 chat only.
        if (!turn.IsPersonal && command.Kind is CommandKind.Status or CommandKind.Preview or CommandKind.Export)
        {
            await ReplyTextAsync(turn, turn.Texts["Lead.PersonalOnly"], cancellationToken);
            return;
        }

        Squad? squad;
        if (turn.TeamId is { } teamId)
        {
            squad = await directory.ForTeamAsync(teamId, turn.UserId, leadOnly: true, cancellationToken);
            if (squad is null)
            {
                var anySquad = await directory.ForTeamAsync(teamId, turn.UserId, leadOnly: false, cancellationToken);
                await ReplyTextAsync(turn, NotALead(anySquad, turn.Texts), cancellationToken);
                return;
            }
        }
        else
        {
            var led = request.Squads.Where(s => s.IsLead(turn.UserId)).ToList();
            if (led.Count == 0)
            {
                await ReplyTextAsync(turn, NotALead(request.Squads.Count > 0 ? request.Squads[0] : null, turn.Texts), cancellationToken);
                return;
            }

            if (led.Count > 1)
            {
                await OfferChoiceAsync(request, led, offerAll: false, cancellationToken);
                return;
            }

            squad = led[0];
        }

        if (!squad.IsConfigured && command.Kind is not CommandKind.Settings)
        {
            await ReplyAsync(turn, SetupCards.Form(squad, null, [turn.Texts["Lead.SetUpFirst"]], await members.ListAsync(squad.Id, cancellationToken), texts: turn.Texts), cancellationToken);
            return;
        }

        // The lead's week is the current one: its status, draft and post stay the subject until the next week begins.
        // Prompts and reminders go to the week members are answering (the next one, once this one has closed).
        var week = command.Kind is CommandKind.PromptNow or CommandKind.RemindNow
            ? await AnsweringWeekAsync(squad, cancellationToken)
            : await LeadWeekAsync(squad, cancellationToken);
        switch (command.Kind)
        {
            case CommandKind.Status:
                foreach (var card in await status.StatusCardsAsync(squad, week, cancellationToken, turn.Texts))
                {
                    await ReplyAsync(turn, card, cancellationToken);
                }

                break;
            case CommandKind.PromptNow:
            case CommandKind.RemindNow:
            {
                var step = command.Kind == CommandKind.PromptNow ? CycleStep.Open : CycleStep.Remind;
                // "Now" means now for everyone, whatever their own clock (the schedule waits for each member's time).
                var report = await runner.RunAsync(squad, week, step, cancellationToken, now: true);
                var what = turn.Texts[step == CycleStep.Open ? "Lead.Prompts" : "Lead.Reminders"];
                await ReplyTextAsync(turn, turn.Texts.Format("Lead.StepReport", what, squad.Settings.Name, week, report.Describe(turn.Texts), Commands.Word(CommandKind.Status, turn.Language)), cancellationToken);
                break;
            }

            case CommandKind.SendAgain:
            {
                var released = await runner.SendAgainAsync(squad, week, cancellationToken) + await welcome.SendAgainAsync(squad, cancellationToken);
                await ReplyTextAsync(turn, released == 0
                    ? turn.Texts.Format("Lead.NothingToSendAgain", squad.Settings.Name, week, Commands.Word(CommandKind.Status, turn.Language))
                    : turn.Texts.Format("Lead.SentAgain", turn.Texts.Count("Lead.SentAgain.Messages", released), squad.Settings.Name, week, Commands.Word(CommandKind.Status, turn.Language)), cancellationToken);
                break;
            }

            case CommandKind.Preview:
            {
                var cards = await digests.ReviewCardsAsync(squad, week, turn.UserId, cancellationToken);
                foreach (var card in cards)
                {
                    await ReplyAsync(turn, card, cancellationToken);
                }

                break;
            }

            case CommandKind.Publish:
            {
                var result = await digests.PublishByLeadAsync(squad, week, turn.UserName, cancellationToken);
                await ReplyTextAsync(turn, result.Describe(turn.Texts), cancellationToken);
                break;
            }

            case CommandKind.Export:
            {
                var exportWeek = week;
                var open = Commands.IsPublicExport(command);
                var weekArgument = Commands.ExportWeek(command);
                if (weekArgument.Length > 0 && !IsoWeek.TryParse(weekArgument.Split(' ')[0], out exportWeek))
                {
                    await ReplyTextAsync(turn, turn.Texts.Format("Lead.NotAWeek", command.Argument, Commands.Word(CommandKind.Export, turn.Language), week.Previous()), cancellationToken);
                    break;
                }

                var markdown = open
                    ? await digests.ExportPublicAsync(squad, exportWeek, cancellationToken)
                    : await digests.ExportAsync(squad, exportWeek, cancellationToken);
                if (markdown is null)
                {
                    await ReplyTextAsync(turn, turn.Texts.Format("Export.NotOpen", squad.Settings.Name, Commands.Word(CommandKind.Settings, turn.Language)), cancellationToken);
                    break;
                }

                // Plain text so the Markdown arrives as written, ready to paste into a blog or a repository; a long
                // weeknote comes in several messages, cut between lines, that read as one when pasted in order.
                foreach (var part in ExportMessages.Split(markdown))
                {
                    await messenger.SendAsync(turn.ServiceUrl, turn.ConversationId, part, cancellationToken);
                }

                break;
            }

            case CommandKind.History:
            {
                var history = await digests.HistoryAsync(squad, cancellationToken);
                await ReplyAsync(turn, HistoryCards.History(squad.Settings.Name, history, e => squad.LinkToPost(e.ActivityId), turn.Texts), cancellationToken);
                break;
            }

            case CommandKind.Settings:
                await ReplyAsync(turn, SetupCards.Form(squad, null, [], await members.ListAsync(squad.Id, cancellationToken), texts: turn.Texts), cancellationToken);
                break;
            case CommandKind.Glossary:
                await ReplyTextAsync(turn, await GlossaryAsync(squad, Commands.ReadGlossary(command.Argument), turn.Texts, cancellationToken), cancellationToken);
                break;
            case CommandKind.Headings:
                await ReplyTextAsync(turn, await HeadingsAsync(turn, squad, Languages.ParseHeadings(command.Argument), cancellationToken), cancellationToken);
                break;
        }
    }

    /// <summary>Says which languages the squad's channel post headings are in, or changes them (README, "Welsh and English").</summary>
    private async Task<string> HeadingsAsync(Turn turn, Squad squad, HeadingLanguages? chosen, CancellationToken cancellationToken)
    {
        var t = turn.Texts;
        if (chosen is not { } headings)
        {
            return t.Format("Headings.Now", squad.Settings.Name, t["Headings." + squad.Settings.Headings]);
        }

        await squads.SetHeadingsAsync(squad.Id, headings, cancellationToken);
        return t.Format("Headings.Done", squad.Settings.Name, t["Headings." + headings]);
    }

    /// <summary>Lists the squad's glossary, or adds or removes one acronym (the plain-English check on the review desk uses it).</summary>
    private async Task<string> GlossaryAsync(Squad squad, GlossaryChange? change, Localisation.Texts t, CancellationToken cancellationToken)
    {
        if (change is { Problem: { } problem })
        {
            return t.Explain(problem);
        }

        var expansion = change?.Expansion;
        var glossary = change is { Acronym: { } acronym }
            ? await squads.UpdateGlossaryAsync(squad.Id, g =>
            {
                if (expansion is not null)
                {
                    g[acronym] = expansion;
                }
                else
                {
                    g.Remove(acronym);
                }
            }, cancellationToken)
            : squad.Settings.Glossary;
        if (glossary is null)
        {
            return t.Format("Glossary.Full", Commands.Word(CommandKind.Glossary, t.Language));
        }

        var said = change switch
        {
            { Acronym: { } a, Expansion: { } e } => t.Format("Glossary.Added", squad.Settings.Name, a, e) + "\n\n",
            { Acronym: { } a } => t.Format("Glossary.Removed", a, squad.Settings.Name) + "\n\n",
            _ => "",
        };
        return said + (glossary.Count == 0
            ? t.Format("Glossary.Empty", squad.Settings.Name, Commands.Word(CommandKind.Glossary, t.Language))
            : t.Format("Glossary.List", squad.Settings.Name) + "\n\n" + string.Join("\n", glossary.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"- {g.Key} = {g.Value}")));
    }

    private static string NotALead(Squad? squad, Localisation.Texts t) => squad is null
        ? t["Lead.NoSquad"]
        : t.Format("Lead.NotALead", squad.Settings.Name, Commands.Word(CommandKind.Help, t.Language));

    private async Task MemberCommandAsync(Request request, CancellationToken cancellationToken)
    {
        var (turn, command) = (request.Turn, request.Command);
        if (!turn.IsPersonal)
        {
            await ReplyTextAsync(turn, turn.Texts["Command.PersonalAnswers"], cancellationToken);
            return;
        }

        if (request.Squads.Count == 0)
        {
            await ReplyTextAsync(turn, turn.Texts["Member.NoSquad"], cancellationToken);
            return;
        }

        // Going quiet is about one week's answer; the rest can apply to every squad at once.
        var appliesToAll = command.Kind is CommandKind.Stop or CommandKind.Start or CommandKind.Away or CommandKind.Back;
        if (request.Squads.Count > 1 && request.Chosen is not { All: true })
        {
            await OfferChoiceAsync(request, request.Squads, appliesToAll, cancellationToken);
            return;
        }

        foreach (var squad in request.Squads)
        {
            await MemberCommandAsync(turn, command, squad, cancellationToken);
        }
    }

    private async Task MemberCommandAsync(Turn turn, Command command, Squad squad, CancellationToken cancellationToken)
    {
        var week = await AnsweringWeekAsync(squad, cancellationToken);
        switch (command.Kind)
        {
            case CommandKind.MyUpdate:
                await ReplyAsync(turn, await answers.ViewAsync(new AnswerFor(squad, week, turn.UserId, turn.UserName) { Language = turn.Language }, forceForm: false, cancellationToken), cancellationToken);
                break;
            case CommandKind.Quiet:
                await ReplyAsync(turn, (await answers.QuietAsync(new AnswerFor(squad, week, turn.UserId, turn.UserName) { Language = turn.Language }, cancellationToken)).Card, cancellationToken);
                break;
            case CommandKind.Away:
            {
                var today = WeeklySchedule.LocalDate(squad.TimeZone, time.GetUtcNow());
                if (!AwayPeriod.TryParse(command.Argument, today, out var away))
                {
                    // Only a bare "away" gets here: anything after it that is not a period was kept as an answer.
                    await ReplyTextAsync(turn, turn.Texts["Member.WhenAway"], cancellationToken);
                    break;
                }

                var outcome = await answers.AwayAsync(new AnswerFor(squad, week, turn.UserId, turn.UserName) { Language = turn.Language }, away, cancellationToken);
                await ReplyAsync(turn, outcome.Card, cancellationToken);
                if (outcome.Message is not null)
                {
                    await ReplyTextAsync(turn, outcome.Message, cancellationToken);
                }

                break;
            }

            case CommandKind.Back:
                await answers.BackAsync(new AnswerFor(squad, week, turn.UserId, turn.UserName) { Language = turn.Language }, cancellationToken);
                await ReplyTextAsync(turn, turn.Texts.Format("Member.Back", squad.Settings.Name, Commands.Word(CommandKind.MyUpdate, turn.Language)), cancellationToken);
                break;
            case CommandKind.Stop:
                await members.SetOptedOutAsync(squad.Id, turn.UserId, true, cancellationToken);
                await ReplyTextAsync(turn, turn.Texts.Format("Member.Stop", squad.Settings.Name, Commands.Word(CommandKind.Start, turn.Language)), cancellationToken);
                break;
            case CommandKind.Start:
                await members.SetOptedOutAsync(squad.Id, turn.UserId, false, cancellationToken);
                await ReplyTextAsync(turn, turn.Texts.Format("Member.Start", squad.Settings.Name, Commands.Word(CommandKind.MyUpdate, turn.Language)), cancellationToken);
                break;
        }
    }

    /// <summary>
    /// "public name": says how the person is named in open weeknotes; "public name first|full|team" changes it for
    /// editions published from now on; with "everywhere", for those already published too. One choice for all their squads.
    /// </summary>
    private async Task PublicNameAsync(Turn turn, Command command, CancellationToken cancellationToken)
    {
        if (!turn.IsPersonal)
        {
            await ReplyTextAsync(turn, turn.Texts["Command.PersonalOnly"], cancellationToken);
            return;
        }

        var t = turn.Texts;
        if (Commands.ReadPublicName(command.Argument) is not var (name, everywhere))
        {
            var current = await people.GetPublicNameAsync(turn.UserId, cancellationToken);
            await ReplyTextAsync(turn, t.Format(current is null ? "PublicName.Now.NotChosen" : "PublicName.Now", t.Describe(current ?? PublicName.Anonymous), Commands.Word(CommandKind.PublicName, turn.Language)), cancellationToken);
            return;
        }

        await people.SetPublicNameAsync(turn.UserId, name, cancellationToken);
        if (!everywhere)
        {
            await ReplyTextAsync(turn, t.Format("PublicName.Done", t.Describe(name), Commands.Word(CommandKind.PublicName, turn.Language), Commands.ArgumentWord(Word(name), turn.Language)), cancellationToken);
            return;
        }

        var changed = await openWeeknotes.RenameEverywhereAsync(turn.UserId, name, cancellationToken);
        await ReplyTextAsync(turn, t.Format("PublicName.DoneEverywhere", t.Describe(name), changed), cancellationToken);

        static string Word(PublicName name) => name switch
        {
            PublicName.FirstName => "first",
            PublicName.FullName => "full",
            _ => "team",
        };
    }

    private async Task EraseAsync(Turn turn, CancellationToken cancellationToken)
    {
        if (!turn.IsPersonal)
        {
            await ReplyTextAsync(turn, turn.Texts["Command.PersonalAnswers"], cancellationToken);
            return;
        }

        string reply;
        try
        {
            reply = (await privacy.EraseAsync(turn.UserId, cancellationToken)).Describe(turn.Texts);
        }
        catch (ErasureInterruptedException)
        {
            // Erasure is safe to repeat: what went stays gone, and the next run finishes the rest.
            reply = turn.Texts.Format("Erasure.Interrupted", Commands.Word(CommandKind.EraseMyData, turn.Language));
        }

        await ReplyTextAsync(turn, reply, cancellationToken);
    }

    /// <summary>
    /// Not a command. In a 1:1 chat from a squad member it is an answer: captured into this week's update (issue 3
    /// item 5), never dropped — after the close on the lead's desk, after publishing in next week's — once per
    /// message however often Teams delivers it; someone in several squads is asked which one first. Anywhere else,
    /// the help card with a friendly hint.
    /// </summary>
    private async Task UnknownAsync(Request request, CancellationToken cancellationToken)
    {
        var (turn, command) = (request.Turn, request.Command);
        if (turn.IsPersonal && command.Text.Length > 0)
        {
            var configured = request.Squads.Where(s => s.IsConfigured).ToList();
            if (configured.Count > 1)
            {
                await OfferChoiceAsync(request, configured, offerAll: false, cancellationToken);
                return;
            }

            if (configured.Count == 1)
            {
                var squad = configured[0];
                var week = WeekWindow.CurrentWeek(squad, time.GetUtcNow());
                var hint = command.LooksLike is { } kind ? Commands.DidYouMean(kind, turn.Texts) : null;
                var text = request.Text.Length > 0 ? request.Text : command.Text;
                var outcome = await answers.CaptureAsync(new AnswerFor(squad, week, turn.UserId, turn.UserName) { Language = turn.Language }, text, cancellationToken, turn.Activity.Id, hint);
                await ReplyAsync(turn, outcome.Card, cancellationToken);
                return;
            }
        }

        await ReplyAsync(turn, WelcomeCards.Help(await LeadsAnyAsync(turn, request.Squads, cancellationToken), turn.Texts["Help.DidNotCatch"], turn.Texts), cancellationToken);
    }

    /// <summary>The one-tap choice: the message waits in storage (any instance can take the tap) and is handled again for the squad picked.</summary>
    private async Task OfferChoiceAsync(Request request, IReadOnlyList<Squad> squads, bool offerAll, CancellationToken cancellationToken)
    {
        if (request.Text.Length > MaxWaitingText)
        {
            await ReplyTextAsync(request.Turn, request.Turn.Texts["Choice.TooLong"], cancellationToken);
            return;
        }

        var token = await people.SaveChoiceAsync(request.Turn.UserId, request.Text, cancellationToken);
        var what = request.Command.Kind == CommandKind.Unknown ? SquadChoiceCards.Quote(request.Text) : $"**{request.Command.Text}**";
        await ReplyAsync(request.Turn, SquadChoiceCards.Choose(what, squads, token, offerAll, request.Turn.Texts), cancellationToken);
    }

    /// <summary>
    /// The week a lead's status, preview, publish and export are about: the current one — unless last week closed
    /// unpublished, with contributions, in the last few days and this week's prompts have not gone out yet (a lead
    /// publishing on Monday what Friday left waiting, rather than the new, empty week).
    /// </summary>
    private async Task<IsoWeek> LeadWeekAsync(Squad squad, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = WeekWindow.CurrentWeek(squad, now);
        var previous = current.Previous();
        var waiting = now - WeekWindow.ClosesAt(squad, previous) < LateReviewWindow
            && !await cycle.IsStepDoneAsync(squad.Id, current, CycleStep.Open, cancellationToken)
            && !await digests.IsPublishedAsync(squad, previous, cancellationToken)
            && (await digests.ComposeAsync(squad, previous, cancellationToken)).VisibleSections.Count > 0;
        return waiting ? previous : current;
    }

    private static readonly TimeSpan LateReviewWindow = TimeSpan.FromDays(4);

    private async Task<IsoWeek> AnsweringWeekAsync(Squad squad, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = WeekWindow.CurrentWeek(squad, now);
        return WeekWindow.AnsweringWeek(squad, now, await digests.IsPublishedAsync(squad, current, cancellationToken));
    }

    private async Task<bool> LeadsAnyAsync(Turn turn, IReadOnlyList<Squad> mine, CancellationToken cancellationToken) =>
        mine.Any(s => s.IsLead(turn.UserId))
        || (turn.TeamId is not null && await directory.ForTeamAsync(turn.TeamId, turn.UserId, leadOnly: true, cancellationToken) is not null);

    private Task<Delivery> ReplyAsync(Turn turn, AdaptiveCard card, CancellationToken cancellationToken) =>
        messenger.SendCardAsync(turn.ServiceUrl, turn.ConversationId, card, cancellationToken);

    private Task<Delivery> ReplyTextAsync(Turn turn, string text, CancellationToken cancellationToken) =>
        messenger.SendTextAsync(turn.ServiceUrl, turn.ConversationId, text, cancellationToken);
}
