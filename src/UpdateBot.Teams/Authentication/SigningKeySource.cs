using System.Text.Json;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace UpdateBot.Teams.Authentication;

/// <summary>
/// A cached configuration document (OpenID metadata + keys, or the endorsement table) that refreshes itself every
/// 12 hours (keys can appear at any time: docs/protocol.md, "Inbound tokens") and can be refreshed on demand when a
/// token names an unknown key.
/// </summary>
/// <remarks>
/// An on-demand refresh fetches into a new manager and swaps it in only once that fetch succeeded, so a token with a
/// made-up <c>kid</c> can never make us drop keys that still validate; and such refreshes are rate-limited, so forged
/// kids cannot make us hammer the metadata host. The last document that was read is kept and served while the host is
/// unreachable.
/// </remarks>
internal sealed class SigningKeySource<T>(Func<ConfigurationManager<T>> createManager, TimeProvider timeProvider)
    where T : class
{
    internal static readonly TimeSpan AutomaticRefreshInterval = TimeSpan.FromHours(12);
    internal static readonly TimeSpan MinimumForcedRefreshInterval = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private ConfigurationManager<T> manager = createManager();
    private T? lastGood;
    private DateTimeOffset? lastForcedRefresh;

    /// <summary>The current document; the last good one when a refresh fails; throws only when none was ever read.</summary>
    public async Task<T> GetAsync(CancellationToken cancellationToken)
    {
        ConfigurationManager<T> current;
        lock (gate)
        {
            current = manager;
        }

        try
        {
            var document = await current.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref lastGood, document);
            return document;
        }
        catch (InvalidOperationException) when (Volatile.Read(ref lastGood) is { } known)
        {
            // IdentityModel reports an unreachable or invalid document as InvalidOperationException (IDX20803).
            return known;
        }
    }

    /// <returns>
    /// The freshly read document, or null when a forced refresh happened too recently or the fetch failed (the
    /// document in use is then kept, and the caller fails the token).
    /// </returns>
    public async Task<T?> TryRefreshAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        lock (gate)
        {
            if (lastForcedRefresh is { } last && now - last < MinimumForcedRefreshInterval)
            {
                return null;
            }

            lastForcedRefresh = now;
        }

        var fresh = createManager();
        T document;
        try
        {
            document = await fresh.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        lock (gate)
        {
            manager = fresh;
        }

        Volatile.Write(ref lastGood, document);
        return document;
    }

    internal static ConfigurationManager<TConfig> CreateManager<TConfig>(Uri address, IConfigurationRetriever<TConfig> retriever, HttpClient httpClient)
        where TConfig : class =>
        new(address.AbsoluteUri, retriever, new HttpDocumentRetriever(httpClient) { RequireHttps = !TrustedServiceUrls.IsLoopback(address) })
        {
            AutomaticRefreshInterval = AutomaticRefreshInterval,
            RefreshInterval = MinimumForcedRefreshInterval,
        };
}

/// <summary>The <c>endorsements</c> array of each Bot Framework signing key, by <c>kid</c> (docs/protocol.md, "Endorsements").</summary>
internal sealed class EndorsementTable(IReadOnlyDictionary<string, IReadOnlyList<string>> endorsementsByKeyId)
{
    public bool IsEndorsed(string keyId, string channelId) =>
        endorsementsByKeyId.TryGetValue(keyId, out var endorsements) && endorsements.Contains(channelId, StringComparer.OrdinalIgnoreCase);

    public bool Contains(string keyId) => endorsementsByKeyId.ContainsKey(keyId);
}

/// <summary>
/// Downloads the metadata document, then the raw JWKS it points to, and reads each key's <c>endorsements</c>
/// (a Bot Framework extension that the standard JsonWebKey model does not surface reliably).
/// </summary>
internal sealed class EndorsementTableRetriever : IConfigurationRetriever<EndorsementTable>
{
    public async Task<EndorsementTable> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        var metadata = OpenIdConnectConfiguration.Create(await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false));
        var jwks = await retriever.GetDocumentAsync(metadata.JwksUri, cancel).ConfigureAwait(false);

        var table = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(jwks);
        if (document.RootElement.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array)
        {
            foreach (var key in keys.EnumerateArray())
            {
                if (key.ValueKind != JsonValueKind.Object
                    || !key.TryGetProperty("kid", out var kid) || kid.ValueKind != JsonValueKind.String
                    || !key.TryGetProperty("endorsements", out var endorsements) || endorsements.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                table[kid.GetString()!] = [.. endorsements.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)];
            }
        }

        return new EndorsementTable(table);
    }
}
