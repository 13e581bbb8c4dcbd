using System.Net;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;
using Polly.Timeout;
using UpdateBot.Teams.Authentication;
using UpdateBot.Teams.Connector;

namespace UpdateBot.Teams.Hosting;

/// <summary>
/// The one way in: <c>services.AddTeamsBot(configuration)</c> and <c>app.MapTeamsBot()</c>.
/// </summary>
public static class TeamsBotExtensions
{
    /// <summary>The name of the connector HttpClient pipeline (resilience → rate limits → token → network).</summary>
    public const string ConnectorHttpClientName = "UpdateBot.Teams.Connector";

    /// <summary>
    /// Registers options (section <c>Bot</c>), inbound authentication, de-duplication, the outbound token handler,
    /// the resilient rate-limited <see cref="ConnectorClient"/>, and the endpoint pipeline.
    /// The application registers its own <see cref="IActivityHandler"/>.
    /// </summary>
    public static IServiceCollection AddTeamsBot(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<BotOptions>().Bind(configuration.GetSection(BotOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BotOptions>, BotOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<BotStartupReport>();

        // Inbound.
        services.AddHttpClient(BotAuthenticator.OpenIdHttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.TryAddSingleton<TrustedServiceUrls>();
        services.TryAddSingleton<BotAuthenticator>();
        services.TryAddSingleton<ActivityDeduplicator>();
        services.TryAddSingleton<BotEndpoint>();

        // Outbound.
        services.TryAddSingleton(sp =>
        {
            // Development mode never sends a token, whatever credential is around (docs/protocol.md, "Development mode").
            var options = sp.GetRequiredService<IOptions<BotOptions>>().Value;
            var credential = options.IsDevelopmentMode
                ? null
                : sp.GetKeyedService<TokenCredential>(BotTokenProvider.CredentialServiceKey) ?? BotTokenProvider.CreateCredential(options);
            return new BotTokenProvider(credential, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<ConnectorRateLimits>();
        services.TryAddTransient<ConnectorRateLimitHandler>();
        services.TryAddTransient<ConnectorAuthenticationHandler>();

        var connector = services.AddHttpClient<ConnectorClient>(ConnectorHttpClientName, (sp, client) =>
        {
            // The resilience pipeline owns time limits; this is only a backstop.
            client.Timeout = sp.GetRequiredService<IOptions<BotOptions>>().Value.Connector.TotalTimeout + TimeSpan.FromSeconds(10);
        });

        // Order matters: outermost first. Each retry attempt passes the rate limits and gets a (cached) token again.
        connector.AddResilienceHandler("connector", ConfigureResilience);
        connector.AddHttpMessageHandler<ConnectorRateLimitHandler>();
        connector.AddHttpMessageHandler<ConnectorAuthenticationHandler>();

        // Polly logs every attempt, retry and pipeline run at Information or Warning, with the whole log scope: lines
        // per outbound call on the hot path. The connector client logs each failed request once, at Warning, with its
        // outcome; the attempts behind it are detail, so every event of the connector's pipeline goes to Debug.
        services.Configure<TelemetryOptions>(telemetry =>
        {
            var severityBefore = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args => args.Source.PipelineName?.StartsWith(ConnectorHttpClientName, StringComparison.Ordinal) == true
                ? ResilienceEventSeverity.Debug
                : severityBefore?.Invoke(args) ?? args.Event.Severity;
        });

        return services;
    }

    /// <summary>Maps <c>POST /api/messages</c> (or the configured path). Other methods get 405.</summary>
    public static IEndpointConventionBuilder MapTeamsBot(this IEndpointRouteBuilder endpoints, string pattern = "/api/messages")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Map(pattern, (HttpContext context) => context.RequestServices.GetRequiredService<BotEndpoint>().HandleAsync(context));
    }

    /// <summary>
    /// docs/protocol.md, "Connector errors and retries": retry 429 (honouring Retry-After), 412, and 5xx except on a POST, with bounded attempts and
    /// total time; one retry with a fresh token after a 401; never 400/403/404. The rate limits and shared 429 pause
    /// run inside, once per attempt.
    /// </summary>
    private static void ConfigureResilience(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<BotOptions>>().Value.Connector;
        var timeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();

        builder.AddTimeout(options.TotalTimeout);
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            // One attempt is always reserved for the retry after a 401, even with MaxRetryAttempts = 0.
            MaxRetryAttempts = Math.Max(options.MaxRetryAttempts, 1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = options.MaxRetryDelay,
            ShouldRetryAfterHeader = false,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, options, timeProvider)),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result switch
            {
                // The token was the problem, not the load: the fresh one may go at once.
                { StatusCode: HttpStatusCode.Unauthorized } => TimeSpan.Zero,
                { } response when RetryAfterHeader.Read(response, timeProvider) is { } retryAfter => retryAfter,
                _ => (TimeSpan?)null,
            }),
        });
    }

    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, ConnectorOptions options, TimeProvider timeProvider)
    {
        var request = outcome.Result?.RequestMessage ?? context.GetRequestMessage();
        var isPost = request?.Method == HttpMethod.Post;

        if (outcome.Result is { StatusCode: HttpStatusCode.Unauthorized } rejected && !RefusedResponse.IsRefused(rejected))
        {
            // The token it carried has just been forgotten (ConnectorAuthenticationHandler): one more attempt with a
            // fresh one, never a loop. A 401 proves nothing was delivered, so this holds for a POST too.
            return request is not null && request.Options.TryGetValue(ConnectorRequestOptions.RejectedTokens, out var rejections) && rejections == 1;
        }

        if (options.MaxRetryAttempts == 0)
        {
            return false;
        }

        if (outcome.Exception is { } exception)
        {
            // A connection that never opened cannot have delivered anything; any other failure on a POST may have
            // (no idempotency key on POST …/activities, docs/protocol.md, "Connector errors and retries"), so a POST is not retried blindly.
            return exception switch
            {
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
                HttpRequestException or TimeoutRejectedException => !isPost,
                _ => false,
            };
        }

        if (outcome.Result is not { } response || RefusedResponse.IsRefused(response))
        {
            // Refused before sending (untrusted host, shared pause longer than a call may wait, no token): not retried here.
            return false;
        }

        switch (response.StatusCode)
        {
            case HttpStatusCode.TooManyRequests:
                // 429 proves nothing was delivered. A Retry-After longer than we may wait ends this call as Throttled
                // (the shared pause still applies, capped at MaxRetryAfter).
                return RetryAfterHeader.Read(response, timeProvider) is not { } retryAfter || retryAfter <= options.MaxRetryDelay;
            case HttpStatusCode.PreconditionFailed:
                return true;
            case >= HttpStatusCode.InternalServerError:
                // A 5xx on a POST may come after Teams delivered the message: posting it again could show it twice.
                // PUT, GET and DELETE are idempotent.
                return !isPost && response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
            default:
                return false;
        }
    }
}
