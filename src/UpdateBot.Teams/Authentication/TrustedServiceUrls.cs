using System.Diagnostics.CodeAnalysis;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using UpdateBot.Teams.Hosting;

namespace UpdateBot.Teams.Authentication;

/// <summary>
/// Which connector hosts may receive our bearer token (docs/protocol.md, "Trusted service URLs"): the configured ones, and the
/// <c>serviceUrl</c> of any activity whose token we validated (the token's <c>serviceurl</c> claim vouched for it, docs/protocol.md, "The serviceurl claim").
/// Compared by scheme, host and port.
/// </summary>
public sealed class TrustedServiceUrls
{
    private readonly ConcurrentDictionary<string, byte> trusted = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool developmentMode;

    public TrustedServiceUrls(IOptions<BotOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        developmentMode = options.Value.IsDevelopmentMode;
        foreach (var url in options.Value.EffectiveTrustedServiceUrls)
        {
            trusted.TryAdd(Key(url), 0);
        }
    }

    /// <summary>True when no token is ever sent (development mode); loopback connectors such as the Agents Playground are allowed.</summary>
    public bool IsDevelopmentMode => developmentMode;

    /// <summary>Records a service URL as trusted. Call only with the serviceUrl of an authenticated activity.</summary>
    public void Trust(Uri serviceUrl)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        if (serviceUrl.IsAbsoluteUri)
        {
            trusted.TryAdd(Key(serviceUrl), 0);
        }
    }

    /// <summary>The one rule for what a service URL may be: an absolute http(s) URL with a host.</summary>
    public static bool TryParse(string? serviceUrl, [NotNullWhen(true)] out Uri? uri)
    {
        uri = Uri.TryCreate(serviceUrl, UriKind.Absolute, out var parsed) && IsHttpWithHost(parsed) ? parsed : null;
        return uri is not null;
    }

    private static bool IsHttpWithHost(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && !string.IsNullOrEmpty(uri.Host);

    /// <summary>Whether a request to this URL may be sent (and, outside development mode, carry our token).</summary>
    public bool IsTrusted(Uri requestUri)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        if (!IsHttpWithHost(requestUri))
        {
            return false;
        }

        if (developmentMode && IsLoopback(requestUri))
        {
            return true;
        }

        // Outside development mode the token travels only over TLS.
        return (developmentMode || requestUri.Scheme == Uri.UriSchemeHttps) && trusted.ContainsKey(Key(requestUri));
    }

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    private static string Key(Uri uri) => uri.GetLeftPart(UriPartial.Authority);
}
