using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UpdateBot.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A tiny stand-in bot for testing the driver itself, independent of the real service: answers every activity 200,
/// records it, replies to "echo X" with an Adaptive Card titled "Echo: X" through the Playground's connector, and
/// answers invokes with a message invoke response.
/// </summary>
public sealed class StubBot : IAsyncDisposable
{
    public const string EchoCardPrefix = "Echo: ";
    public const string InvokeReply = "stub invoke ok";

    private readonly WebApplication app;
    private readonly HttpClient connector = new();
    private readonly ConcurrentQueue<JsonElement> received = new();

    private StubBot()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/api/messages", HandleAsync);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public Uri MessagesEndpoint => new(BaseAddress, "/api/messages");

    public IReadOnlyCollection<JsonElement> Received => [.. received];

    public static async Task<StubBot> StartAsync()
    {
        var bot = new StubBot();
        await bot.app.StartAsync();
        var address = bot.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        bot.BaseAddress = new Uri(address);
        return bot;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        connector.Dispose();
    }

    private static string? WithoutMention(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var end = text.LastIndexOf("</at>", StringComparison.Ordinal);
        return end < 0 ? text : text[(end + "</at>".Length)..].Trim();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var activity = document.RootElement.Clone();
        received.Enqueue(activity);
        var type = activity.GetProperty("type").GetString();
        if (type == "invoke")
        {
            await context.Response.WriteAsJsonAsync(
                new { statusCode = 200, type = "application/vnd.microsoft.activity.message", value = InvokeReply }, context.RequestAborted);
            return;
        }

        var text = activity.TryGetProperty("text", out var t) ? WithoutMention(t.GetString()) : null;
        if (type == "message" && text is not null && text.StartsWith("echo ", StringComparison.Ordinal))
        {
            var serviceUrl = activity.GetProperty("serviceUrl").GetString()!.TrimEnd('/');
            var conversationId = activity.GetProperty("conversation").GetProperty("id").GetString()!;
            var reply = new JsonObject
            {
                ["type"] = "message",
                ["attachments"] = new JsonArray(new JsonObject
                {
                    ["contentType"] = "application/vnd.microsoft.card.adaptive",
                    ["content"] = new JsonObject
                    {
                        ["type"] = "AdaptiveCard",
                        ["version"] = "1.5",
                        ["body"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = EchoCardPrefix + text[5..], ["wrap"] = true }),
                        ["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.Submit", ["title"] = "Ok", ["data"] = new JsonObject { ["verb"] = "ok" } }),
                    },
                }),
            };
            using var response = await connector.PostAsJsonAsync(
                new Uri($"{serviceUrl}/v3/conversations/{Uri.EscapeDataString(conversationId)}/activities"), reply, context.RequestAborted);
            response.EnsureSuccessStatusCode();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
