using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UpdateBot.Benchmarks;

/// <summary>
/// The turn benchmark's load driver (docs/benchmarks.md, "Turns"). Sends the same Teams 1:1 activity shape to each target
/// in turn (rounds alternate the targets so drift on the machine falls on both), with a fresh activity id per request so
/// no de-duplication window can answer from memory, and prints one JSON line per round and a SUMMARY line.
/// Closed loop: each of <c>--connections</c> workers (one member each, a 1:1 chat of their own) sends its next turn as
/// soon as the last is answered. In .NET rather than Node so that the driver, which shares the machine with the bots,
/// costs a small part of a turn (docs/benchmarks.md, "Turns", "Harness").
/// </summary>
/// <remarks>
/// Options: <c>--target name=url</c> (repeatable) <c>--service-url url</c> [<c>--kind help|submit|status</c>]
/// [<c>--text help</c>] [<c>--connections 32</c>] [<c>--duration 10</c>] [<c>--rounds 3</c>] [<c>--warmup 15</c>]
/// [<c>--once 1|all</c>] [<c>--seeded json</c>] [<c>--pid name=PID</c>, repeatable: that target's server process, whose
/// CPU time is read around each round] [<c>--store-pid PID</c>: the storage emulator's process, read the same way]
/// [<c>--first-user N</c>: number the members from N (default 0; members 0–49 are the seeded squad's)] [<c>--rate R</c>: at most R turns a second in all, each worker keeping its own pace, so two targets are compared at
/// the same load and their CPU per turn carries the same share of work done per second whatever the turn rate]. Kinds: help (a message from each member in their 1:1 chat); submit (an
/// <c>adaptiveCard/action</c> invoke, verb <c>prompt.submit</c>, writing the member's answer: the card it answers with is
/// checked); status (the lead of the seeded 50-member squad says "status").
/// </remarks>
internal sealed class TurnDriver
{
    private const string Tenant = "72f988bf-0000-4000-8000-00000000beef";
    private static readonly long ClockTicksPerSecond = 100; // USER_HZ on Linux, which /proc/PID/stat counts in

    private readonly List<(string Name, Uri Url)> targets = [];
    private readonly Dictionary<string, int> pids = new(StringComparer.Ordinal);
    private readonly string serviceUrl;
    private readonly string kind;
    private readonly string text;
    private readonly JsonObject? seeded;
    private readonly int connections;
    private readonly int duration;
    private readonly int rounds;
    private readonly int warmup;
    private readonly string? once;
    private readonly int? storePid;
    private readonly double? rate;
    private readonly int firstUser;

    private TurnDriver(IReadOnlyList<(string Key, string Value)> options)
    {
        string? Get(string key) => options.LastOrDefault(o => o.Key == key).Value;
        foreach (var (key, value) in options)
        {
            var i = value.IndexOf('=', StringComparison.Ordinal);
            if (key == "target")
            {
                targets.Add((value[..i], new Uri(value[(i + 1)..])));
            }
            else if (key == "pid")
            {
                pids[value[..i]] = int.Parse(value[(i + 1)..], CultureInfo.InvariantCulture);
            }
        }

        serviceUrl = Get("service-url") ?? throw new ArgumentException("--service-url is required");
        kind = Get("kind") ?? "help";
        text = Get("text") ?? (kind == "status" ? "status" : "help");
        seeded = Get("seeded") is { } json ? JsonNode.Parse(json)!.AsObject() : null;
        if (kind != "help" && seeded is null)
        {
            throw new ArgumentException($"--kind {kind} needs --seeded (the SEEDED line of the seeder)");
        }

        connections = int.Parse(Get("connections") ?? "32", CultureInfo.InvariantCulture);
        duration = int.Parse(Get("duration") ?? "10", CultureInfo.InvariantCulture);
        rounds = int.Parse(Get("rounds") ?? "3", CultureInfo.InvariantCulture);
        warmup = int.Parse(Get("warmup") ?? "15", CultureInfo.InvariantCulture);
        once = Get("once");
        storePid = Get("store-pid") is { } sp ? int.Parse(sp, CultureInfo.InvariantCulture) : null;
        firstUser = int.Parse(Get("first-user") ?? "0", CultureInfo.InvariantCulture);
        rate = Get("rate") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : null;
        if (targets.Count == 0)
        {
            throw new ArgumentException("at least one --target name=url");
        }

        foreach (var (_, url) in targets)
        {
            if (url.Host != "127.0.0.1")
            {
                throw new ArgumentException("The benchmark only talks to 127.0.0.1.");
            }
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new List<(string, string)>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options.Add((args[i].TrimStart('-'), args[i + 1]));
        }

        return await new TurnDriver(options).RunAsync();
    }

    private async Task<int> RunAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = TimeSpan.FromSeconds(30) };

        if (once is not null)
        {
            // One turn per target (or one per member), waited for: the first turn creates the tables and warms the JIT.
            foreach (var (name, url) in targets)
            {
                for (var user = 0; user < (once == "all" ? connections : 1); user++)
                {
                    using var response = await http.PostAsync(url, Content(Activity(user)));
                    var body = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"{name}: HTTP {(int)response.StatusCode}");
                    }

                    // An invoke is answered 200 even when refused: the envelope says which. Only the updated card is a Submit that wrote.
                    if (kind == "submit" && !body.Contains("application/vnd.microsoft.card.adaptive", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"{name}: the Submit was not answered with a card: {body[..Math.Min(300, body.Length)]}");
                    }
                }
            }

            return 0;
        }

        foreach (var target in targets)
        {
            Print(new JsonObject { ["warmup"] = true, ["target"] = target.Name, ["kind"] = kind }, await LoadAsync(http, target, warmup));
        }

        var results = targets.ToDictionary(t => t.Name, _ => new List<Round>(), StringComparer.Ordinal);
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var target in round % 2 == 1 ? targets : Enumerable.Reverse(targets))
            {
                var r = await LoadAsync(http, target, duration);
                results[target.Name].Add(r);
                Print(new JsonObject { ["round"] = round, ["target"] = target.Name, ["kind"] = kind }, r);
            }
        }

        var summary = new JsonObject();
        foreach (var (name, rs) in results)
        {
            var entry = new JsonObject
            {
                ["turnsPerSecond"] = Median(rs.Select(r => r.TurnsPerSecond)),
                ["p50"] = Median(rs.Select(r => r.P50)),
                ["p99"] = Median(rs.Select(r => r.P99)),
                ["failed"] = rs.Sum(r => r.Failed),
            };
            if (rs[0].CpuMs is not null)
            {
                entry["cpuMsPerTurn"] = Math.Round(rs.Sum(r => r.CpuMs!.Value) / (double)Math.Max(1, rs.Sum(r => r.Total)), 3);
            }

            if (rs[0].StoreCpuMs is not null)
            {
                entry["storeCpuMsPerTurn"] = Math.Round(rs.Sum(r => r.StoreCpuMs!.Value) / (double)Math.Max(1, rs.Sum(r => r.Total)), 3);
            }

            summary[name] = entry;
        }

        // With two targets, the first's turns/s over the second's (ours ÷ the peer, or seeded ÷ empty), and the same for CPU per turn.
        var line = new JsonObject { ["kind"] = kind, ["connections"] = connections, ["duration"] = duration, ["rounds"] = rounds, ["summary"] = summary };
        if (targets.Count == 2)
        {
            var (first, second) = (summary[targets[0].Name]!, summary[targets[1].Name]!);
            line["ratio"] = first["turnsPerSecond"]!.GetValue<double>() / second["turnsPerSecond"]!.GetValue<double>();
            if (first["cpuMsPerTurn"] is { } a && second["cpuMsPerTurn"] is { } b && b.GetValue<double>() > 0)
            {
                line["cpuRatio"] = a.GetValue<double>() / b.GetValue<double>();
            }

            if (first["storeCpuMsPerTurn"] is { } sa && second["storeCpuMsPerTurn"] is { } sb && sb.GetValue<double>() > 0)
            {
                line["storeCpuRatio"] = sa.GetValue<double>() / sb.GetValue<double>();
            }
        }

        Console.Out.WriteLine("SUMMARY " + line.ToJsonString());
        return results.Values.Sum(rs => rs.Sum(r => r.Failed)) == 0 ? 0 : 1;
    }

    private sealed record Round(double TurnsPerSecond, int Total, double P50, double P99, double Max, int Failed, long? CpuMs, long? StoreCpuMs);

    private async Task<Round> LoadAsync(HttpClient http, (string Name, Uri Url) target, int seconds)
    {
        var cpuBefore = CpuMs(target.Name);
        var storeBefore = CpuMs(storePid);
        // With --rate each worker sends one turn every `pace`, from a start spread over one pace so the workers do not move in step.
        var pace = rate is { } perSecond ? TimeSpan.FromSeconds(connections / perSecond) : TimeSpan.Zero;
        var latencies = new List<double>[connections];
        var failed = 0;
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, connections).Select(user => Task.Run(async () =>
        {
            var mine = latencies[user] = new List<double>(4096);
            var next = pace * user / connections;
            while (clock.Elapsed < end)
            {
                if (pace > TimeSpan.Zero)
                {
                    if (next > clock.Elapsed)
                    {
                        await Task.Delay(next - clock.Elapsed);
                    }

                    next += pace;
                }

                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = Content(Activity(user)) };
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }

                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuAfter = CpuMs(target.Name);
        var storeAfter = CpuMs(storePid);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double At(double p) => all.Length == 0 ? 0 : Math.Round(all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)], 1);
        return new Round(Math.Round(all.Length / elapsed, 1), all.Length, At(0.5), At(0.99), all.Length == 0 ? 0 : Math.Round(all[^1], 1), failed,
            cpuBefore is null || cpuAfter is null ? null : cpuAfter - cpuBefore, storeBefore is null || storeAfter is null ? null : storeAfter - storeBefore);
    }

    private static void Print(JsonObject head, Round r)
    {
        head["turnsPerSecond"] = r.TurnsPerSecond;
        head["total"] = r.Total;
        head["p50"] = r.P50;
        head["p99"] = r.P99;
        head["max"] = r.Max;
        head["failed"] = r.Failed;
        if (r.CpuMs is { } cpu)
        {
            head["cpuMs"] = cpu;
            head["cpuMsPerTurn"] = Math.Round(cpu / (double)Math.Max(1, r.Total), 3);
        }

        if (r.StoreCpuMs is { } store)
        {
            head["storeCpuMsPerTurn"] = Math.Round(store / (double)Math.Max(1, r.Total), 3);
        }

        Console.Out.WriteLine(head.ToJsonString());
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>User plus system CPU of the target's server process, from /proc/PID/stat (fields 14 and 15, clock ticks).</summary>
    private long? CpuMs(string target) => CpuMs(pids.TryGetValue(target, out var pid) ? pid : null);

    private static long? CpuMs(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        var stat = File.ReadAllText($"/proc/{pid.Value.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 1000 / ClockTicksPerSecond;
    }

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>One member per connection: a 1:1 chat each, as that many people typing at once would be. The status is asked by the lead.</summary>
    private byte[] Activity(int user)
    {
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var from = kind == "status" ? 0 : firstUser + user;
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", "bench-" + Guid.NewGuid().ToString("D"));
            json.WriteString("timestamp", now);
            json.WriteString("localTimestamp", now);
            json.WriteString("channelId", "msteams");
            json.WriteString("serviceUrl", serviceUrl);
            json.WriteString("locale", "en-GB");
            json.WriteStartObject("from");
            json.WriteString("id", $"29:bench-user-{from}");
            json.WriteString("name", $"Bench User {from}");
            json.WriteString("aadObjectId", $"00000000-0000-4000-8000-{from:D12}");
            json.WriteEndObject();
            json.WriteStartObject("recipient");
            json.WriteString("id", "28:bench-bot");
            json.WriteString("name", "UpdateBot");
            json.WriteEndObject();
            json.WriteStartObject("conversation");
            json.WriteString("id", $"a:bench-chat-{from}");
            json.WriteString("conversationType", "personal");
            json.WriteString("tenantId", Tenant);
            json.WriteEndObject();
            json.WriteStartObject("channelData");
            json.WriteStartObject("tenant");
            json.WriteString("id", Tenant);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("entities");
            json.WriteStartObject();
            json.WriteString("type", "clientInfo");
            json.WriteString("locale", "en-GB");
            json.WriteString("country", "GB");
            json.WriteString("platform", "Web");
            json.WriteString("timezone", "Europe/London");
            json.WriteEndObject();
            json.WriteEndArray();
            if (kind == "submit")
            {
                json.WriteString("type", "invoke");
                json.WriteString("name", "adaptiveCard/action");
                json.WriteString("replyToId", $"prompt-card-{from}");
                json.WriteStartObject("value");
                json.WriteStartObject("action");
                json.WriteString("type", "Action.Execute");
                json.WriteString("verb", "prompt.submit");
                json.WriteStartObject("data");
                json.WriteString("squadId", seeded!["squadId"]!.GetValue<string>());
                json.WriteString("week", seeded["week"]!.GetValue<string>());
                json.WriteString(seeded["input"]!.GetValue<string>(), $"Benchmarked the turn at {now}");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteString("trigger", "manual");
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("type", "message");
                json.WriteString("text", text);
                json.WriteString("textFormat", "plain");
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
