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
            // Development mode never sends a token, whatever credential is around (protocol.md §3.3).
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

        return services;
    }

    /// <summary>Maps <c>POST /api/messages</c> (or the configured path). Other methods get 405.</summary>
    public static IEndpointConventionBuilder MapTeamsBot(this IEndpointRouteBuilder endpoints, string pattern = "/api/messages")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Map(pattern, (HttpContext context) => context.RequestServices.GetRequiredService<BotEndpoint>().HandleAsync(context));
    }

    /// <summary>
    /// protocol.md §5.5: retry 429 (honouring Retry-After), 412, 502, 503, 504 with bounded attempts and total time;
    /// never 400/401/403/404. The rate limits and shared 429 pause run inside, once per attempt.
    /// </summary>
    private static void ConfigureResilience(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<BotOptions>>().Value.Connector;
        var timeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();

        builder.AddTimeout(options.TotalTimeout);
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(options.MaxRetryAttempts, 1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = options.MaxRetryDelay,
            ShouldRetryAfterHeader = false,
            ShouldHandle = args => ValueTask.FromResult(options.MaxRetryAttempts > 0 && ShouldRetry(args.Outcome, args.Context, options.MaxRetryDelay, timeProvider)),
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Result is { } response && RetryAfterHeader.Read(response, timeProvider) is { } retryAfter ? retryAfter : (TimeSpan?)null),
        });
    }

    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeSpan maxRetryDelay, TimeProvider timeProvider)
    {
        var method = outcome.Result?.RequestMessage?.Method ?? context.GetRequestMessage()?.Method;
        var isPost = method == HttpMethod.Post;

        if (outcome.Exception is { } exception)
        {
            // A connection that never opened cannot have delivered anything; any other failure on a POST may have
            // (no idempotency key on POST …/activities, protocol.md §5.5), so a POST is not retried blindly.
            return exception switch
            {
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
                HttpRequestException or TimeoutRejectedException => !isPost,
                _ => false,
            };
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        switch (response.StatusCode)
        {
            case HttpStatusCode.TooManyRequests:
                // A Retry-After longer than we may wait ends this call as Throttled (the shared pause still applies).
                return RetryAfterHeader.Read(response, timeProvider) is not { } retryAfter || retryAfter <= maxRetryDelay;
            case HttpStatusCode.PreconditionFailed:
            case HttpStatusCode.BadGateway:
            case HttpStatusCode.ServiceUnavailable:
                return true;
            case HttpStatusCode.GatewayTimeout:
                // A gateway timeout on a POST may mean the message was delivered after all: retrying could post it twice.
                return !isPost;
            default:
                return false;
        }
    }
}
