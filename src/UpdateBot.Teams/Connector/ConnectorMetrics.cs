using System.Diagnostics.Metrics;

namespace UpdateBot.Teams.Connector;

/// <summary>Connector metrics (meter <see cref="MeterName"/>): what Teams' limits did to us.</summary>
public static class ConnectorMetrics
{
    public const string MeterName = "UpdateBot.Teams";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        "updatebot.connector.throttled", description: "429 answers from the Bot Connector (each pauses every sender)");

    /// <summary>The instrument name of <see cref="RecordSlotWait"/>.</summary>
    public const string SlotWaitName = "updatebot.connector.slot_wait";

    private static readonly Histogram<double> SlotWait = Meter.CreateHistogram<double>(
        SlotWaitName, unit: "ms", description: "Time a connector request waited for Teams' rate limits (429 pause and slots), by priority");

    internal static void RecordThrottled() => Throttled.Add(1);

    internal static void RecordSlotWait(TimeSpan waited, ConnectorPriority priority) =>
        SlotWait.Record(waited.TotalMilliseconds, new KeyValuePair<string, object?>("priority", priority == ConnectorPriority.Interactive ? "interactive" : "background"));
}
