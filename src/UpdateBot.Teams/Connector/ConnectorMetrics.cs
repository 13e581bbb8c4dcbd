using System.Diagnostics.Metrics;

namespace UpdateBot.Teams.Connector;

/// <summary>Connector metrics (meter <see cref="MeterName"/>): what Teams' limits did to us.</summary>
public static class ConnectorMetrics
{
    public const string MeterName = "UpdateBot.Teams";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        "updatebot.connector.throttled", description: "429 answers from the Bot Connector (each pauses every sender)");

    internal static void RecordThrottled() => Throttled.Add(1);
}
