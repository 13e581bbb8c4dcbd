namespace UpdateBot.Hosting;

/// <summary>Where logs, metrics and traces go.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// The standard Application Insights setting (a top-level key, as App Service and the Azure Monitor distro name it).
    /// When it is set, logs, metrics and traces are exported in process to Application Insights.
    /// </summary>
    public const string ApplicationInsightsConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// Another exporter besides Application Insights: <c>none</c> (default), <c>console</c>, or <c>otlp</c> (to an
    /// OpenTelemetry collector) for metrics and traces.
    /// </summary>
    public string Exporter { get; set; } = "none";

    /// <summary>The OTLP endpoint when <see cref="Exporter"/> is <c>otlp</c>; the OTEL_EXPORTER_OTLP_* variables also work.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>
    /// Client id of the user-assigned managed identity the Application Insights exporter signs in with (Entra
    /// authentication; the template turns local authentication off on the Application Insights resource). Empty: the
    /// connection string's instrumentation key alone.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }
}
