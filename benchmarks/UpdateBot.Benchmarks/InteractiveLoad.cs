using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;

namespace UpdateBot.Benchmarks;

/// <summary>Latencies of the simulated people's turns, measured at the HTTP client (sent → answered).</summary>
internal sealed record InteractiveStats(
    double TurnsPerSecond,
    int Clicks,
    int Helps,
    int Failed,
    double ClickP50Ms,
    double ClickP99Ms,
    double ClickMaxMs,
    double HelpP50Ms,
    double HelpP99Ms,
    double HelpMaxMs,
    int ConnectorRequestsExpected)
{
    public static InteractiveStats None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>
/// People using the bot while the fan-out runs: at a steady rate (open loop: a slow answer never delays the next
/// turn), a member who already has their prompt either clicks Submit on it — in turn an <c>Action.Execute</c> invoke
/// (answered by the invoke response, no connector call) and the classic <c>Action.Submit</c> (answered by a PUT of the
/// card) — or types <c>help</c> (answered by a reply through the connector). Every turn is a POST to the service's
/// own <c>/api/messages</c>, in development mode like the rest of the benchmark.
/// </summary>
internal sealed class InteractiveLoad(HttpClient bot, ConversationStore conversations, Squad squad, IsoWeek week, Uri connector, int roster, double turnsPerSecond)
{
    private readonly List<double> clicks = [];
    private readonly List<double> helps = [];
    private readonly Lock gate = new();
    private readonly Random random = new(8);
    private readonly HashSet<int> prompted = [];
    private readonly List<int> promptedList = [];
    private int failed;
    private int puts;
    private int replies;

    public async Task<InteractiveStats> RunAsync(CancellationToken stop)
    {
        if (turnsPerSecond <= 0)
        {
            return InteractiveStats.None;
        }

        var running = new List<Task>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / turnsPerSecond));
        var n = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var kind = n++ % 3;
                running.Add(Task.Run(() => OneTurnAsync(kind), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The fan-out finished: the turns already sent are still measured.
        }

        await Task.WhenAll(running);
        lock (gate)
        {
            return new InteractiveStats(
                turnsPerSecond, clicks.Count, helps.Count, failed,
                Percentile(clicks, 0.50), Percentile(clicks, 0.99), clicks.Count == 0 ? 0 : clicks.Max(),
                Percentile(helps, 0.50), Percentile(helps, 0.99), helps.Count == 0 ? 0 : helps.Max(),
                puts + replies);
        }
    }

    private async Task OneTurnAsync(int kind)
    {
        var member = await PromptedMemberAsync();
        if (member is null)
        {
            return; // nobody has a prompt yet (the first second of the fan-out)
        }

        var (userId, conversationId) = member.Value;
        var activity = kind switch
        {
            0 => Execute(userId, conversationId),
            1 => ClassicSubmit(userId, conversationId),
            _ => Message(userId, conversationId, "help"),
        };
        using var content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json");
        var watch = Stopwatch.StartNew();
        var ok = false;
        try
        {
            using var response = await bot.PostAsync(new Uri("/api/messages", UriKind.Relative), content);
            var body = await response.Content.ReadAsStringAsync();
            ok = response.StatusCode == HttpStatusCode.OK
                && (kind != 0 || body.Contains("application/vnd.microsoft.card.adaptive", StringComparison.Ordinal));
        }
        catch (HttpRequestException)
        {
            ok = false;
        }
        catch (TaskCanceledException)
        {
            ok = false;
        }

        var ms = watch.Elapsed.TotalMilliseconds;
        lock (gate)
        {
            if (!ok)
            {
                failed++;
            }
            else if (kind == 2)
            {
                helps.Add(ms);
                replies++;
            }
            else
            {
                clicks.Add(ms);
                puts += kind == 1 ? 1 : 0;
            }
        }
    }

    /// <summary>
    /// A random member whose 1:1 chat the fan-out has created, so their prompt is there or on its way (the claim that
    /// sends it was taken before the chat was created). Each turn probes one more random member (one storage read) and
    /// then picks among those found so far. The chat id is the one the fake connector gives.
    /// </summary>
    private async Task<(string UserId, string ConversationId)?> PromptedMemberAsync()
    {
        int probe;
        lock (gate)
        {
            probe = random.Next(roster);
        }

        var probed = FakeConnector.UserId(probe);
        var found = await conversations.GetAsync(ConversationStore.User, probed, CancellationToken.None) is { Active: true };
        lock (gate)
        {
            if (found && prompted.Add(probe))
            {
                promptedList.Add(probe);
            }

            if (promptedList.Count == 0)
            {
                return null;
            }

            var userId = FakeConnector.UserId(promptedList[random.Next(promptedList.Count)]);
            return (userId, FakeConnector.ConversationOf(userId));
        }
    }

    private JsonObject Base(string type, string userId, string conversationId) => new()
    {
        ["type"] = type,
        ["id"] = "bench-" + Guid.NewGuid().ToString("N"),
        ["channelId"] = "msteams",
        ["serviceUrl"] = connector.ToString(),
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["from"] = new JsonObject { ["id"] = userId, ["name"] = "Member " + userId[^5..] },
        ["recipient"] = new JsonObject { ["id"] = "28:bench-bot", ["name"] = "UpdateBot" },
        ["conversation"] = new JsonObject { ["id"] = conversationId, ["conversationType"] = "personal", ["tenantId"] = FakeConnector.TenantId },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = FakeConnector.TenantId } },
    };

    private JsonObject Message(string userId, string conversationId, string text)
    {
        var activity = Base("message", userId, conversationId);
        activity["text"] = text;
        return activity;
    }

    private JsonObject SubmitData(string userId) => new()
    {
        ["squadId"] = squad.Id,
        ["week"] = week.ToString(),
        [PromptCards.SectionInput(squad.Settings.Sections[0].Id)] = "Benchmarked the fan-out, " + userId[^5..],
    };

    private JsonObject Execute(string userId, string conversationId)
    {
        var activity = Base("invoke", userId, conversationId);
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = "prompt-card";
        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = Verbs.PromptSubmit, ["data"] = SubmitData(userId) },
            ["trigger"] = "manual",
        };
        return activity;
    }

    private JsonObject ClassicSubmit(string userId, string conversationId)
    {
        var activity = Base("message", userId, conversationId);
        activity["replyToId"] = "prompt-card";
        var value = SubmitData(userId);
        value["verb"] = Verbs.PromptSubmit;
        activity["value"] = value;
        return activity;
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
