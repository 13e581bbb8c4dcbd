namespace UpdateBot.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The bot's clock in end-to-end runs: the real time plus an offset a test moves forward ("a week later"). Timers and
/// timestamps stay real, so Kestrel, HttpClient and the Playground are unaffected. A test-only seam: the service reads
/// time only through <see cref="TimeProvider"/>, and only this test project registers this one
/// (<see cref="UpdateBotHost"/>), the way the integration tests register a <c>FakeTimeProvider</c>.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;
}
