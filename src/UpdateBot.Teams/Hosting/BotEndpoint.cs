using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UpdateBot.Teams.Authentication;
using UpdateBot.Teams.Connector;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Hosting;

/// <summary>
/// The <c>/api/messages</c> turn pipeline (docs/protocol.md, "The endpoint and the turn"): size limit → parse → authenticate → Teams and our
/// tenant only, in a usable shape (<see cref="ActivityBoundary"/>) → de-duplicate →
/// the app's <see cref="IActivityHandler"/> → HTTP. The only place exceptions are caught on the inbound path.
/// </summary>
internal sealed partial class BotEndpoint(
    IOptions<BotOptions> options,
    BotAuthenticator authenticator,
    ActivityDeduplicator deduplicator,
    IHostApplicationLifetime lifetime,
    ILogger<BotEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = HttpMethods.Post;
            return;
        }

        try
        {
            await ProcessAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; nothing to answer.
        }
        catch (Exception ex)
        {
            LogTurnFailed(logger, ex);
            if (!response.HasStarted)
            {
                response.Clear();
                response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        }
    }

    private async Task ProcessAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var limit = options.Value.MaxRequestBodyBytes;

        if (request.ContentLength > limit)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        // Outside development mode a request without a bearer token is refused before its body is read or parsed.
        if (!options.Value.IsDevelopmentMode && !BotAuthenticator.HasBearerToken(request.Headers.Authorization.ToString()))
        {
            LogUnauthenticated(logger, "missing or malformed Authorization header");
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var body = await ReadBodyAsync(request.Body, limit, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var activity = Parse(body);
        if (activity is null || string.IsNullOrEmpty(activity.Type))
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["ActivityId"] = activity.Id,
            ["ActivityType"] = activity.Type,
            ["ConversationId"] = activity.Conversation?.Id,
        });

        var authentication = await authenticator.AuthenticateAsync(
            request.Headers.Authorization.ToString(), BotAuthenticator.DirectCallerAddress(context), activity, context.RequestAborted).ConfigureAwait(false);
        if (!authentication.IsAuthenticated)
        {
            LogUnauthenticated(logger, authentication.FailureReason);
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        // docs/protocol.md, "callerId": not trusted from the wire.
        activity.ExtensionData?.Remove("callerId");

        var verdict = ActivityBoundary.Admit(activity, options.Value.TenantId);
        if (verdict.Outcome != BoundaryOutcome.Admitted)
        {
            await RefuseAsync(context, activity, verdict).ConfigureAwait(false);
            return;
        }

        // The turn is not cancelled when Teams gives up on this POST (~15 s, docs/protocol.md, "Time budget"): it finishes, and the
        // redelivery that follows is answered from it instead of starting the work again.
        // Someone is waiting on this turn: its replies and card updates go ahead of background sends (ConnectorPriority).
        var (isDuplicate, turn) = deduplicator.Begin(activity, async () =>
        {
            using var interactive = ConnectorTraffic.Use(ConnectorPriority.Interactive);
            return ToAnswer(await context.RequestServices.GetRequiredService<IActivityHandler>().HandleAsync(activity, lifetime.ApplicationStopping).ConfigureAwait(false));
        });
        if (isDuplicate)
        {
            LogDuplicate(logger);
        }

        var answer = await turn.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        if (string.Equals(activity.Type, ActivityTypes.Invoke, StringComparison.Ordinal) && answer is not null)
        {
            response.StatusCode = answer.Status;
            if (answer.Json is not null)
            {
                response.ContentType = "application/json; charset=utf-8";
                await response.Body.WriteAsync(answer.Json, context.RequestAborted).ConfigureAwait(false);
            }

            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>
    /// 403 for another channel or tenant; 400 for a malformed activity, with the Universal Actions error body when it
    /// is an invoke so that the client shows an error rather than a timeout (docs/protocol.md, "Universal Actions").
    /// </summary>
    private async Task RefuseAsync(HttpContext context, Activity activity, BoundaryVerdict verdict)
    {
        var response = context.Response;
        if (verdict.Outcome == BoundaryOutcome.Forbidden)
        {
            LogForbidden(logger, verdict.Reason);
            response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        LogMalformed(logger, verdict.Reason);
        response.StatusCode = StatusCodes.Status400BadRequest;
        if (string.Equals(activity.Type, ActivityTypes.Invoke, StringComparison.Ordinal))
        {
            var error = AdaptiveCardInvokeResponse.Error(StatusCodes.Status400BadRequest, "BadRequest", "This request is not in a form the bot understands: " + verdict.Reason + ".");
            response.ContentType = "application/json; charset=utf-8";
            await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(error, ProtocolJson.Options), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static TurnAnswer? ToAnswer(InvokeResponse? invokeResponse) =>
        invokeResponse is null
            ? null
            : new TurnAnswer(invokeResponse.Status, invokeResponse.Body is { } body ? JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), ProtocolJson.Options) : null);

    /// <returns>The body, or null when it is larger than <paramref name="limit"/>.</returns>
    private static async Task<byte[]?> ReadBodyAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static Activity? Parse(byte[] body)
    {
        // An untrusted body: malformed JSON is an expected outcome (400), caught where it is parsed.
        try
        {
            return HasOnlyWellFormedText(body) ? JsonSerializer.Deserialize<Activity>(body, ProtocolJson.Options) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads every string and property name once. The parts of an activity kept as raw JSON (<c>value</c>, unknown
    /// fields) are only decoded when the handler reads them, and text that is not valid UTF-8, or escapes an unpaired
    /// surrogate (<c>"\ud800"</c>), fails only then — so it is refused here, before anything acts on it.
    /// </summary>
    private static bool HasOnlyWellFormedText(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    _ = reader.GetString();
                }
            }

            return true;
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.GetString's documented failure for invalid UTF-8 or an invalid UTF-16 escape.
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected an unauthenticated request: {Reason}")]
    private static partial void LogUnauthenticated(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an activity that is not Teams traffic for our tenant: {Reason}")]
    private static partial void LogForbidden(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a malformed activity: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redelivered activity; answering from the first delivery")]
    private static partial void LogDuplicate(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Turn failed")]
    private static partial void LogTurnFailed(ILogger logger, Exception exception);
}
