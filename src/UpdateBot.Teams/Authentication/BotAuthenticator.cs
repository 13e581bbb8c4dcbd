using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using UpdateBot.Teams.Hosting;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Authentication;

/// <summary>The outcome of authenticating one inbound request. Failure reasons are for logs only, never for the response.</summary>
public sealed record InboundAuthenticationResult(bool IsAuthenticated, bool IsAnonymous, string? FailureReason, ClaimsIdentity? Identity)
{
    internal static InboundAuthenticationResult Fail(string reason) => new(false, false, reason, null);

    internal static InboundAuthenticationResult Anonymous() => new(true, true, null, null);

    internal static InboundAuthenticationResult Success(ClaimsIdentity identity) => new(true, false, null, identity);
}

/// <summary>
/// Validates the connector's bearer token against the activity it came with (docs/protocol.md, "Inbound tokens"):
/// Bot Framework issuer and keys, our app id as audience, 5-minute skew, RS256/384/512 only, the signing key endorsed
/// for the activity's channel, and the <c>serviceurl</c> claim equal to the activity's serviceUrl.
/// With a TenantId configured, single-tenant Entra tokens are accepted too, but only from an allow-listed caller and
/// with the same <c>serviceurl</c> binding.
/// </summary>
public sealed partial class BotAuthenticator
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";
    internal const string OpenIdHttpClientName = "UpdateBot.Teams.OpenId";
    private const string ServiceUrlClaim = "serviceurl";
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly string[] AllowedAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly BotOptions options;
    private readonly TimeProvider timeProvider;
    private readonly TrustedServiceUrls trustedServiceUrls;
    private readonly ILogger<BotAuthenticator> logger;
    private readonly JsonWebTokenHandler tokenHandler = new() { MapInboundClaims = false };
    private readonly SigningKeySource<OpenIdConnectConfiguration> botFrameworkKeys;
    private readonly SigningKeySource<EndorsementTable> endorsements;
    private readonly SigningKeySource<OpenIdConnectConfiguration>? entraKeys;
    private readonly string[] entraIssuers;
    private readonly HashSet<string> allowedCallers;

    public BotAuthenticator(IOptions<BotOptions> options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, TrustedServiceUrls trustedServiceUrls, ILogger<BotAuthenticator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        this.options = options.Value;
        this.timeProvider = timeProvider;
        this.trustedServiceUrls = trustedServiceUrls;
        this.logger = logger;

        allowedCallers = new HashSet<string>(this.options.EffectiveAllowedCallerAppIds, StringComparer.OrdinalIgnoreCase);
        var metadataUrl = this.options.OpenIdMetadataUrl;
        botFrameworkKeys = new(() => SigningKeySource<OpenIdConnectConfiguration>.CreateManager(metadataUrl, new OpenIdConnectConfigurationRetriever(), httpClientFactory.CreateClient(OpenIdHttpClientName)), timeProvider);
        endorsements = new(() => SigningKeySource<EndorsementTable>.CreateManager(metadataUrl, new EndorsementTableRetriever(), httpClientFactory.CreateClient(OpenIdHttpClientName)), timeProvider);

        var entraUrl = this.options.ResolveEntraOpenIdMetadataUrl();
        if (entraUrl is not null)
        {
            entraKeys = new(() => SigningKeySource<OpenIdConnectConfiguration>.CreateManager(entraUrl, new OpenIdConnectConfigurationRetriever(), httpClientFactory.CreateClient(OpenIdHttpClientName)), timeProvider);
            entraIssuers = [$"https://sts.windows.net/{this.options.TenantId}/", $"https://login.microsoftonline.com/{this.options.TenantId}/v2.0"];
        }
        else
        {
            entraIssuers = [];
        }
    }

    /// <summary>
    /// Authenticates a request. <paramref name="activity"/> is the parsed but still untrusted body: its channelId and
    /// serviceUrl are bound to the token here. On success the serviceUrl becomes trusted for outbound calls.
    /// </summary>
    public async Task<InboundAuthenticationResult> AuthenticateAsync(string? authorizationHeader, IPAddress? remoteAddress, Activity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);

        if (options.IsDevelopmentMode)
        {
            // Explicit development mode, direct loopback callers only: the Agents Playground sends no token
            // (docs/protocol.md, "Development mode").
            return remoteAddress is not null && IPAddress.IsLoopback(remoteAddress.IsIPv4MappedToIPv6 ? remoteAddress.MapToIPv4() : remoteAddress)
                ? InboundAuthenticationResult.Anonymous()
                : InboundAuthenticationResult.Fail("development mode accepts loopback callers only");
        }

        if (string.IsNullOrEmpty(authorizationHeader))
        {
            return InboundAuthenticationResult.Fail("missing Authorization header");
        }

        if (!HasBearerToken(authorizationHeader))
        {
            return InboundAuthenticationResult.Fail("malformed Authorization header");
        }

        var token = authorizationHeader.Split(' ')[1];
        if (!TryRead(token, out var unvalidated))
        {
            return InboundAuthenticationResult.Fail("unreadable token");
        }

        if (string.Equals(unvalidated.Issuer, BotFrameworkIssuer, StringComparison.Ordinal))
        {
            return await AuthenticateBotFrameworkAsync(token, unvalidated, activity, cancellationToken).ConfigureAwait(false);
        }

        if (entraKeys is not null && entraIssuers.Contains(unvalidated.Issuer, StringComparer.Ordinal))
        {
            return await AuthenticateEntraAsync(token, unvalidated, activity, cancellationToken).ConfigureAwait(false);
        }

        return InboundAuthenticationResult.Fail("untrusted issuer");
    }

    private async Task<InboundAuthenticationResult> AuthenticateBotFrameworkAsync(string token, JsonWebToken unvalidated, Activity activity, CancellationToken cancellationToken)
    {
        var kid = unvalidated.Kid;
        if (string.IsNullOrEmpty(kid))
        {
            return InboundAuthenticationResult.Fail("token has no kid");
        }

        var metadata = await botFrameworkKeys.GetAsync(cancellationToken).ConfigureAwait(false);
        var table = await endorsements.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!HasKey(metadata, kid) || !table.Contains(kid))
        {
            // Keys rotate without notice: look once more (rate-limited) before failing (docs/protocol.md, "Inbound tokens").
            var freshKeys = await botFrameworkKeys.TryRefreshAsync(cancellationToken).ConfigureAwait(false);
            var freshTable = await endorsements.TryRefreshAsync(cancellationToken).ConfigureAwait(false);
            if (freshKeys is not null || freshTable is not null)
            {
                LogSigningKeyRefresh(logger, kid);
            }

            metadata = freshKeys ?? metadata;
            table = freshTable ?? table;
        }

        var parameters = CreateParameters([BotFrameworkIssuer], metadata.SigningKeys);
        var result = await tokenHandler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return InboundAuthenticationResult.Fail($"token rejected: {result.Exception?.GetType().Name}");
        }

        if (string.IsNullOrEmpty(activity.ChannelId) || !table.IsEndorsed(kid, activity.ChannelId))
        {
            return InboundAuthenticationResult.Fail("signing key not endorsed for the activity's channel");
        }

        return BindServiceUrl(result.ClaimsIdentity, activity);
    }

    private async Task<InboundAuthenticationResult> AuthenticateEntraAsync(string token, JsonWebToken unvalidated, Activity activity, CancellationToken cancellationToken)
    {
        var metadata = await entraKeys!.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(unvalidated.Kid) && !HasKey(metadata, unvalidated.Kid)
            && await entraKeys.TryRefreshAsync(cancellationToken).ConfigureAwait(false) is { } fresh)
        {
            LogSigningKeyRefresh(logger, unvalidated.Kid);
            metadata = fresh;
        }

        var result = await tokenHandler.ValidateTokenAsync(token, CreateParameters(entraIssuers, metadata.SigningKeys)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return InboundAuthenticationResult.Fail($"token rejected: {result.Exception?.GetType().Name}");
        }

        // Entra issues tokens for our audience to any client app in the tenant: only an allow-listed caller may speak
        // for Teams (docs/protocol.md, "Entra-issued tokens").
        var caller = CallerAppId(result.ClaimsIdentity);
        if (caller is null || !allowedCallers.Contains(caller))
        {
            return InboundAuthenticationResult.Fail("caller app id is not allowed");
        }

        return BindServiceUrl(result.ClaimsIdentity, activity);
    }

    /// <summary>v1 tokens name the calling app in <c>appid</c>, v2 tokens in <c>azp</c>.</summary>
    private static string? CallerAppId(ClaimsIdentity identity) =>
        string.Equals(identity.FindFirst("ver")?.Value, "2.0", StringComparison.Ordinal)
            ? identity.FindFirst("azp")?.Value
            : identity.FindFirst("appid")?.Value;

    /// <summary>
    /// The <c>serviceurl</c> claim must be present and equal the activity's: it is what stops a forged body from steering
    /// our outbound token to another host. Only a URL vouched for this way is trusted (docs/protocol.md, "Inbound tokens").
    /// </summary>
    private InboundAuthenticationResult BindServiceUrl(ClaimsIdentity identity, Activity activity)
    {
        var serviceUrlClaim = identity.FindFirst(ServiceUrlClaim)?.Value;
        if (serviceUrlClaim is null || !string.Equals(serviceUrlClaim, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return InboundAuthenticationResult.Fail("serviceurl claim does not match the activity");
        }

        if (!TrustedServiceUrls.TryParse(activity.ServiceUrl, out var uri))
        {
            return InboundAuthenticationResult.Fail("serviceUrl is not an absolute http(s) URL");
        }

        trustedServiceUrls.Trust(uri);
        return InboundAuthenticationResult.Success(identity);
    }

    private TokenValidationParameters CreateParameters(string[] issuers, ICollection<SecurityKey> keys) => new()
    {
        ValidIssuers = issuers,
        ValidateIssuer = true,
        ValidAudience = options.AppId,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        LifetimeValidator = ValidateLifetime,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKeys = keys,
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = AllowedAlgorithms,
        ClockSkew = ClockSkew,
    };

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken securityToken, TokenValidationParameters validationParameters)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return expires is { } exp && now <= exp.ToUniversalTime() + ClockSkew && (notBefore is not { } nbf || now >= nbf.ToUniversalTime() - ClockSkew);
    }

    /// <summary>Reads the header and claims without validating them; a malformed or encrypted token is an outcome (401), not an error.</summary>
    private bool TryRead(string token, out JsonWebToken jwt)
    {
        jwt = null!;
        if (!tokenHandler.CanReadToken(token))
        {
            return false;
        }

        try
        {
            jwt = tokenHandler.ReadJsonWebToken(token);
            return !jwt.IsEncrypted;
        }
        catch (Exception ex) when (ex is SecurityTokenMalformedException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>docs/protocol.md, "Bot Framework channel tokens": exactly two parts, scheme "Bearer", a non-empty token.</summary>
    public static bool HasBearerToken(string? authorizationHeader)
    {
        var parts = authorizationHeader?.Split(' ');
        return parts is [var scheme, { Length: > 0 }] && string.Equals(scheme, "Bearer", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The address of the peer on this connection, or null when the request came through a proxy or forwarded-headers
    /// middleware rewrote it: a tunnel or reverse proxy on this machine makes a remote caller look like loopback.
    /// </summary>
    public static IPAddress? DirectCallerAddress(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        var proxied = headers.ContainsKey(ForwardedHeadersDefaults.XForwardedForHeaderName)
            || headers.ContainsKey(ForwardedHeadersDefaults.XOriginalForHeaderName)
            || headers.ContainsKey("Forwarded");
        return proxied ? null : context.Connection.RemoteIpAddress;
    }

    private static bool HasKey(OpenIdConnectConfiguration metadata, string kid) =>
        metadata.SigningKeys.Any(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Information, Message = "Token signed with unknown key {KeyId}; refreshing signing keys")]
    private static partial void LogSigningKeyRefresh(ILogger logger, string keyId);
}
