using System.Diagnostics.Metrics;

namespace UpdateBot.Hosting;

/// <summary>The service's own metrics (issue 5 item 4), exported through OpenTelemetry.</summary>
public sealed class BotMetrics
{
    public const string MeterName = "UpdateBot";

    private readonly Counter<long> promptsSent;
    private readonly Counter<long> unreachable;
    private readonly Counter<long> answers;
    private readonly Counter<long> published;
    private readonly Counter<long> cardActions;

    public BotMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        promptsSent = meter.CreateCounter<long>("updatebot.prompts.sent", description: "Prompt and reminder cards delivered 1:1");
        unreachable = meter.CreateCounter<long>("updatebot.members.unreachable", description: "Sends that found a member unreachable");
        answers = meter.CreateCounter<long>("updatebot.answers.saved", description: "Answers saved (submit, quiet, away, free text)");
        published = meter.CreateCounter<long>("updatebot.digests.published", description: "Weeknotes posted to a channel");
        cardActions = meter.CreateCounter<long>("updatebot.card_actions", description: "Card actions handled, by verb and status");
    }

    public void PromptSent(string kind) => promptsSent.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Unreachable(string reason) => unreachable.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void AnswerSaved(string how) => answers.Add(1, new KeyValuePair<string, object?>("how", how));

    public void DigestPublished() => published.Add(1);

    public void CardAction(string verb, int status) =>
        cardActions.Add(1, new KeyValuePair<string, object?>("verb", verb), new KeyValuePair<string, object?>("status", status));
}
