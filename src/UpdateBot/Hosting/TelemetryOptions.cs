namespace UpdateBot.Hosting;

/// <summary>Where metrics and traces go.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary><c>none</c> (default), <c>console</c>, or <c>otlp</c> (to an OpenTelemetry collector or Azure Monitor's OTLP ingestion).</summary>
    public string Exporter { get; set; } = "none";

    /// <summary>The OTLP endpoint when <see cref="Exporter"/> is <c>otlp</c>; the OTEL_EXPORTER_OTLP_* variables also work.</summary>
    public Uri? OtlpEndpoint { get; set; }
}
