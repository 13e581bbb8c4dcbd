using System.Diagnostics.Metrics;
using UpdateBot.Teams.Connector;

namespace UpdateBot.Benchmarks;

/// <summary>How long connector requests waited for Teams' limits inside the service, by priority (p50/p99/max, ms).</summary>
internal sealed record SlotWaitStats(int InteractiveCount, double InteractiveP50Ms, double InteractiveP99Ms, double InteractiveMaxMs, int BackgroundCount, double BackgroundP50Ms, double BackgroundP99Ms);

/// <summary>Listens to the service's own <c>updatebot.connector.slot_wait</c> histogram in this process.</summary>
internal sealed class SlotWaits : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly List<double> interactive = [];
    private readonly List<double> background = [];
    private readonly Lock gate = new();

    public SlotWaits()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ConnectorMetrics.MeterName && instrument.Name == ConnectorMetrics.SlotWaitName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var isInteractive = false;
            foreach (var tag in tags)
            {
                isInteractive |= tag.Key == "priority" && (tag.Value as string) == "interactive";
            }

            lock (gate)
            {
                (isInteractive ? interactive : background).Add(value);
            }
        });
        listener.Start();
    }

    public SlotWaitStats Snapshot()
    {
        lock (gate)
        {
            return new SlotWaitStats(
                interactive.Count, Percentile(interactive, 0.5), Percentile(interactive, 0.99), interactive.Count == 0 ? 0 : interactive.Max(),
                background.Count, Percentile(background, 0.5), Percentile(background, 0.99));
        }
    }

    public void Dispose() => listener.Dispose();

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
