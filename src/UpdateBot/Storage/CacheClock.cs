using Microsoft.Extensions.Internal;

namespace UpdateBot.Storage;

/// <summary>Makes an in-process cache's expiry follow the service's <see cref="TimeProvider"/> (tests move it).</summary>
internal sealed class CacheClock(TimeProvider time) : ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
