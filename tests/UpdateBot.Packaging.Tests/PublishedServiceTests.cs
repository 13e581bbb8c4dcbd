using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace UpdateBot.Packaging.Tests;

/// <summary>
/// Issue 5: "dotnet publish of the service succeeds and the published app starts and answers /healthz". This is the
/// artifact App Service runs, started the way App Service starts it (dotnet UpdateBot.dll).
/// </summary>
public sealed class PublishedServiceTests
{
    [Fact]
    public async Task The_published_service_starts_and_answers_health()
    {
        using var temp = new TempFolder();
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the published service");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var health = await PollAsync(http, "/healthz", process, TimeSpan.FromSeconds(60));
            Assert.True(health == HttpStatusCode.OK, $"/healthz answered {health}.\n{string.Join('\n', output)}");
            if (storage is not null)
            {
                var ready = await PollAsync(http, "/readyz", process, TimeSpan.FromSeconds(60));
                Assert.True(ready == HttpStatusCode.OK, $"/readyz answered {ready} with Azurite available.\n{string.Join('\n', output)}");
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Asks every half second until the endpoint answers 200, the process exits, or time runs out.</summary>
    private static async Task<HttpStatusCode?> PollAsync(HttpClient http, string path, Process process, TimeSpan limit)
    {
        HttpStatusCode? last = null;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
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
