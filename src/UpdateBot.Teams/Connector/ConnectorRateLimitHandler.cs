using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using UpdateBot.Teams.Hosting;

namespace UpdateBot.Teams.Connector;

/// <summary>
/// Runs once per attempt (inside the retry pipeline): honours the shared 429 pause, waits for the per-conversation and
/// global slots (interactive requests ahead of background ones, <see cref="ConnectorRequestOptions.Priority"/>), and after a 429 pauses every sender for the Retry-After (docs/protocol.md, "Connector errors and retries" and "Rate limits"), but never for longer
/// than <see cref="ConnectorOptions.MaxRetryAfter"/>: a hostile or broken answer cannot stop every outbound call for an
/// hour. The work whose call ended throttled is retried later by its caller.
/// </summary>
internal sealed class ConnectorRateLimitHandler(ConnectorRateLimits limits, TimeProvider timeProvider, IOptions<BotOptions> options) : DelegatingHandler
{
    private static readonly TimeSpan DefaultPause = TimeSpan.FromSeconds(1);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var maxWait = options.Value.Connector.MaxRetryDelay;
        var priority = PriorityOf(request);
        var started = timeProvider.GetTimestamp();
        while (true)
        {
            while (limits.PausedUntil - timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero)
            {
                if (wait > maxWait)
                {
                    // Longer than this call may wait: answer "throttled" without sending; the caller tries again later.
                    var refused = RefusedResponse.Create(request, HttpStatusCode.TooManyRequests, ConnectorFailure.SharedBackoff);
                    refused.Headers.TryAddWithoutValidation("Retry-After", Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture));
                    return refused;
                }

                await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
            }

            await limits.WaitForSlotAsync(ConversationKey(request), priority, cancellationToken).ConfigureAwait(false);

            // A 429 may have arrived while this request queued for its slot: then it waits out the pause too.
            if (limits.PausedUntil <= timeProvider.GetUtcNow())
            {
                break;
            }
        }

        ConnectorMetrics.RecordSlotWait(timeProvider.GetElapsedTime(started), priority);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (RetryAfterHeader.IsThrottled(response) && !RefusedResponse.IsRefused(response))
        {
            ConnectorMetrics.RecordThrottled();
            var asked = RetryAfterHeader.Read(response, timeProvider) ?? DefaultPause;
            var cap = options.Value.Connector.MaxRetryAfter;
            limits.PauseUntil(timeProvider.GetUtcNow() + (asked > cap ? cap : asked));
        }

        return response;
    }

    internal static ConnectorPriority PriorityOf(HttpRequestMessage request) =>
        request.Options.TryGetValue(ConnectorRequestOptions.Priority, out var priority) ? priority : ConnectorPriority.Background;

    internal static string? ConversationKey(HttpRequestMessage request)
    {
        if (request.Options.TryGetValue(ConnectorRequestOptions.ConversationId, out var id) && !string.IsNullOrEmpty(id))
        {
            return id;
        }

        // …/v3/conversations/{id}/… (the id is still escaped here; it only needs to be consistent).
        var segments = request.RequestUri?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        for (var i = 0; i + 2 < segments.Length; i++)
        {
            if (segments[i] == "v3" && segments[i + 1] == "conversations")
            {
                return Uri.UnescapeDataString(segments[i + 2]);
            }
        }

        return null;
    }
}
