using System.Globalization;
using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Squads;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Turns;

/// <summary>What a card action produced: a card to show in place, and/or a short message; or a refusal.</summary>
public sealed record CardActionResult(AdaptiveCard? Card, string? Message, int StatusCode = 200, string? ErrorCode = null)
{
    public static CardActionResult Refused(string message) => new(null, message, 403, "Forbidden");

    public static CardActionResult BadRequest(string message) => new(null, message, 400, "BadRequest");
}

/// <summary>
/// Card actions, from an <c>Action.Execute</c> invoke or its <c>Action.Submit</c> fallback. Every action is checked
/// against who sent it (design.md "Safe"): members change only their own answer, for an open week of a squad they
/// belong to; only leads change settings, review or publish. Identity comes from the activity, never from card data.
/// </summary>
public sealed class CardActionHandler(
    SquadStore squads,
    SquadDirectory directory,
    MemberStore members,
    AnswerService answers,
    DigestService digests,
    TimeProvider time)
{
    public async Task<CardActionResult> HandleAsync(Turn turn, string verb, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken)
    {
        var squadId = values.GetValueOrDefault("squadId");
        var squad = squadId is null ? null : await squads.GetAsync(squadId, cancellationToken);
        if (squad is null)
        {
            return CardActionResult.BadRequest("This card belongs to a squad I no longer know (the app may have been removed from the team).");
        }

        if (verb == Verbs.SetupSave)
        {
            return await SaveSetupAsync(turn, squad, values, cancellationToken);
        }

        if (!IsoWeek.TryParse(values.GetValueOrDefault("week"), out var week))
        {
            return CardActionResult.BadRequest("This card has no week on it.");
        }

        if (verb.StartsWith("digest.", StringComparison.Ordinal))
        {
            return squad.IsLead(turn.UserId)
                ? await ReviewAsync(turn, squad, week, verb, values, cancellationToken)
                : CardActionResult.Refused("Only a squad lead can review or publish the weeknote.");
        }

        if (!await directory.IsMemberOrLeadAsync(squad, turn.UserId, cancellationToken))
        {
            return CardActionResult.Refused($"You're not on {squad.Settings.Name}'s roster, so you can't answer for it.");
        }

        // A card can only be for this week or the next one; anything else is stale or forged.
        var current = WeekWindow.CurrentWeek(squad, time.GetUtcNow());
        if (week < current.Previous() || week > current.Next())
        {
            return new CardActionResult(null, "That week is long closed.");
        }

        return verb switch
        {
            Verbs.PromptRefresh => new(await answers.ViewAsync(squad, week, turn.UserId, turn.UserName, forceForm: false, cancellationToken), null),
            Verbs.PromptEdit => new(await answers.ViewAsync(squad, week, turn.UserId, turn.UserName, forceForm: true, cancellationToken), null),
            Verbs.PromptSubmit => From(await answers.SubmitAsync(squad, week, turn.UserId, turn.UserName, values, cancellationToken)),
            Verbs.PromptQuiet => From(await answers.QuietAsync(squad, week, turn.UserId, turn.UserName, cancellationToken)),
            Verbs.PromptAway => From(await answers.AwayAsync(squad, week, turn.UserId, turn.UserName, ParseDate(values.GetValueOrDefault(PromptCards.AwayInput)), cancellationToken)),
            Verbs.CaptureMove => From(await answers.MoveCaptureAsync(squad, week, turn.UserId, turn.UserName, values.GetValueOrDefault("sectionId") ?? "", values.GetValueOrDefault("target") ?? "", values.GetValueOrDefault("text") ?? "", cancellationToken)),
            Verbs.CaptureUndo => From(await answers.UndoCaptureAsync(squad, week, turn.UserId, turn.UserName, values.GetValueOrDefault("sectionId") ?? "", values.GetValueOrDefault("text") ?? "", cancellationToken)),
            _ => CardActionResult.BadRequest($"Unknown action '{verb}'."),
        };
    }

    private async Task<CardActionResult> SaveSetupAsync(Turn turn, Squad squad, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken)
    {
        // Until someone is a lead (an install whose installer Teams did not name), the first person to save becomes one.
        if (squad.Settings.LeadIds.Count > 0 && !squad.IsLead(turn.UserId))
        {
            return CardActionResult.Refused("Only a squad lead can change the settings.");
        }

        if (squad.Settings.LeadIds.Count == 0
            && (!string.Equals(turn.TenantId, squad.TenantId, StringComparison.OrdinalIgnoreCase) || !await directory.IsMemberOrLeadAsync(squad, turn.UserId, cancellationToken)))
        {
            return CardActionResult.Refused("Only a member of this team can set the squad up.");
        }

        string? V(string id) => values.GetValueOrDefault(id);
        var input = new SquadSettingsInput(
            V(SetupCards.Inputs.Name),
            V(SetupCards.Inputs.TimeZone),
            V(SetupCards.Inputs.Day(CycleStep.Open)), V(SetupCards.Inputs.Time(CycleStep.Open)),
            V(SetupCards.Inputs.Day(CycleStep.Remind)), V(SetupCards.Inputs.Time(CycleStep.Remind)),
            V(SetupCards.Inputs.Day(CycleStep.Compile)), V(SetupCards.Inputs.Time(CycleStep.Compile)),
            V(SetupCards.Inputs.Day(CycleStep.Publish)), V(SetupCards.Inputs.Time(CycleStep.Publish)),
            V(SetupCards.Inputs.Sections),
            string.Equals(V(SetupCards.Inputs.AutoPublish), "true", StringComparison.OrdinalIgnoreCase));
        var roster = await members.ListAsync(squad.Id, cancellationToken);
        var typedLeads = values.GetValueOrDefault(SetupCards.Inputs.Leads);
        var leads = ChosenLeads(typedLeads, squad, roster, turn.UserId);
        var result = SettingsValidation.Validate(input, squad.Settings.Sections, leads);
        var errors = result.Errors.ToList();
        if (leads.Count == 0)
        {
            errors.Add("Choose at least one lead.");
        }

        if (!result.IsValid || errors.Count > 0)
        {
            // Nothing is saved; the card comes back with everything the lead typed and what to fix.
            return new CardActionResult(SetupCards.Form(squad, input, errors, roster, typedLeads), null);
        }

        if (!await squads.TrySaveSettingsAsync(squad, result.Settings!, cancellationToken))
        {
            var latest = await squads.GetAsync(squad.Id, cancellationToken) ?? squad;
            return new CardActionResult(SetupCards.Form(latest, null, ["Another lead saved the settings a moment ago. Here they are; change them again if needed."], roster), null);
        }

        return new CardActionResult(SetupCards.Saved(result.Settings!, turn.UserName), "Settings saved.");
    }

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

    private async Task<CardActionResult> ReviewAsync(Turn turn, Squad squad, IsoWeek week, string verb, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken)
    {
        var itemId = values.GetValueOrDefault("itemId");
        var sectionId = values.GetValueOrDefault("sectionId");
        var basis = values.GetValueOrDefault("basis");
        string? problem = null;
        switch (verb)
        {
            case Verbs.DigestRefresh:
                break;
            case Verbs.DigestPublish:
            {
                var published = await digests.PublishAsync(squad, week, turn.UserName, cancellationToken);
                var header = await digests.ReviewHeaderAsync(squad, week, turn.UserId, cancellationToken);
                return new CardActionResult(header, published.State switch
                {
                    PublishState.Published => $"Published Update {published.Edition}.",
                    PublishState.AlreadyPublished => $"Update {published.Edition} was already published; nothing was posted again.",
                    PublishState.Unconfirmed => "A publish was interrupted; check the channel before anything else.",
                    _ => $"Publishing failed: {published.Detail}",
                });
            }

            case Verbs.DigestHide or Verbs.DigestRestore when itemId is not null:
                problem = await digests.EditAsync(squad, week, turn.UserId, (edits, _) =>
                {
                    var hidden = new HashSet<string>(edits.HiddenItemIds, StringComparer.Ordinal);
                    if (verb == Verbs.DigestHide)
                    {
                        hidden.Add(itemId);
                    }
                    else
                    {
                        hidden.Remove(itemId);
                    }

                    return edits with { HiddenItemIds = hidden };
                }, cancellationToken);
                break;
            case Verbs.DigestEdit when itemId is not null:
            {
                var text = AnswerText.Clean(values.GetValueOrDefault(values.GetValueOrDefault("inputId") ?? ""));
                if (text.Length == 0 || AnswerText.CheckLength("This item", text) is not null)
                {
                    problem = text.Length == 0 ? "An item can't be empty; hide it instead." : AnswerText.CheckLength("This item", text);
                    break;
                }

                problem = await digests.EditAsync(squad, week, turn.UserId, (edits, digest) =>
                {
                    var current = digest.Sections.SelectMany(s => s.Items).FirstOrDefault(i => i.ItemId == itemId);
                    if (current is null || DigestCards.Fingerprint(current.Text) != basis)
                    {
                        return null;
                    }

                    return edits with { EditedTexts = new Dictionary<string, string>(edits.EditedTexts, StringComparer.Ordinal) { [itemId] = text } };
                }, cancellationToken);
                break;
            }

            case Verbs.DigestIntro:
            {
                var intro = AnswerText.Clean(values.GetValueOrDefault(ReviewCards.IntroInput));
                problem = AnswerText.CheckLength("The intro", intro) ?? await digests.EditAsync(squad, week, turn.UserId, (edits, _) =>
                    DigestCards.Fingerprint(edits.Intro) != basis ? null : edits with { Intro = intro.Length == 0 ? null : intro }, cancellationToken);
                break;
            }

            case Verbs.DigestMoveUp or Verbs.DigestMoveDown when sectionId is not null:
                problem = await digests.EditAsync(squad, week, turn.UserId, (edits, digest) =>
                {
                    var order = digest.Sections.Select(s => s.SectionId).ToList();
                    var at = order.IndexOf(sectionId);
                    var to = verb == Verbs.DigestMoveUp ? at - 1 : at + 1;
                    if (at < 0 || to < 0 || to >= order.Count)
                    {
                        return edits;
                    }

                    (order[at], order[to]) = (order[to], order[at]);
                    // Keep sections with no items yet in the squad's order after the ones shown.
                    order.AddRange(squad.Settings.Sections.Select(s => s.Id).Where(id => !order.Contains(id)));
                    return edits with { SectionOrder = order };
                }, cancellationToken);
                break;
            default:
                return CardActionResult.BadRequest($"Unknown action '{verb}'.");
        }

        var card = itemId is not null
            ? await digests.ReviewItemCardAsync(squad, week, turn.UserId, itemId, cancellationToken)
            : await digests.ReviewHeaderAsync(squad, week, turn.UserId, cancellationToken);
        return new CardActionResult(card ?? await digests.ReviewHeaderAsync(squad, week, turn.UserId, cancellationToken), problem);
    }

    private static CardActionResult From(AnswerOutcome outcome) => new(outcome.Card, outcome.Message);

    private static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
