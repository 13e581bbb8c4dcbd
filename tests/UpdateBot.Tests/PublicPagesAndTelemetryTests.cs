using System.Net;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using UpdateBot.Hosting;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 12: the Teams app's privacy and terms links answer (the service's own pages, or a redirect to the
/// organisation's), and Application Insights is wired in process exactly when its connection string is set.
/// </summary>
public sealed class PublicPagesAndTelemetryTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const string ConnectionString =
        "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/";

    private BotTestHost Host(Dictionary<string, string?> extra) =>
        new(tables.ConnectionString, AzuriteFixture.NewPrefix("pages"), new FakeTimeProvider(), new FakeTeams(), extra: extra);

    [Fact]
    public async Task Privacy_and_terms_are_plain_HTML_pages_and_privacy_states_the_configured_retention()
    {
        await using var host = Host(new() { ["Storage:RetentionDays"] = "90" });
        using var client = host.CreateClient();

        using var privacy = await client.GetAsync(new Uri("/privacy", UriKind.Relative));
        using var terms = await client.GetAsync(new Uri("/terms", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, privacy.StatusCode);
        Assert.Equal(HttpStatusCode.OK, terms.StatusCode);
        Assert.Equal("text/html", privacy.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/html", terms.Content.Headers.ContentType?.MediaType);
        var privacyHtml = await privacy.Content.ReadAsStringAsync();
        Assert.StartsWith("<!doctype html>", privacyHtml, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", privacyHtml, StringComparison.Ordinal);
        Assert.Contains("after 90 days", privacyHtml, StringComparison.Ordinal);
        Assert.Contains("<strong>erase my data</strong>", privacyHtml, StringComparison.Ordinal);
        Assert.Contains("<strong>my data</strong>", privacyHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", privacyHtml, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"/privacy\"", await terms.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_organisation_pages_are_where_privacy_and_terms_redirect()
    {
        await using var host = Host(new()
        {
            ["Pages:PrivacyUrl"] = "https://intranet.example.org/privacy/updatebot",
            ["Pages:TermsUrl"] = "https://intranet.example.org/terms",
        });
        using var client = host.CreateClient(new() { AllowAutoRedirect = false });

        using var privacy = await client.GetAsync(new Uri("/privacy", UriKind.Relative));
        using var terms = await client.GetAsync(new Uri("/terms", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, privacy.StatusCode);
        Assert.Equal(new Uri("https://intranet.example.org/privacy/updatebot"), privacy.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, terms.StatusCode);
        Assert.Equal(new Uri("https://intranet.example.org/terms"), terms.Headers.Location);
    }

    [Theory]
    [InlineData("http://intranet.example.org/privacy")]
    [InlineData("/privacy-elsewhere")]
    public void A_page_URL_that_is_not_absolute_https_is_refused_at_start_with_a_clear_message(string url)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pages:PrivacyUrl"] = url,
            ["Storage:ConnectionString"] = tables.ConnectionString,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddUpdateBot(configuration);
        using var provider = services.BuildServiceProvider();

        // The options are validated on start (ValidateOnStart); reading them runs the same validation.
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PublicPagesOptions>>().Value);

        Assert.Contains("Pages:PrivacyUrl and Pages:TermsUrl must be absolute https URLs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_connection_string_no_telemetry_pipeline_is_built_and_the_service_answers()
    {
        await using var host = Host(new());
        using var client = host.CreateClient();

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task With_a_connection_string_the_Azure_Monitor_distro_exports_traces_metrics_and_logs_from_that_setting()
    {
        await using var host = Host(new()
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ConnectionString,
            ["Telemetry:ManagedIdentityClientId"] = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
        });
        using var client = host.CreateClient();

        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<MeterProvider>());
        var azureMonitor = host.Services.GetRequiredService<IOptionsMonitor<AzureMonitorOptions>>().Get(Options.DefaultName);
        Assert.Equal(ConnectionString, azureMonitor.ConnectionString);
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(azureMonitor.Credential);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }
}
