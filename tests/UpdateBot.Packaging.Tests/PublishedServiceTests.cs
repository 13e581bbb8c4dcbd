using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace UpdateBot.Packaging.Tests;

/// <summary>
/// The artifact App Service runs (dotnet publish), started the way App Service starts it (dotnet UpdateBot.dll), with
/// an Application Insights connection string whose ingestion endpoint is a local stand-in.
/// </summary>
public sealed class PublishedService : IAsyncLifetime
{
    private readonly TempFolder temp = new();
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;

    public IngestionStandIn Ingestion { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public string Output => string.Join('\n', output);

    public async Task InitializeAsync()
    {
        var publish = await RepoTools.RunAsync(
            "dotnet",
            ["publish", RepoTools.PathOf("src", "UpdateBot", "UpdateBot.csproj"), "-c", "Release", "-o", temp.Path, "-nologo"],
            TimeSpan.FromMinutes(8));
        Assert.True(publish.ExitCode == 0, "dotnet publish failed: " + publish);
        Assert.True(File.Exists(temp.File("UpdateBot.dll")), "UpdateBot.dll is not in the publish output");

        var port = FreePort();
        // ./test.sh exports an Azurite Table and an Azurite Queue; the service needs both endpoints in one connection string.
        var tables = Environment.GetEnvironmentVariable("UPDATEBOT_TEST_TABLES");
        var queues = Environment.GetEnvironmentVariable("UPDATEBOT_TEST_QUEUES");
        var storage = tables is null || queues is null
            ? null
            : tables.TrimEnd(';') + ";" + queues.Split(';').Single(p => p.StartsWith("QueueEndpoint=", StringComparison.Ordinal)) + ";";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = temp.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("UpdateBot.dll");
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Bot__AllowAnonymousLoopback"] = "true";
        start.Environment["Bot__AppId"] = "";
        start.Environment["Cycle__Enabled"] = "false";
        start.Environment["Storage__TablePrefix"] = "publish" + Guid.NewGuid().ToString("N")[..8];
        // /healthz is liveness only: it must answer even when storage is not there (then /readyz says so).
        start.Environment["Storage__ConnectionString"] = storage ?? "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        start.Environment["APPLICATIONINSIGHTS_CONNECTION_STRING"] =
            $"InstrumentationKey=00000000-0000-0000-0000-000000000012;IngestionEndpoint={Ingestion.Address};LiveEndpoint={Ingestion.Address}";
        start.Environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";

        process = Process.Start(start) ?? throw new InvalidOperationException("could not start the published service");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (process is not null)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        Ingestion.Dispose();
        temp.Dispose();
    }

    /// <summary>Asks every half second until the endpoint answers 200, the process exits, or time runs out.</summary>
    public async Task<HttpStatusCode?> PollAsync(string path, TimeSpan limit)
    {
        HttpStatusCode? last = null;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit && !process!.HasExited)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
                last = response.StatusCode;
                if (last == HttpStatusCode.OK)
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await timer.WaitForNextTickAsync();
        }

        return last;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Stands in for Application Insights ingestion (POST {endpoint}/v2.1/track, newline-delimited JSON, usually gzip):
/// keeps every item and accepts it the way the service answers.
/// </summary>
public sealed class IngestionStandIn : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<string> items = new();
    private readonly SemaphoreSlim arrived = new(0);

    public IngestionStandIn()
    {
        var port = FreePort();
        Address = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(Address);
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Address { get; }

    public IReadOnlyCollection<string> Items => items;

    /// <summary>Waits until an item matching <paramref name="match"/> has arrived, or the time is up.</summary>
    public async Task<bool> WaitForAsync(Func<string, bool> match, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (!items.Any(match))
        {
            var left = limit - deadline.Elapsed;
            if (left <= TimeSpan.Zero || !await arrived.WaitAsync(left))
            {
                return items.Any(match);
            }
        }

        return true;
    }

    public void Dispose()
    {
        listener.Close();
        arrived.Dispose();
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var count = 0;
            if (context.Request.HttpMethod == "POST" && context.Request.Url!.AbsolutePath.EndsWith("/track", StringComparison.Ordinal))
            {
                Stream body = context.Request.InputStream;
                if (string.Equals(context.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
                {
                    body = new GZipStream(body, CompressionMode.Decompress);
                }

                using var reader = new StreamReader(body, Encoding.UTF8);
                foreach (var line in (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    items.Enqueue(line);
                    count++;
                }
            }

            var answer = Encoding.UTF8.GetBytes($"{{\"itemsReceived\":{count},\"itemsAccepted\":{count},\"errors\":[]}}");
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
            if (count > 0)
            {
                arrived.Release();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Issue 5: the published app starts and answers /healthz; issue 12: its pages answer and its telemetry arrives.</summary>
public sealed class PublishedServiceTests(PublishedService service) : IClassFixture<PublishedService>
{
    [Fact]
    public async Task The_published_service_starts_and_answers_health()
    {
        var health = await service.PollAsync("/healthz", TimeSpan.FromSeconds(60));
        Assert.True(health == HttpStatusCode.OK, $"/healthz answered {health}.\n{service.Output}");
        if (Environment.GetEnvironmentVariable("UPDATEBOT_TEST_TABLES") is not null && Environment.GetEnvironmentVariable("UPDATEBOT_TEST_QUEUES") is not null)
        {
            var ready = await service.PollAsync("/readyz", TimeSpan.FromSeconds(60));
            Assert.True(ready == HttpStatusCode.OK, $"/readyz answered {ready} with Azurite available.\n{service.Output}");
        }
    }

    [Theory]
    [InlineData("/privacy", "UpdateBot privacy statement")]
    [InlineData("/terms", "UpdateBot terms of use")]
    public async Task The_privacy_and_terms_links_of_the_app_package_answer_200_with_HTML(string path, string title)
    {
        Assert.Equal(HttpStatusCode.OK, await service.PollAsync("/healthz", TimeSpan.FromSeconds(60)));

        using var response = await service.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"<h1>{title}</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_logs_and_metrics_reach_Application_Insights_through_the_connection_string()
    {
        Assert.Equal(HttpStatusCode.OK, await service.PollAsync("/healthz", TimeSpan.FromSeconds(60)));
        using var _ = await service.Http.GetAsync(new Uri("/privacy", UriKind.Relative));

        var limit = TimeSpan.FromSeconds(90);
        var request = await service.Ingestion.WaitForAsync(i => i.Contains("\"RequestData\"", StringComparison.Ordinal) && i.Contains("/privacy", StringComparison.Ordinal), limit);
        var log = await service.Ingestion.WaitForAsync(i => i.Contains("\"MessageData\"", StringComparison.Ordinal), limit);
        var metric = await service.Ingestion.WaitForAsync(i => i.Contains("\"MetricData\"", StringComparison.Ordinal), limit);

        var seen = string.Join('\n', service.Ingestion.Items.Where(i => i.Contains("\"RequestData\"", StringComparison.Ordinal)).Concat(service.Ingestion.Items.Take(5)));
        Assert.True(request, "no request telemetry for GET /privacy arrived. Items:\n" + seen + "\nService:\n" + service.Output);
        Assert.True(log, "no log telemetry arrived. Items:\n" + seen);
        Assert.True(metric, "no metric telemetry arrived. Items:\n" + seen);
        Assert.All(service.Ingestion.Items, i => Assert.Contains("00000000-0000-0000-0000-000000000012", i, StringComparison.Ordinal));
        // Every trace was kept: the service turns the distro's default rate-limited sampling off.
        Assert.DoesNotContain(service.Ingestion.Items, i => i.Contains("\"microsoft.sample_rate\":\"", StringComparison.Ordinal) && !i.Contains("\"microsoft.sample_rate\":\"100\"", StringComparison.Ordinal));
    }
}
