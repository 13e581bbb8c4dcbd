using System.Globalization;
using System.Text;

namespace UpdateBot.Benchmarks;

/// <summary>
/// The Bot Connector stand-in of the turn benchmark (docs/benchmarks.md, "Turns"): answers every send, reply, update and
/// 1:1 create at once, as Teams would when nothing is throttled, and counts what it received. Kestrel with nothing but
/// these routes, so that the harness costs the machine as little as it can and the bots under test get the CPU.
/// </summary>
internal static class TurnConnector
{
    public static async Task<int> RunAsync(int port, TimeSpan maxLifetime)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        await using var app = builder.Build();

        long sequence = 0, activities = 0, updates = 0, creates = 0, other = 0;
        byte[]? last = null;

        app.MapPost("/v3/conversations/{id}/activities/{replyTo?}", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref activities);
            Volatile.Write(ref last, await ReadAsync(request));
            return Created("m-" + Interlocked.Increment(ref sequence).ToString(CultureInfo.InvariantCulture));
        });
        app.MapPut("/v3/conversations/{id}/activities/{activityId}", async (HttpRequest request, string activityId) =>
        {
            Interlocked.Increment(ref updates);
            await ReadAsync(request);
            return Results.Text($$"""{"id":"{{activityId}}"}""", "application/json", Encoding.UTF8, 200);
        });
        app.MapPost("/v3/conversations", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref creates);
            await ReadAsync(request);
            return Created("a:bench-" + Interlocked.Increment(ref sequence).ToString(CultureInfo.InvariantCulture));
        });
        app.MapGet("/__stats", () => Results.Json(new { activities, updates, creates, other }));
        app.MapGet("/__last", () => Volatile.Read(ref last) is { } body ? Results.Bytes(body, "application/json") : Results.Text("null", "application/json"));
        app.MapFallback(() =>
        {
            Interlocked.Increment(ref other);
            return Results.NotFound();
        });

        await app.StartAsync();
        Console.Out.WriteLine("LISTENING " + app.Urls.First() + "/");
        await Console.Out.FlushAsync();

        // Lives until stopped (SIGTERM from the script's cleanup), bounded in any case.
        await Task.WhenAny(app.WaitForShutdownAsync(), Task.Delay(maxLifetime));
        await app.StopAsync();
        return 0;
    }

    private static IResult Created(string id) => Results.Text($$"""{"id":"{{id}}"}""", "application/json", Encoding.UTF8, 201);

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
