using System.Globalization;
using System.Net;

namespace UpdateBot.Teams.Connector;

/// <summary>Reads <c>Retry-After</c> as delta-seconds or an HTTP date (RFC 9110 §10.2.3).</summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Read(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        // Some proxies send fractional seconds, which the typed header rejects.
        if (response.Headers.TryGetValues("Retry-After", out var raw)
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds));
        }

        return null;
    }

    public static bool IsThrottled(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.TooManyRequests;
}
