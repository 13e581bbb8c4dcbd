using System.Text.Json;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace UpdateBot.Teams.Authentication;

/// <summary>
/// A cached configuration document (OpenID metadata + keys, or the endorsement table) that refreshes itself at most every
/// 24 hours (BFAUTH: new keys can appear at any time) and can be refreshed on demand when a token names an unknown key.
/// </summary>
/// <remarks>
/// On demand we call <see cref="ConfigurationManager{T}.RequestRefresh"/>; because IdentityModel 8 may then serve the old
/// document while it refreshes in the background, we also replace the manager (its first fetch is awaited) so the
/// retried validation really sees the new keys. Forced refreshes are throttled so forged kids cannot make us hammer the metadata host.
/// </remarks>
internal sealed class SigningKeySource<T>(Func<ConfigurationManager<T>> createManager, TimeProvider timeProvider)
    where T : class
{
    internal static readonly TimeSpan AutomaticRefreshInterval = TimeSpan.FromHours(12);
    private static readonly TimeSpan MinimumForcedRefreshInterval = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private ConfigurationManager<T> manager = createManager();
    private DateTimeOffset? lastForcedRefresh;

    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        ConfigurationManager<T> current;
        lock (gate)
        {
            current = manager;
        }

        return current.GetConfigurationAsync(cancellationToken);
    }

    /// <returns>False when a forced refresh happened too recently (the caller then fails the token).</returns>
    public bool TryForceRefresh()
    {
        var now = timeProvider.GetUtcNow();
        lock (gate)
        {
            if (lastForcedRefresh is { } last && now - last < MinimumForcedRefreshInterval)
            {
                return false;
            }

            lastForcedRefresh = now;
            manager.RequestRefresh();
            manager = createManager();
            return true;
        }
    }

    internal static ConfigurationManager<TConfig> CreateManager<TConfig>(Uri address, IConfigurationRetriever<TConfig> retriever, HttpClient httpClient)
        where TConfig : class =>
        new(address.AbsoluteUri, retriever, new HttpDocumentRetriever(httpClient) { RequireHttps = !TrustedServiceUrls.IsLoopback(address) })
        {
            AutomaticRefreshInterval = AutomaticRefreshInterval,
            RefreshInterval = MinimumForcedRefreshInterval,
        };
}

/// <summary>The <c>endorsements</c> array of each Bot Framework signing key, by <c>kid</c> (protocol.md §3.1 step 2, 5).</summary>
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
