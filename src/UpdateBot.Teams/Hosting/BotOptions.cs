using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace UpdateBot.Teams.Hosting;

/// <summary>How the bot authenticates outbound (docs/protocol.md, "Outbound tokens"). Multi-tenant bots can no longer be created.</summary>
public enum BotAppType
{
    SingleTenant,
    UserAssignedMSI,
}

/// <summary>Configuration section <c>Bot</c> (environment variables <c>Bot__AppId</c>, <c>Bot__Connector__GlobalRequestsPerSecond</c>, …).</summary>
public sealed class BotOptions
{
    public const string SectionName = "Bot";

    /// <summary>The Microsoft App ID (for <see cref="BotAppType.UserAssignedMSI"/> the managed identity's client id). Inbound token audience.</summary>
    public string? AppId { get; set; }

    public string? TenantId { get; set; }

    /// <summary>
    /// Entra-issued tokens (accepted only with <see cref="TenantId"/> set) must name one of these callers in <c>appid</c>
    /// (v1) or <c>azp</c> (v2). Empty means the bot's own <see cref="AppId"/>: the only caller the Bot Framework documents
    /// for Entra tokens to a single-tenant bot (docs/protocol.md, "Entra-issued tokens").
    /// </summary>
    public IList<string> AllowedCallerAppIds { get; set; } = [];

    public BotAppType AppType { get; set; } = BotAppType.SingleTenant;

    public string? ClientSecret { get; set; }

    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Local development only (Agents Playground sends no Authorization header, docs/protocol.md, "Development mode"): with no <see cref="AppId"/>,
    /// accept unauthenticated requests from loopback addresses and send no outbound token.
    /// </summary>
    public bool AllowAnonymousLoopback { get; set; }

    public Uri OpenIdMetadataUrl { get; set; } = new("https://login.botframework.com/v1/.well-known/openidconfiguration");

    /// <summary>Entra metadata for single-tenant tokens; <c>{tenantId}</c> is replaced with <see cref="TenantId"/>.</summary>
    public string EntraOpenIdMetadataUrl { get; set; } = "https://login.microsoftonline.com/{tenantId}/v2.0/.well-known/openid-configuration";

    /// <summary>Service URLs that may receive our token before any inbound activity has vouched for them (docs/protocol.md, "Trusted service URLs").</summary>
    public IList<Uri> TrustedServiceUrls { get; set; } = [];

    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How long a delivered activity id is remembered to drop Teams' redeliveries (docs/protocol.md, "Redelivery and de-duplication").</summary>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many activity ids are remembered for de-duplication; the oldest are forgotten first.</summary>
    public int DeduplicationMaxEntries { get; set; } = 20_000;

    /// <summary>At most about this many bytes of remembered ids and cached invoke answers.</summary>
    public long DeduplicationMaxBytes { get; set; } = 32L * 1024 * 1024;

    public ConnectorOptions Connector { get; set; } = new();

    /// <summary>True when running without authentication: no app id and anonymous loopback explicitly allowed.</summary>
    public bool IsDevelopmentMode => string.IsNullOrWhiteSpace(AppId) && AllowAnonymousLoopback;

    internal static readonly Uri DefaultTrustedServiceUrl = new("https://smba.trafficmanager.net/");

    /// <summary>The configured trusted URLs, or the public-cloud default when none are configured.</summary>
    internal IEnumerable<Uri> EffectiveTrustedServiceUrls => TrustedServiceUrls.Count > 0 ? TrustedServiceUrls : [DefaultTrustedServiceUrl];

    /// <summary>The configured allowed callers, or the bot's own app id when none are configured.</summary>
    internal IReadOnlyCollection<string> EffectiveAllowedCallerAppIds =>
        AllowedCallerAppIds.Count > 0 ? [.. AllowedCallerAppIds] : string.IsNullOrWhiteSpace(AppId) ? [] : [AppId];

    internal Uri? ResolveEntraOpenIdMetadataUrl() =>
        string.IsNullOrWhiteSpace(TenantId) ? null : new Uri(EntraOpenIdMetadataUrl.Replace("{tenantId}", Uri.EscapeDataString(TenantId), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Section <c>Bot:Connector</c>: outbound limits and retries (docs/protocol.md, "Connector errors and retries" and "Rate limits").</summary>
public sealed class ConnectorOptions
{
    /// <summary>Global budget per app (docs/protocol.md, "Rate limits": 50 per second in the newest figures, 30 in older ones; we design for 30).</summary>
    public int GlobalRequestsPerSecond { get; set; } = 30;

    /// <summary>Per thread (one chat or channel): 7 per second (docs/protocol.md, "Rate limits").</summary>
    public int PerConversationRequestsPerSecond { get; set; } = 7;

    /// <summary>
    /// Interactive first: a reply or card update inside a turn takes the next free rate-limit slot ahead of queued
    /// background sends (fan-out, reminders, posts). Off queues every request first come, first served (for comparison
    /// in the benchmark, docs/benchmarks.md).
    /// </summary>
    public bool PrioritizeInteractive { get; set; } = true;

    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>The longest single wait we accept; a longer Retry-After ends the call as Throttled.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a 429's Retry-After may pause every sender; a longer one pauses them for this long only, and the call
    /// that got it ends as Throttled (its work is retried later).
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound for one call, all attempts and waits included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(90);
}

/// <summary>
/// Start-up validation of <see cref="BotOptions"/> (registered with ValidateOnStart). Development mode is refused in
/// any environment but Development and behind forwarded headers, which can make a remote caller look like loopback.
/// </summary>
internal sealed class BotOptionsValidator(IHostEnvironment? environment = null, IConfiguration? configuration = null) : IValidateOptions<BotOptions>
{
    public ValidateOptionsResult Validate(string? name, BotOptions options)
    {
        var failures = new List<string>();
        var hasAppId = !string.IsNullOrWhiteSpace(options.AppId);

        if (options.IsDevelopmentMode)
        {
            if (environment?.IsDevelopment() != true)
            {
                failures.Add("Bot:AllowAnonymousLoopback=true (development mode, no authentication) runs only when ASPNETCORE_ENVIRONMENT=Development; " +
                    $"the environment here is '{environment?.EnvironmentName ?? "unknown"}'. Configure Bot:AppId for any other environment.");
            }

            if (string.Equals(configuration?["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add("Bot:AllowAnonymousLoopback=true cannot run with ASPNETCORE_FORWARDEDHEADERS_ENABLED=true: forwarded headers can make " +
                    "a remote caller look like loopback. Turn one of them off.");
            }
        }

        if (!hasAppId && !options.AllowAnonymousLoopback)
        {
            failures.Add("Bot:AppId is not configured. Set Bot:AppId (env Bot__AppId) for Teams, or set Bot:AllowAnonymousLoopback=true " +
                "(env Bot__AllowAnonymousLoopback) for local development without authentication.");
        }

        if (hasAppId && options.AllowAnonymousLoopback)
        {
            failures.Add("Bot:AllowAnonymousLoopback=true is only allowed when Bot:AppId is empty; remove one of them.");
        }

        if (hasAppId)
        {
            switch (options.AppType)
            {
                case BotAppType.SingleTenant:
                    if (string.IsNullOrWhiteSpace(options.TenantId))
                    {
                        failures.Add("Bot:TenantId is required when Bot:AppType is SingleTenant.");
                    }

                    var hasSecret = !string.IsNullOrWhiteSpace(options.ClientSecret);
                    var hasCertificate = !string.IsNullOrWhiteSpace(options.CertificatePath);
                    if (hasSecret == hasCertificate)
                    {
                        failures.Add("Bot:AppType SingleTenant needs exactly one of Bot:ClientSecret or Bot:CertificatePath.");
                    }

                    break;
                case BotAppType.UserAssignedMSI:
                    if (string.IsNullOrWhiteSpace(options.TenantId))
                    {
                        // Without it no activity could be checked against our tenant (docs/protocol.md, "Teams only, one tenant").
                        failures.Add("Bot:TenantId is required: activities from any other tenant are refused, so it must be known.");
                    }

                    if (!string.IsNullOrWhiteSpace(options.ClientSecret) || !string.IsNullOrWhiteSpace(options.CertificatePath))
                    {
                        failures.Add("Bot:AppType UserAssignedMSI uses the managed identity; remove Bot:ClientSecret and Bot:CertificatePath.");
                    }

                    break;
                default:
                    failures.Add($"Bot:AppType '{options.AppType}' is not supported (SingleTenant or UserAssignedMSI).");
                    break;
            }
        }

        if (!options.OpenIdMetadataUrl.IsAbsoluteUri)
        {
            failures.Add("Bot:OpenIdMetadataUrl must be an absolute URL.");
        }

        if (options.TrustedServiceUrls.Any(u => !u.IsAbsoluteUri))
        {
            failures.Add("Bot:TrustedServiceUrls must be absolute URLs.");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add("Bot:MaxRequestBodyBytes must be between 1 KB and 16 MB.");
        }

        if (options.DeduplicationWindow <= TimeSpan.Zero)
        {
            failures.Add("Bot:DeduplicationWindow must be positive.");
        }

        if (options.DeduplicationMaxEntries < 1 || options.DeduplicationMaxBytes < 64 * 1024)
        {
            failures.Add("Bot:DeduplicationMaxEntries must be at least 1 and Bot:DeduplicationMaxBytes at least 64 KB.");
        }

        var c = options.Connector;
        if (c.GlobalRequestsPerSecond < 1 || c.PerConversationRequestsPerSecond < 1)
        {
            failures.Add("Bot:Connector request rates must be at least 1 per second.");
        }

        if (c.MaxRetryAttempts is < 0 or > 10)
        {
            failures.Add("Bot:Connector:MaxRetryAttempts must be between 0 and 10.");
        }

        if (c.MaxRetryDelay <= TimeSpan.Zero || c.TotalTimeout <= TimeSpan.Zero || c.TotalTimeout < c.MaxRetryDelay)
        {
            failures.Add("Bot:Connector:MaxRetryDelay and TotalTimeout must be positive, and TotalTimeout at least MaxRetryDelay.");
        }

        if (c.MaxRetryAfter < c.MaxRetryDelay || c.MaxRetryAfter > TimeSpan.FromHours(1))
        {
            failures.Add("Bot:Connector:MaxRetryAfter must be at least Bot:Connector:MaxRetryDelay and at most one hour.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
