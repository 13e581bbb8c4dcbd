using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace UpdateBot.Benchmarks;

/// <summary>
/// Fan-out benchmark (docs/benchmarks.md). Modes:
/// <list type="bullet">
/// <item>default: runs <c>--runs</c> independent runs, each with a fresh fake connector process and a fresh service process, and prints the table;</item>
/// <item><c>connector</c>: the fake Bot Connector alone (prints <c>LISTENING url</c>; exits when stdin closes or after <c>--max-seconds</c>);</item>
/// <item><c>run</c>: one fan-out against <c>--connector</c> (prints <c>RESULT json</c>);</item>
/// <item><c>seed</c>: seeds a store for the turn benchmark (<see cref="StoreSeeder"/>; prints <c>SEEDED json</c>);</item>
/// <item><c>turn-connector</c> and <c>drive</c>: the turn benchmark's fake connector and load driver (<see cref="TurnConnector"/>, <see cref="TurnDriver"/>).</item>
/// </list>
/// Every address used is 127.0.0.1; every wait is bounded.
/// </summary>
internal static partial class BenchmarkProgram
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static async Task<int> Main(string[] args)
    {
        try
        {
            return await MainAsync(args);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or ArgumentException or HttpRequestException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("benchmark failed: " + e);
            return 1;
        }
    }

    private static async Task<int> MainAsync(string[] args)
    {
        var mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "fanout";
        if (mode == "drive")
        {
            // Its options repeat (--target, --pid): it parses them itself.
            return await TurnDriver.RunAsync(args[1..]);
        }

        var options = ParseOptions(args.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray());
        var roster = Int(options, "roster", 1000);
        var global = Int(options, "global", 30);
        var clientGlobal = Int(options, "client-global", global);
        var timeout = TimeSpan.FromSeconds(Int(options, "timeout", 900));
        var interactive = double.Parse(options.GetValueOrDefault("interactive", "0"), CultureInfo.InvariantCulture);
        var prioritize = !string.Equals(options.GetValueOrDefault("prioritize"), "false", StringComparison.OrdinalIgnoreCase);
        var coldRoster = string.Equals(options.GetValueOrDefault("cold-roster"), "true", StringComparison.OrdinalIgnoreCase);
        switch (mode)
        {
            case "turn-connector":
                return await TurnConnector.RunAsync(Int(options, "port", 0), TimeSpan.FromSeconds(Int(options, "max-seconds", 7200)));
            case "connector":
                return await ConnectorAsync(roster, global, TimeSpan.FromMilliseconds(Int(options, "global-window-ms", 1000)), TimeSpan.FromSeconds(Int(options, "max-seconds", 1800)));
            case "run":
                var tables = Require(options, "tables");
                var connector = new Uri(Require(options, "connector"));
                RequireLoopback(connector);
                var result = await FanOutRun.RunAsync(tables, connector, roster, global, clientGlobal, timeout, interactive, prioritize, coldRoster);
                Console.Out.WriteLine("RESULT " + JsonSerializer.Serialize(result, Json));
                return 0;
            case "seed":
                // The turn benchmark's store (docs/benchmarks.md, "Turns"): prints SEEDED json.
                var seeded = await StoreSeeder.SeedAsync(Require(options, "tables"), Require(options, "prefix"), new Uri(Require(options, "service-url")),
                    Int(options, "squads", 1000), Int(options, "members", 12), Int(options, "weeks", 52), Int(options, "bench-members", 50), CancellationToken.None);
                Console.Out.WriteLine("SEEDED " + JsonSerializer.Serialize(seeded, Json));
                return 0;
            case "fanout":
                return await OrchestrateAsync(Require(options, "tables"), roster, global, clientGlobal, Int(options, "global-window-ms", 1000), Int(options, "runs", 3), timeout, options.GetValueOrDefault("out"), interactive, prioritize, coldRoster);
            default:
                await Console.Error.WriteLineAsync($"Unknown mode '{mode}'. Use: [fanout|connector|run|seed|turn-connector|drive] --tables <conn> [--roster 1000] [--global 30] [--client-global N] [--global-window-ms 1000] [--runs 3] [--out file.json] [--interactive turns-per-second] [--prioritize true|false] [--cold-roster true]");
                return 2;
        }
    }

    private static async Task<int> ConnectorAsync(int roster, int global, TimeSpan globalWindow, TimeSpan maxLifetime)
    {
        if (globalWindow <= TimeSpan.Zero || globalWindow > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(globalWindow), "--global-window-ms: 1..1000");
        }

        var fake = new FakeConnector(roster, global, globalWindow);
        await using var app = await fake.StartAsync(CancellationToken.None);
        var url = app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        Console.Out.WriteLine("LISTENING " + url + "/");
        await Console.Out.FlushAsync();

        // Lives until the parent closes our stdin (or dies), bounded in any case.
        var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
        await Task.WhenAny(stdinClosed, Task.Delay(maxLifetime));
        await app.StopAsync();
        return 0;
    }

    private static async Task<int> OrchestrateAsync(string tables, int roster, int global, int clientGlobal, int globalWindowMs, int runs, TimeSpan timeout, string? outFile, double interactive, bool prioritize, bool coldRoster)
    {
        if (runs is < 1 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(runs), "1..20 runs");
        }

        var results = new List<RunResult>();
        for (var i = 1; i <= runs; i++)
        {
            await Console.Error.WriteLineAsync($"run {i}/{runs}: roster {roster}, connector global {global} per {globalWindowMs} ms, client global {clientGlobal}/s, {interactive.ToString(CultureInfo.InvariantCulture)} turns/s, interactive first {prioritize}, roster {(coldRoster ? "first written in the step (--cold-roster)" : "stored at install")} …");
            await using var connector = await Child.StartAsync(["connector", "--roster", Str(roster), "--global", Str(global), "--global-window-ms", Str(globalWindowMs), "--max-seconds", Str((int)timeout.TotalSeconds + 60)]);
            var url = (await connector.WaitForLineAsync(ListeningLine(), TimeSpan.FromSeconds(60))).Groups[1].Value;
            await using var run = await Child.StartAsync(["run", "--tables", tables, "--connector", url, "--roster", Str(roster), "--global", Str(global), "--client-global", Str(clientGlobal), "--timeout", Str((int)timeout.TotalSeconds),
                "--interactive", interactive.ToString(CultureInfo.InvariantCulture), "--prioritize", prioritize ? "true" : "false", "--cold-roster", coldRoster ? "true" : "false"]);
            var line = await run.WaitForLineAsync(ResultLine(), timeout + TimeSpan.FromSeconds(60));
            var result = JsonSerializer.Deserialize<RunResult>(line.Groups[1].Value, Json) ?? throw new InvalidOperationException("Unreadable result.");
            results.Add(result);
            await Console.Error.WriteLineAsync($"run {i}: {result.WallSeconds:0.0} s, {result.Connector.Throttled} × 429, lost {result.Connector.Lost}, duplicates {result.Connector.Duplicates}; {result.StepReport}");
            await Console.Error.WriteLineAsync($"run {i}: limiter idle {result.LimiterIdleShare:P1} of samples, background limiter wait p50 {result.SlotWaits?.BackgroundP50Ms:0} ms");
            await Console.Error.WriteLineAsync($"run {i}: memory idle {result.IdleResidentBytes / 1048576.0:0.0} MiB, peak during the fan-out {result.PeakResidentBytes / 1048576.0:0.0} MiB (VmRSS/VmHWM)");
            if (result.Interactive is { TurnsPerSecond: > 0 } turns)
            {
                await Console.Error.WriteLineAsync($"run {i}: clicks p50 {turns.ClickP50Ms:0} ms p99 {turns.ClickP99Ms:0} ms, help p50 {turns.HelpP50Ms:0} ms p99 {turns.HelpP99Ms:0} ms, failed {turns.Failed}; limiter wait interactive p50 {result.SlotWaits?.InteractiveP50Ms:0} ms p99 {result.SlotWaits?.InteractiveP99Ms:0} ms, background p50 {result.SlotWaits?.BackgroundP50Ms:0} ms");
            }
        }

        if (globalWindowMs != 1000)
        {
            Console.Out.WriteLine($"Connector global window {globalWindowMs} ms instead of 1000 ms: emulates a {1000 - globalWindowMs} ms safety margin in the service's limiter.");
        }

        Console.Out.WriteLine(Table(results));
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(results, new JsonSerializerOptions(Json) { WriteIndented = true }));
        }

        // Lost or duplicated prompts, a repeated delivery on re-run, or a person's turn that was not answered (or answered twice) fail the run.
        var ok = results.All(r => r.Connector.Lost == 0 && r.Connector.Duplicates == 0 && r.RerunDeliveries == 0 && r.Complete
            && (r.Interactive is not { } t || (t.Failed == 0 && r.Connector.Replies + r.Connector.Updates == t.ConnectorRequestsExpected)));
        return ok ? 0 : 1;
    }

    private static string Table(List<RunResult> results)
    {
        var r0 = results[0];
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Fan-out of the Open step: roster {r0.Roster}, connector global budget {r0.GlobalPerSecond}/s, client limiter {r0.ClientGlobalPerSecond}/s, {results.Count} runs");
        sb.AppendLine();
        sb.AppendLine("| metric | median | min | max | runs |");
        sb.AppendLine("| --- | ---: | ---: | ---: | --- |");
        void Row(string name, Func<RunResult, double> value, string format)
        {
            var values = results.Select(value).ToList();
            var sorted = values.Order().ToList();
            var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
            string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {F(median)} | {F(sorted[0])} | {F(sorted[^1])} | {string.Join(", ", values.Select(F))} |");
        }

        const double MiB = 1024 * 1024;
        Row("total time, s (RunAsync Open)", r => r.WallSeconds, "0.0");
        Row("minimum Teams' limits allow, s (needed ÷ connector budget)", r => r.MinimumSeconds, "0.0");
        Row("total ÷ that minimum", r => r.WallSeconds / r.MinimumSeconds, "0.000");
        Row("minimum at the client's budget, s", r => r.ClientMinimumSeconds, "0.0");
        Row("total ÷ client minimum", r => r.WallSeconds / r.ClientMinimumSeconds, "0.000");
        Row("connector span first→last accepted, s", r => r.ConnectorSpanSeconds, "0.0");
        Row("roster stored at install (1), or first written inside the step (0, --cold-roster)", r => r.ColdRoster ? 0 : 1, "0");
        Row("requests needed", r => r.RequestsNeeded, "0");
        Row("requests accepted", r => r.Connector.Accepted, "0");
        Row("429s served", r => r.Connector.Throttled, "0");
        Row("  of which global budget", r => r.Connector.ThrottledGlobal, "0");
        Row("  of which per-thread", r => r.Connector.ThrottledThread, "0");
        Row("global 429s: how early, median ms", r => r.Connector.GlobalShortfallMedianMs, "0.0");
        Row("global 429s: how early, p90 ms", r => r.Connector.GlobalShortfallP90Ms, "0.0");
        Row("global 429s: how early, max ms", r => r.Connector.GlobalShortfallMaxMs, "0.0");
        Row("prompts delivered", r => r.Connector.Delivered, "0");
        Row("messages lost (must be 0)", r => r.Connector.Lost, "0");
        Row("duplicates (must be 0)", r => r.Connector.Duplicates, "0");
        Row("unexpected requests", r => r.Connector.Unexpected, "0");
        Row("re-run: new deliveries (must be 0)", r => r.RerunDeliveries, "0");
        Row("limiter had nobody waiting, share of 10 ms samples", r => r.LimiterIdleShare, "0.000");
        Row("limiter wait of fan-out (background) requests, p50 ms", r => r.SlotWaits?.BackgroundP50Ms ?? 0, "0");
        if (results.Any(r => r.Interactive is { TurnsPerSecond: > 0 }))
        {
            var none = InteractiveStats.None;
            Row("interactive turns per second (sent)", r => (r.Interactive ?? none).TurnsPerSecond, "0.0");
            Row("interactive first (1 = on)", r => r.PrioritizeInteractive ? 1 : 0, "0");
            Row("clicks answered (Execute + Submit)", r => (r.Interactive ?? none).Clicks, "0");
            Row("click latency p50, ms", r => (r.Interactive ?? none).ClickP50Ms, "0");
            Row("click latency p99, ms", r => (r.Interactive ?? none).ClickP99Ms, "0");
            Row("click latency max, ms", r => (r.Interactive ?? none).ClickMaxMs, "0");
            Row("help answered", r => (r.Interactive ?? none).Helps, "0");
            Row("help latency p50, ms", r => (r.Interactive ?? none).HelpP50Ms, "0");
            Row("help latency p99, ms", r => (r.Interactive ?? none).HelpP99Ms, "0");
            Row("help latency max, ms", r => (r.Interactive ?? none).HelpMaxMs, "0");
            Row("limiter wait of interactive requests, p50 ms", r => r.SlotWaits?.InteractiveP50Ms ?? 0, "0");
            Row("limiter wait of interactive requests, p99 ms", r => r.SlotWaits?.InteractiveP99Ms ?? 0, "0");
            Row("limiter wait of interactive requests, max ms", r => r.SlotWaits?.InteractiveMaxMs ?? 0, "0");
            Row("limiter wait of background requests, p99 ms", r => r.SlotWaits?.BackgroundP99Ms ?? 0, "0");
            Row("turns failed or unanswered (must be 0)", r => (r.Interactive ?? none).Failed, "0");
            Row("replies + card PUTs at the connector", r => r.Connector.Replies + r.Connector.Updates, "0");
            Row("  expected (one per help, one per Submit)", r => (r.Interactive ?? none).ConnectorRequestsExpected, "0");
            Row("minimum with those sharing the budget, s", r => (r.RequestsNeeded + r.Connector.Replies + r.Connector.Updates) / (double)Math.Min(r.GlobalPerSecond, r.ClientGlobalPerSecond), "0.0");
            Row("total ÷ that shared minimum", r => r.WallSeconds / ((r.RequestsNeeded + r.Connector.Replies + r.Connector.Updates) / (double)Math.Min(r.GlobalPerSecond, r.ClientGlobalPerSecond)), "0.000");
        }

        Row("re-run time, s", r => r.RerunSeconds, "0.0");
        Row("idle working set (VmRSS before the run), MiB", r => r.IdleResidentBytes / MiB, "0.0");
        Row("peak working set during the fan-out (VmHWM reset at its start, else sampled VmRSS), MiB", r => r.PeakResidentBytes / MiB, "0.0");
        Row("  peak taken over the fan-out only (1 = VmHWM reset worked)", r => r.PeakResidentIsFanOutOnly ? 1 : 0, "0");
        Row("peak working set, MiB (process lifetime)", r => r.PeakWorkingSetBytes / MiB, "0.0");
        Row("working set before the run, MiB", r => r.WorkingSetBeforeBytes / MiB, "0.0");
        Row("peak GC heap (sampled 50 ms), MiB", r => r.PeakGcHeapBytes / MiB, "0.0");
        Row("allocated during the run, MiB", r => r.AllocatedBytes / MiB, "0.0");
        Row("GC count gen0", r => r.Gen0, "0");
        Row("GC count gen1", r => r.Gen1, "0");
        Row("GC count gen2", r => r.Gen2, "0");
        Row("GC pause total, ms", r => r.GcPauseMilliseconds, "0.0");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Step reports: {string.Join(" | ", results.Select(r => r.StepReport).Distinct())}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Re-run reports: {string.Join(" | ", results.Select(r => r.RerunReport).Distinct())}");
        return sb.ToString();
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }

    private static int Int(Dictionary<string, string> options, string key, int fallback) =>
        options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string Require(Dictionary<string, string> options, string key) =>
        options.TryGetValue(key, out var v) ? v : throw new ArgumentException($"--{key} is required.");

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void RequireLoopback(Uri uri)
    {
        if (uri.Host != "127.0.0.1")
        {
            throw new ArgumentException("The benchmark only talks to 127.0.0.1.");
        }
    }

    [GeneratedRegex(@"^LISTENING (\S+)$")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^RESULT (\{.*\})$")]
    private static partial Regex ResultLine();

    /// <summary>This program run again as a child process; its stdout is watched line by line, stderr passed through.</summary>
    private sealed class Child : IAsyncDisposable
    {
        private readonly Process process;
        private readonly List<string> lines = [];
        private readonly Lock gate = new();

        private Child(Process process) => this.process = process;

        public static Task<Child> StartAsync(IEnumerable<string> arguments)
        {
            var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
            var info = new ProcessStartInfo(self)
            {
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                RedirectStandardError = false,
                UseShellExecute = false,
            };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                info.ArgumentList.Add(typeof(BenchmarkProgram).Assembly.Location);
            }

            foreach (var a in arguments)
            {
                info.ArgumentList.Add(a);
            }

            var process = new Process { StartInfo = info };
            var child = new Child(process);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (child.gate)
                    {
                        child.lines.Add(e.Data);
                    }
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            return Task.FromResult(child);
        }

        public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < timeout)
            {
                lock (gate)
                {
                    foreach (var line in lines)
                    {
                        if (pattern.Match(line) is { Success: true } match)
                        {
                            return match;
                        }
                    }
                }

                if (process.HasExited)
                {
                    lock (gate)
                    {
                        throw new InvalidOperationException($"Child exited with {process.ExitCode}. Output:\n{string.Join('\n', lines.TakeLast(40))}");
                    }
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"No line matching /{pattern}/ within {timeout}.");
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.StandardInput.Close();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            process.Dispose();
        }
    }
}
