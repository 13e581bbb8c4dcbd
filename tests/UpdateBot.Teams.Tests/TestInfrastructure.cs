using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using UpdateBot.Teams.Hosting;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

/// <summary>A FakeTimeProvider that reports every timer created, so tests can advance exactly to a pending wait.</summary>
internal sealed class ObservableTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> timers = Channel.CreateUnbounded<TimeSpan>();

    public ObservableTimeProvider()
        : base(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Due times of timers created (only short ones: long ones are timeouts, not waits).</summary>
    public ChannelReader<TimeSpan> ShortTimers => timers.Reader;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime > TimeSpan.Zero && dueTime < TimeSpan.FromSeconds(60))
        {
            timers.Writer.TryWrite(dueTime);
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Advances the clock to each wait the code under test starts until <paramref name="task"/> finishes.</summary>
    public async Task<T> DriveAsync<T>(Task<T> task, List<TimeSpan>? waits = null)
    {
        while (true)
        {
            var next = ShortTimers.ReadAsync().AsTask();
            var finished = await Task.WhenAny(task, next).WaitAsync(TimeSpan.FromSeconds(20));
            if (finished == task)
            {
                return await task;
            }

            var due = await next;
            waits?.Add(due);
            Advance(due);
        }
    }
}

/// <summary>The connector's far end, at the HttpMessageHandler level (no mocking library).</summary>
internal sealed class FakeConnector(Func<HttpRequestMessage, int, HttpResponseMessage> respond, TimeProvider? time = null) : HttpMessageHandler
{
    private readonly Lock gate = new();

    public List<Recorded> Requests { get; } = [];

    public int Count
    {
        get
        {
            lock (gate)
            {
                return Requests.Count;
            }
        }
    }

    /// <summary>Completes when <see cref="Count"/> reaches the given number.</summary>
    public Task WaitForCountAsync(int count) => WaitAsync(count).WaitAsync(TimeSpan.FromSeconds(20));

    private readonly ConcurrentDictionary<int, TaskCompletionSource> waiters = new();

    private Task WaitAsync(int count)
    {
        var tcs = waiters.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Count >= count)
        {
            tcs.TrySetResult();
        }

        return tcs.Task;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        int attempt;
        lock (gate)
        {
            Requests.Add(new Recorded(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body, request.Content?.Headers.ContentType?.ToString(), time?.GetUtcNow()));
            attempt = Requests.Count;
        }

        foreach (var (count, tcs) in waiters)
        {
            if (attempt >= count)
            {
                tcs.TrySetResult();
            }
        }

        var response = respond(request, attempt);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    internal sealed record Recorded(HttpMethod Method, Uri Uri, string? Authorization, string? Body, string? ContentType, DateTimeOffset? At);
}

/// <summary>What the endpoint tests' activity handler saw and answers.</summary>
internal sealed class TurnLog
{
    public ConcurrentQueue<Activity> Activities { get; } = new();

    public Func<Activity, InvokeResponse?> Answer { get; set; } = _ => null;

    public Func<Activity, Task>? Before { get; set; }
}

internal sealed class RecordingActivityHandler(TurnLog log) : IActivityHandler
{
    public async Task<InvokeResponse?> HandleAsync(Activity activity, CancellationToken cancellationToken)
    {
        log.Activities.Enqueue(activity);
        if (log.Before is { } before)
        {
            await before(activity);
        }

        return log.Answer(activity);
    }
}

/// <summary>A real Kestrel host on 127.0.0.1, port 0, with AddTeamsBot/MapTeamsBot and a recording handler.</summary>
internal sealed class BotHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private BotHost(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public TurnLog Log => app.Services.GetRequiredService<TurnLog>();

    public IServiceProvider Services => app.Services;

    public static async Task<BotHost> StartAsync(
        Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null, string environment = "Development", string urls = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(urls); // after the Clear: UseUrls writes to this configuration
        builder.Services.AddSingleton<TurnLog>();
        builder.Services.AddScoped<IActivityHandler, RecordingActivityHandler>();
        configure?.Invoke(builder.Services);
        builder.Services.AddTeamsBot(builder.Configuration);

        var app = builder.Build();
        app.MapTeamsBot();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BotHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>The host environment a plain ServiceCollection lacks; development mode needs it to say Development.</summary>
internal sealed class TestHostEnvironment(string name = "Development") : IHostEnvironment
{
    public string EnvironmentName { get; set; } = name;

    public string ApplicationName { get; set; } = "UpdateBot.Teams.Tests";

    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}

internal static class TestServices
{
    /// <summary>A service collection as a Development host would have it: logging and the host environment.</summary>
    public static IServiceCollection Create(string environment = "Development") =>
        new ServiceCollection().AddLogging().AddSingleton<IHostEnvironment>(new TestHostEnvironment(environment));
}

internal static class Settings
{
    public static Dictionary<string, string?> Development() => new()
    {
        ["Bot:AllowAnonymousLoopback"] = "true",
    };

    public static Dictionary<string, string?> Production(string? openIdMetadataUrl = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bot:AppId"] = TestConstants.AppId,
            ["Bot:TenantId"] = TestConstants.TenantId,
            ["Bot:ClientSecret"] = "not-a-real-secret",
        };
        if (openIdMetadataUrl is not null)
        {
            settings["Bot:OpenIdMetadataUrl"] = openIdMetadataUrl;
        }

        return settings;
    }
}

internal static class TestConstants
{
    public const string AppId = "11111111-2222-3333-4444-555555555555";
    public const string TenantId = "99999999-8888-7777-6666-555555555555";
    public const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
}
