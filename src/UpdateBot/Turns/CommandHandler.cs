using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Messaging;
using UpdateBot.Squads;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Turns;

/// <summary>Typed commands (issue 3 item 7), in a 1:1 chat or with an @mention in the team channel.</summary>
public sealed class CommandHandler(
    SquadDirectory directory,
    MemberStore members,
    AnswerService answers,
    StatusService status,
    CycleRunner runner,
    DigestService digests,
    PrivacyService privacy,
    CycleStore cycle,
    Messenger messenger,
    TimeProvider time)
{
    public async Task HandleAsync(Turn turn, CancellationToken cancellationToken)
    {
        var command = Commands.Parse(turn.Activity.Text);
        switch (command.Kind)
        {
            case CommandKind.Help:
                await ReplyAsync(turn, WelcomeCards.Help(await LeadsAnyAsync(turn, cancellationToken)), cancellationToken);
                return;
            case CommandKind.Status or CommandKind.PromptNow or CommandKind.RemindNow or CommandKind.SendAgain or CommandKind.Preview
                or CommandKind.Publish or CommandKind.Export or CommandKind.History or CommandKind.Settings:
                await LeadCommandAsync(turn, command, cancellationToken);
                return;
            case CommandKind.Unknown:
                await UnknownAsync(turn, command, cancellationToken);
                return;
            default:
                await MemberCommandAsync(turn, command, cancellationToken);
                return;
        }
    }

    private async Task LeadCommandAsync(Turn turn, Command command, CancellationToken cancellationToken)
    {
        // Before publication only authors and leads may see answers: what shows them is for the lead's 1:1 chat only.
        if (!turn.IsPersonal && command.Kind is CommandKind.Status or CommandKind.Preview or CommandKind.Export)
        {
            await ReplyTextAsync(turn, "That shows people's answers, so I only do it in our 1:1 chat: message me there.", cancellationToken);
            return;
        }

        var squad = await directory.ResolveAsync(turn.TeamId, turn.UserId, null, leadOnly: true, cancellationToken);
        if (squad is null)
        {
            var anySquad = await directory.ResolveAsync(turn.TeamId, turn.UserId, null, leadOnly: false, cancellationToken);
            await ReplyTextAsync(turn, anySquad is null
                ? "I don't know your squad yet. Add UpdateBot to your squad's team to set it up."
                : $"Only a lead of {anySquad.Settings.Name} can do that. Say **help** for what you can do.", cancellationToken);
            return;
        }

        if (!squad.IsConfigured && command.Kind is not CommandKind.Settings)
        {
            await ReplyAsync(turn, SetupCards.Form(squad, null, ["Set the squad up first: save this card, then try again."], await members.ListAsync(squad.Id, cancellationToken)), cancellationToken);
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
                await ReplyAsync(turn, await status.StatusCardAsync(squad, week, cancellationToken), cancellationToken);
                break;
            case CommandKind.PromptNow:
            case CommandKind.RemindNow:
            {
                var step = command.Kind == CommandKind.PromptNow ? CycleStep.Open : CycleStep.Remind;
                var report = await runner.RunAsync(squad, week, step, cancellationToken);
                var what = step == CycleStep.Open ? "Prompts" : "Reminders";
                await ReplyTextAsync(turn, $"{what} for {squad.Settings.Name}, week {week}: {report.Describe()}. Say **status** to see everyone.", cancellationToken);
                break;
            }

            case CommandKind.SendAgain:
            {
                var released = await runner.SendAgainAsync(squad, week, cancellationToken);
                await ReplyTextAsync(turn, released == 0
                    ? $"Nothing of week {week} is unconfirmed, so there is nothing to send again. Say **status** to see everyone."
                    : $"Sent again: {released} message(s) of week {week} whose delivery was unconfirmed. Say **status** to see where everyone stands.", cancellationToken);
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
                var result = await digests.PublishAsync(squad, week, turn.UserName, cancellationToken);
                await ReplyTextAsync(turn, result.Describe(), cancellationToken);
                break;
            }

            case CommandKind.Export:
            {
                var exportWeek = week;
                if (command.Argument.Length > 0 && !IsoWeek.TryParse(command.Argument.Split(' ')[0], out exportWeek))
                {
                    await ReplyTextAsync(turn, $"I couldn't read \"{command.Argument}\" as a week. Try **export {week.Previous()}**.", cancellationToken);
                    break;
                }

                var markdown = await digests.ExportAsync(squad, exportWeek, cancellationToken);
                // Plain text so the Markdown arrives as written, ready to paste into a blog or a repository.
                await messenger.SendAsync(turn.ServiceUrl, turn.ConversationId, new Activity { Type = ActivityTypes.Message, Text = markdown, TextFormat = "plain" }, cancellationToken);
                break;
            }

            case CommandKind.History:
            {
                var history = await digests.HistoryAsync(squad, cancellationToken);
                await ReplyAsync(turn, HistoryCards.History(squad.Settings.Name, history, e => squad.LinkToPost(e.ActivityId)), cancellationToken);
                break;
            }

            case CommandKind.Settings:
                await ReplyAsync(turn, SetupCards.Form(squad, null, [], await members.ListAsync(squad.Id, cancellationToken)), cancellationToken);
                break;
        }
    }

    private async Task MemberCommandAsync(Turn turn, Command command, CancellationToken cancellationToken)
    {
        if (!turn.IsPersonal)
        {
            await ReplyTextAsync(turn, "Let's keep your answers between us: message me 1:1 for that.", cancellationToken);
            return;
        }

        var squad = await directory.ResolveAsync(null, turn.UserId, null, leadOnly: false, cancellationToken);
        if (squad is null)
        {
            await ReplyTextAsync(turn, "You're not on a squad that uses UpdateBot yet. Once your team adds me, I'll ask you each week.", cancellationToken);
            return;
        }

        var week = await AnsweringWeekAsync(squad, cancellationToken);
        switch (command.Kind)
        {
            case CommandKind.MyUpdate:
                await ReplyAsync(turn, await answers.ViewAsync(squad, week, turn.UserId, turn.UserName, forceForm: false, cancellationToken), cancellationToken);
                break;
            case CommandKind.Quiet:
                await ReplyAsync(turn, (await answers.QuietAsync(squad, week, turn.UserId, turn.UserName, cancellationToken)).Card, cancellationToken);
                break;
            case CommandKind.Away:
            {
                var today = WeeklySchedule.LocalDate(squad.TimeZone, time.GetUtcNow());
                if (!AwayPeriod.TryParse(command.Argument, today, out var away))
                {
                    // Only a bare "away" gets here: anything after it that is not a period was kept as an answer.
                    await ReplyTextAsync(turn, "When are you away? Say, for example, **away until 12 Dec**, **away next week** or **away for 2 weeks**.", cancellationToken);
                    break;
                }

                var outcome = await answers.AwayAsync(squad, week, turn.UserId, turn.UserName, away, cancellationToken);
                await ReplyAsync(turn, outcome.Card, cancellationToken);
                if (outcome.Message is not null)
                {
                    await ReplyTextAsync(turn, outcome.Message, cancellationToken);
                }

                break;
            }

            case CommandKind.Back:
                await answers.BackAsync(squad, week, turn.UserId, turn.UserName, cancellationToken);
                await ReplyTextAsync(turn, "Welcome back! Prompts resume with the next one. Say **my update** to answer this week.", cancellationToken);
                break;
            case CommandKind.Stop:
                await members.SetOptedOutAsync(squad.Id, turn.UserId, true, cancellationToken);
                await ReplyTextAsync(turn, $"Done: no more weekly prompts for {squad.Settings.Name}. Your lead will see you've opted out. Say **start** to rejoin.", cancellationToken);
                break;
            case CommandKind.Start:
                await members.SetOptedOutAsync(squad.Id, turn.UserId, false, cancellationToken);
                await ReplyTextAsync(turn, $"You're back on {squad.Settings.Name}'s weekly update. Say **my update** to answer this week.", cancellationToken);
                break;
            case CommandKind.MyData:
                await ReplyTextAsync(turn, await privacy.DescribeAsync(turn.UserId, cancellationToken), cancellationToken);
                break;
            case CommandKind.EraseMyData:
                var erased = await privacy.EraseAsync(turn.UserId, cancellationToken);
                await ReplyTextAsync(turn, $"Erased: {erased} week(s) of answers and your contact details. You're still on the team's roster; say **stop** if you'd rather not be asked again.", cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Not a command. In a 1:1 chat from a squad member it is an answer: captured into this week's update (issue 3
    /// item 5), never dropped — after the close on the lead's desk, after publishing in next week's — once per
    /// message however often Teams delivers it. Anywhere else, the help card with a friendly hint.
    /// </summary>
    private async Task UnknownAsync(Turn turn, Command command, CancellationToken cancellationToken)
    {
        if (turn.IsPersonal && command.Text.Length > 0)
        {
            var squad = await directory.ResolveAsync(null, turn.UserId, null, leadOnly: false, cancellationToken);
            if (squad is { IsConfigured: true } && await directory.IsMemberOrLeadAsync(squad, turn.UserId, cancellationToken))
            {
                var week = WeekWindow.CurrentWeek(squad, time.GetUtcNow());
                var hint = command.LooksLike is { } kind ? Commands.DidYouMean(kind) : null;
                var outcome = await answers.CaptureAsync(squad, week, turn.UserId, turn.UserName, turn.Activity.Text ?? command.Text, cancellationToken, turn.Activity.Id, hint);
                await ReplyAsync(turn, outcome.Card, cancellationToken);
                return;
            }
        }

        await ReplyAsync(turn, WelcomeCards.Help(await LeadsAnyAsync(turn, cancellationToken), "I didn't catch that. Here's what I can do:"), cancellationToken);
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

    private async Task<bool> LeadsAnyAsync(Turn turn, CancellationToken cancellationToken) =>
        (await directory.ForUserAsync(turn.UserId, cancellationToken)).Any(s => s.IsLead(turn.UserId))
        || (turn.TeamId is not null && (await directory.ResolveAsync(turn.TeamId, turn.UserId, null, leadOnly: true, cancellationToken)) is not null);

    private Task<Delivery> ReplyAsync(Turn turn, AdaptiveCard card, CancellationToken cancellationToken) =>
        messenger.SendCardAsync(turn.ServiceUrl, turn.ConversationId, card, cancellationToken);

    private Task<Delivery> ReplyTextAsync(Turn turn, string text, CancellationToken cancellationToken) =>
        messenger.SendTextAsync(turn.ServiceUrl, turn.ConversationId, text, cancellationToken);
}
