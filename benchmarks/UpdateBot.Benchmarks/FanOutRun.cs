using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using UpdateBot.Cycle;
using UpdateBot.Domain;
using UpdateBot.Storage;

namespace UpdateBot.Benchmarks;

/// <summary>What one run measured (one process: the service and this driver; the connector is another process).</summary>
internal sealed record RunResult(
    int Roster,
    int GlobalPerSecond,
    int ClientGlobalPerSecond,
    double WallSeconds,
    double ConnectorSpanSeconds,
    int RequestsNeeded,
    double MinimumSeconds,
    double ClientMinimumSeconds,
    string StepReport,
    bool Complete,
    int Sent,
    ConnectorStats Connector,
    double RerunSeconds,
    int RerunDeliveries,
    string RerunReport,
    long PeakWorkingSetBytes,
    long WorkingSetBeforeBytes,
    long PeakGcHeapBytes,
    long GcHeapAfterBytes,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    double GcPauseMilliseconds,
    bool PrioritizeInteractive = true,
    InteractiveStats? Interactive = null,
    SlotWaitStats? SlotWaits = null,
    long IdleResidentBytes = 0,
    long PeakResidentBytes = 0,
    bool PeakResidentIsFanOutOnly = false,
    double LimiterIdleShare = 0,
    bool ColdRoster = false);

/// <summary>
/// Hosts the real service (<c>AddUpdateBot</c> on Kestrel, tables in Azurite, <c>Cycle:Enabled=false</c>), seeds one
/// configured squad whose serviceUrl is the fake connector, and times <c>CycleRunner.RunAsync(…, Open, …)</c>.
/// </summary>
internal static class FanOutRun
{
    public static async Task<RunResult> RunAsync(string tables, Uri connector, int roster, int global, int clientGlobal, TimeSpan timeout, double turnsPerSecond, bool prioritize, bool coldRoster = false)
    {
        using var cts = new CancellationTokenSource(timeout);
        var ct = cts.Token;
        var prefix = "Bench" + Guid.NewGuid().ToString("N")[..12];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = "Development", // development mode (no authentication) runs only there
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bot:AllowAnonymousLoopback"] = "true",
            ["Bot:AppId"] = "",
            ["Bot:Connector:GlobalRequestsPerSecond"] = clientGlobal.ToString(CultureInfo.InvariantCulture),
            ["Bot:Connector:PrioritizeInteractive"] = prioritize ? "true" : "false",
            ["Storage:ConnectionString"] = tables,
            ["Storage:TablePrefix"] = prefix,
            ["Cycle:Enabled"] = "false",
            ["Telemetry:Exporter"] = "none",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:UpdateBot"] = "Warning",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddUpdateBot(builder.Configuration);
        await using var app = builder.Build();
        app.MapUpdateBot();
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        await WaitReadyAsync(http, ct);

        // The initializer may still be creating the other tables; doing it here too is idempotent and waits for all.
        await app.Services.GetRequiredService<Tables>().EnsureCreatedAsync(ct);

        var squads = app.Services.GetRequiredService<SquadStore>();
        await squads.RecordInstallAsync(FakeConnector.TeamId, "Bench squad", FakeConnector.TenantId, connector.ToString(), "28:bench-bot", FakeConnector.TeamId, null, ct);
        var installed = await squads.GetAsync(FakeConnector.TeamId, ct) ?? throw new InvalidOperationException("Squad missing.");
        if (await squads.TrySaveSettingsAsync(installed, installed.Settings, ct) != SettingsWrite.Saved)
        {
            throw new InvalidOperationException("Could not configure the squad.");
        }

        var squad = await squads.GetAsync(FakeConnector.TeamId, ct) ?? throw new InvalidOperationException("Squad missing.");
        var week = IsoWeek.FromDate(DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime));

        // Settle start-up garbage so the run's numbers are its own.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var workingSetBefore = process.WorkingSet64;

        // Idle: started, tables ready, squad configured, garbage settled, nothing running (VmRSS; before the roster below
        // is stored, as a service is between its weekly steps). The fan-out's own
        // peak: VmHWM after resetting it here, and VmRSS sampled every 50 ms in case the kernel refuses the reset.
        var idleResident = ProcessMemory.ResidentBytes();

        if (!coldRoster)
        {
            // As in the product: the install's welcome stores the team's roster (TeamWelcome), days before the first Open
            // step, which then re-reads the roster pages and finds it unchanged. Stored here from the same list the fake
            // connector serves, so the connector's counts stay those of the step. --cold-roster times the first-ever
            // roster write inside the step instead (a team that gained every member since the install).
            await app.Services.GetRequiredService<MemberStore>().SyncRosterAsync(squad.Id, [.. Enumerable.Range(0, roster).Select(FakeConnector.Member)], ct);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var peakIsFanOutOnly = ProcessMemory.TryResetPeak();
        var peakResident = idleResident;
        var gen = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var pauseBefore = GC.GetTotalPauseDuration();

        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var peakHeap = 0L;
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                peakResident = Math.Max(peakResident, ProcessMemory.ResidentBytes());
            }
        }, CancellationToken.None);

        // People clicking and typing while the fan-out runs (docs/benchmarks.md, "Interactive turns during the fan-out").
        using var people = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        using var fanOutDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = new InteractiveLoad(people, app.Services.GetRequiredService<ConversationStore>(), squad, week, connector, roster, turnsPerSecond).RunAsync(fanOutDone.Token);

        using var slotWaits = new SlotWaits();
        // How often the service's global limiter had nobody waiting for a slot during the fan-out: a share well above
        // zero means the fan-out did not keep the budget busy (its own work between sends, not Teams' limits, set the pace).
        var limits = app.Services.GetRequiredService<UpdateBot.Teams.Connector.ConnectorRateLimits>();
        var (idleSamples, allSamples) = (0, 0);
        var idlePerSecond = new int[3600];
        var watch = Stopwatch.StartNew();
        var idleSampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            while (await timer.WaitForNextTickAsync(fanOutDone.Token).ConfigureAwait(false))
            {
                allSamples++;
                var idle = limits.WaitingForGlobalSlot == 0;
                idleSamples += idle ? 1 : 0;
                idlePerSecond[Math.Min(3599, (int)watch.Elapsed.TotalSeconds)] += idle ? 1 : 0;
            }
        }, CancellationToken.None);
        watch.Restart();
        StepReport report;
        using (var scope = app.Services.CreateScope())
        {
            // As a lead's "prompt now": everyone at once, whatever the hour on each member's clock (the benchmark runs any day).
            report = await scope.ServiceProvider.GetRequiredService<CycleRunner>().RunAsync(squad, week, CycleStep.Open, ct, now: true);
        }

        var wall = watch.Elapsed;
        await fanOutDone.CancelAsync();
        await idleSampler.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        await Console.Error.WriteLineAsync("limiter idle samples per second of the run: " + string.Join(' ', idlePerSecond.Take((int)wall.TotalSeconds + 1)));
        var interactive = await load;
        var waits = slotWaits.Snapshot();
        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
        await sampling.CancelAsync();
        await sampler.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var gcPause = GC.GetTotalPauseDuration() - pauseBefore;
        var gens = (GC.CollectionCount(0) - gen.Item1, GC.CollectionCount(1) - gen.Item2, GC.CollectionCount(2) - gen.Item3);
        process.Refresh();
        var peakWorkingSet = process.PeakWorkingSet64;
        peakResident = Math.Max(peakResident, peakIsFanOutOnly ? ProcessMemory.PeakResidentBytes() : ProcessMemory.ResidentBytes());
        var heapAfter = GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;

        using var stats = new HttpClient { BaseAddress = connector, Timeout = TimeSpan.FromSeconds(10) };
        var first = await stats.GetFromJsonAsync<ConnectorStats>("_bench/stats", ConnectorStats.Json, ct) ?? throw new InvalidOperationException("No stats.");

        // Idempotency: running the same step again must deliver nothing new (per-member claims).
        var rerunWatch = Stopwatch.StartNew();
        StepReport rerun;
        using (var scope = app.Services.CreateScope())
        {
            rerun = await scope.ServiceProvider.GetRequiredService<CycleRunner>().RunAsync(squad, week, CycleStep.Open, ct, now: true);
        }

        var rerunSeconds = rerunWatch.Elapsed.TotalSeconds;
        var second = await stats.GetFromJsonAsync<ConnectorStats>("_bench/stats", ConnectorStats.Json, ct) ?? throw new InvalidOperationException("No stats.");

        await app.StopAsync(CancellationToken.None);

        // The job needs: every roster page, one create and one send per member (each 1:1 is its own thread, so only
        // the global budget binds). At G per second that cannot take less than needed / G; the client's own budget may be lower.
        var pages = (roster + 499) / 500;
        var needed = pages + (2 * roster);
        return new RunResult(
            roster, global, clientGlobal,
            wall.TotalSeconds,
            first.LastAcceptedAt - first.FirstAcceptedAt,
            needed,
            needed / (double)global,
            needed / (double)Math.Min(global, clientGlobal),
            report.Describe(), report.Complete, report.Sent,
            first,
            rerunSeconds, second.Delivered - first.Delivered, rerun.Describe(),
            peakWorkingSet, workingSetBefore, peakHeap, heapAfter, allocated,
            gens.Item1, gens.Item2, gens.Item3, gcPause.TotalMilliseconds,
            prioritize, interactive, waits, idleResident, peakResident, peakIsFanOutOnly,
            allSamples == 0 ? 0 : idleSamples / (double)allSamples, coldRoster);
    }

    private static async Task WaitReadyAsync(HttpClient http, CancellationToken ct)
    {
        // StorageInitializer creates the tables in the background; /readyz turns healthy when storage answers.
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        throw new TimeoutException("The service did not become ready within 60 s.");
    }
}
