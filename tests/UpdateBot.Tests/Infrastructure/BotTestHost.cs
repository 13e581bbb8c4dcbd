using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using UpdateBot.Cycle;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Teams.Hosting;

namespace UpdateBot.Tests.Infrastructure;

/// <summary>
/// Real Azurite tables and queues for a test class (env UPDATEBOT_TEST_TABLES and UPDATEBOT_TEST_QUEUES, else a shared
/// in-memory azurite-table and azurite-queue).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private static int counter;
    private AzuriteStorage? storage;

    /// <summary>The development account with its table and queue endpoints.</summary>
    public string ConnectionString => storage!.ConnectionString;

    /// <summary>A table prefix no other test uses (tests share one Azurite).</summary>
    public static string NewPrefix(string name) =>
        name + Interlocked.Increment(ref counter).ToString(CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync() => storage = await AzuriteStorage.AcquireAsync();

    public async Task DisposeAsync()
    {
        if (storage is not null)
        {
            await storage.DisposeAsync();
        }
    }
}

/// <summary>
/// The real service in memory (TestServer): FakeTimeProvider as its clock, the weekly cycle driven by hand, the fake
/// connector as the network under the real connector pipeline, and every inbound request from loopback (development mode).
/// Several hosts may share tables, clock and connector (a restart, or two instances).
/// </summary>
public sealed class BotTestHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private int activityCounter;

    public BotTestHost(
        string connectionString, string tablePrefix, FakeTimeProvider time, FakeTeams teams, string name = "host1", IDictionary<string, string?>? extra = null, StorageFaults? storageFaults = null)
    {
        Time = time;
        Teams = teams;
        Name = name;
        StorageFaults = storageFaults;
        settings = new Dictionary<string, string?>
        {
            ["Bot:AllowAnonymousLoopback"] = "true",
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:TablePrefix"] = tablePrefix,
            ["Cycle:Enabled"] = "false",
            // A work item that failed is visible again at once, and a by-hand tick takes it at most once (DrainAsync),
            // so a failing step is retried on the next tick as the tests drive it; its dequeue count still rises.
            ["WorkQueue:RetryDelay"] = "00:00:00",
            ["WorkQueue:MaxDequeueCount"] = "20",
            ["Telemetry:Exporter"] = "none",
            // The fake clock only moves when a test moves it: no waits inside the connector pipeline. Retries are
            // the cycle's business here (Retry markers, next tick), which is what these tests are about.
            ["Bot:Connector:MaxRetryAttempts"] = "0",
            ["Bot:Connector:GlobalRequestsPerSecond"] = "100000",
            ["Bot:Connector:PerConversationRequestsPerSecond"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
    }

    public FakeTimeProvider Time { get; }

    public FakeTeams Teams { get; }

    /// <summary>Faults injected into this host's table calls, when the test asked for them.</summary>
    public StorageFaults? StorageFaults { get; }

    public string Name { get; }

    /// <summary>Warnings and errors the service logged (shown when an assertion about a response fails).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Asserts a 200 from /api/messages, showing the service's warnings and errors otherwise.</summary>
    public void AssertOk(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} from /api/messages. Service log:\n{string.Join("\n", Logs)}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            logging.AddProvider(new CollectingLoggerProvider(Logs));
        });
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddHttpClient(TeamsBotExtensions.ConnectorHttpClientName).ConfigurePrimaryHttpMessageHandler(() => Teams.HandlerFor(Name));
            services.AddSingleton<IStartupFilter, LoopbackCaller>();
            if (StorageFaults is { } faults)
            {
                services.AddSingleton(faults.ClientOptions());
                services.AddSingleton(faults.QueueClientOptions());
            }
        });
    }

    /// <summary>
    /// One pass of the weekly cycle, as the hosted services would run it: the scheduler enqueues what is due, then this
    /// host works off the queue. Returns how many work items it took.
    /// </summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken = default)
    {
        await Services.GetRequiredService<WeeklyCycleService>().TickAsync(cancellationToken);
        return await DrainAsync(cancellationToken);
    }

    /// <summary>Works off every work item visible now, as this host's <see cref="CycleWorker"/> would.</summary>
    public Task<int> DrainAsync(CancellationToken cancellationToken = default) =>
        Services.GetRequiredService<CycleWorker>().DrainAsync(cancellationToken);

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Runs something with a scope's services (the scoped services of one turn).</summary>
    public async Task<TResult> InScopeAsync<TResult>(Func<IServiceProvider, Task<TResult>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>
    /// The person says <paramref name="text"/> in their 1:1 chat, from a Teams client in <paramref name="locale"/> when
    /// given; returns the text of every reply (a card's JSON when it has no text), one per line.
    /// </summary>
    public async Task<string> SayAsync((string Id, string Name) person, string text, string? locale = null)
    {
        var before = Teams.SendsTo(person.Id).Count;
        var message = Activities.PersonalMessage(person.Id, person.Name, text);
        AssertOk(await PostActivityAsync(locale is null ? message : Activities.InLocale(message, locale)));
        return string.Join("\n", Teams.SendsTo(person.Id).Skip(before).Select(r => r.Json?["text"]?.GetValue<string>() ?? r.Body));
    }

    /// <summary>POSTs an activity to /api/messages.</summary>
    public async Task<HttpResponseMessage> PostActivityAsync(JsonObject activity)
    {
        activity["id"] ??= "act-" + Interlocked.Increment(ref activityCounter).ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        using var client = CreateClient();
        return await client.PostAsJsonAsync("/api/messages", activity);
    }

    /// <summary>Sends an Action.Execute invoke and returns the HTTP status and the JSON body (the envelope).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> InvokeAsync(JsonObject activity)
    {
        using var response = await PostActivityAsync(activity);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>
    /// A configured squad straight through the stores (the endpoint path is covered by the setup tests): the team's
    /// roster is served by the fake connector and synced by the cycle.
    /// </summary>
    /// <summary>The two answers most tests start from: Bo's "Bo shipped the beat" and Cy's "Cy painted the wall", in Highlights.</summary>
    public Task AnswerBoAndCyAsync(Squad squad, IsoWeek week) => InScopeAsync(async sp =>
    {
        var answers = sp.GetRequiredService<UpdateBot.Answers.AnswerService>();
        await answers.SubmitAsync(new UpdateBot.Answers.AnswerFor(squad, week, "29:bo", "Bo Diddley"), new Dictionary<string, string?> { ["s_highlights"] = "Bo shipped the beat" }, CancellationToken.None);
        await answers.SubmitAsync(new UpdateBot.Answers.AnswerFor(squad, week, "29:cy", "Cy Twombly"), new Dictionary<string, string?> { ["s_highlights"] = "Cy painted the wall" }, CancellationToken.None);
        return 0;
    });

    public async Task<Squad> SeedSquadAsync(string teamId, IReadOnlyList<(string Id, string Name)> members, IReadOnlyList<string> leads, string timeZone = "Europe/London", bool autoPublish = true, string name = "Platform", bool publishOpenly = false)
    {
        Teams.SetTeam(teamId, members);
        var squads = Get<SquadStore>();
        await squads.RecordInstallAsync(teamId, name, FakeTeams.TenantId, FakeTeams.ServiceUrl, FakeTeams.BotId, ChannelOf(teamId), leads[0], CancellationToken.None);
        var installed = (await squads.GetAsync(teamId, CancellationToken.None))!;
        var settings = new SquadSettings(name, timeZone, SquadSchedule.Default, SettingsValidation.DefaultSections, leads, autoPublish) { PublishOpenly = publishOpenly };
        Assert.Equal(SettingsWrite.Saved, await squads.TrySaveSettingsAsync(installed, settings, CancellationToken.None));
        await Get<MemberStore>().SyncRosterAsync(teamId, members.Select(m => new RosterEntry(m.Id, m.Name, null, null, null)).ToList(), CancellationToken.None);
        return (await squads.GetAsync(teamId, CancellationToken.None))!;
    }

    public static string ChannelOf(string teamId) => "19:channel-" + teamId;

    private sealed class CollectingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, logs);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }

    private sealed class LoopbackCaller : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // TestServer leaves the remote address empty; development mode only trusts loopback callers.
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>Inbound activities as Teams sends them (docs/protocol.md, "Activity fields"), as raw JSON.</summary>
public static class Activities
{
    public static JsonObject From(string userId, string name) => new() { ["id"] = userId, ["name"] = name, ["aadObjectId"] = "aad-" + userId };

    private static JsonObject Base(string type, string userId, string userName) => new()
    {
        ["type"] = type,
        ["channelId"] = "msteams",
        ["serviceUrl"] = FakeTeams.ServiceUrl,
        ["timestamp"] = "2026-11-19T10:00:00Z",
        ["from"] = From(userId, userName),
        ["recipient"] = new JsonObject { ["id"] = FakeTeams.BotId, ["name"] = "UpdateBot" },
    };

    private static JsonObject Personal(string userId) => new()
    {
        ["id"] = FakeTeams.PersonalConversationId(userId),
        ["conversationType"] = "personal",
        ["tenantId"] = FakeTeams.TenantId,
    };

    private static JsonObject TeamChannel(string teamId) => new()
    {
        ["team"] = new JsonObject { ["id"] = teamId, ["name"] = "Platform" },
        ["channel"] = new JsonObject { ["id"] = BotTestHost.ChannelOf(teamId) },
        ["tenant"] = new JsonObject { ["id"] = FakeTeams.TenantId },
    };

    /// <summary>A message in the team's channel that @mentions the bot, as Teams sends it.</summary>
    public static JsonObject ChannelMention(string teamId, string userId, string userName, string text) => new()
    {
        ["type"] = "message",
        ["id"] = "channel-" + Guid.NewGuid().ToString("N"),
        ["channelId"] = "msteams",
        ["serviceUrl"] = FakeTeams.ServiceUrl,
        ["timestamp"] = "2026-11-26T12:00:00Z",
        ["from"] = Activities.From(userId, userName),
        ["recipient"] = new JsonObject { ["id"] = FakeTeams.BotId, ["name"] = "UpdateBot" },
        ["conversation"] = new JsonObject
        {
            ["id"] = BotTestHost.ChannelOf(teamId) + ";messageid=1700000000000",
            ["conversationType"] = "channel",
            ["isGroup"] = true,
            ["tenantId"] = FakeTeams.TenantId,
        },
        ["text"] = $"<at>UpdateBot</at> {text}",
        ["entities"] = new JsonArray(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>UpdateBot</at>",
            ["mentioned"] = new JsonObject { ["id"] = FakeTeams.BotId, ["name"] = "UpdateBot" },
        }),
        ["channelData"] = new JsonObject
        {
            ["team"] = new JsonObject { ["id"] = teamId, ["name"] = "Platform" },
            ["channel"] = new JsonObject { ["id"] = BotTestHost.ChannelOf(teamId) },
            ["tenant"] = new JsonObject { ["id"] = FakeTeams.TenantId },
        },
    };

    /// <summary>The activity as sent by a Teams client in <paramref name="locale"/> (its <c>locale</c> field).</summary>
    public static JsonObject InLocale(JsonObject activity, string locale)
    {
        activity["locale"] = locale;
        return activity;
    }

    public static JsonObject PersonalMessage(string userId, string userName, string text)
    {
        var activity = Base("message", userId, userName);
        activity["conversation"] = Personal(userId);
        activity["text"] = text;
        return activity;
    }

    public static JsonObject TeamInstall(string teamId, string installerId, string installerName)
    {
        var activity = Base("installationUpdate", installerId, installerName);
        activity["action"] = "add";
        activity["conversation"] = new JsonObject { ["id"] = BotTestHost.ChannelOf(teamId), ["conversationType"] = "channel", ["tenantId"] = FakeTeams.TenantId };
        var data = TeamChannel(teamId);
        data["settings"] = new JsonObject { ["selectedChannel"] = new JsonObject { ["id"] = BotTestHost.ChannelOf(teamId) } };
        activity["channelData"] = data;
        return activity;
    }

    /// <summary>An Action.Execute (Universal Actions) invoke from a 1:1 chat, or from the team channel when <paramref name="teamId"/> is given.</summary>
    public static JsonObject Execute(string userId, string userName, string verb, JsonObject data, string? teamId = null, string? replyToId = null)
    {
        var activity = Base("invoke", userId, userName);
        activity["name"] = "adaptiveCard/action";
        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data },
            ["trigger"] = "manual",
        };
        if (teamId is null)
        {
            activity["conversation"] = Personal(userId);
        }
        else
        {
            activity["conversation"] = new JsonObject { ["id"] = BotTestHost.ChannelOf(teamId), ["conversationType"] = "channel", ["tenantId"] = FakeTeams.TenantId };
            activity["channelData"] = TeamChannel(teamId);
        }

        if (replyToId is not null)
        {
            activity["replyToId"] = replyToId;
        }

        return activity;
    }
}
