using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Identity;
using UpdateBot.Teams.Hosting;

namespace UpdateBot.Teams.Authentication;

/// <summary>
/// The bot's outbound access token for the connector (docs/protocol.md, "Outbound tokens"): one credential for the process, the token cached
/// until about five minutes before it expires (a token per call would hit Entra throttling).
/// </summary>
public sealed class BotTokenProvider : IDisposable
{
    public const string Scope = "https://api.botframework.com/.default";

    /// <summary>Register a <see cref="TokenCredential"/> under this key to replace the one built from options (tests, custom hosting).</summary>
    public const string CredentialServiceKey = "UpdateBot.Teams.Connector";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential? credential;
    private readonly TimeProvider timeProvider;
    private readonly SemaphoreSlim refreshGate = new(1, 1);
    // A reference, so it is read and swapped atomically without the refresh gate.
    private StrongBox<AccessToken>? cached;

    public BotTokenProvider(TokenCredential? credential, TimeProvider timeProvider)
    {
        this.credential = credential;
        this.timeProvider = timeProvider;
    }

    /// <summary>False in development mode: no token is ever attached.</summary>
    public bool HasCredential => credential is not null;

    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (credential is null)
        {
            return null;
        }

        if (cached is { } fresh && IsFresh(fresh.Value))
        {
            return fresh.Value.Token;
        }

        await refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (cached is { } again && IsFresh(again.Value))
            {
                return again.Value.Token;
            }

            var token = await credential.GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken).ConfigureAwait(false);
            cached = new StrongBox<AccessToken>(token);
            return token.Token;
        }
        finally
        {
            refreshGate.Release();
        }
    }

    /// <summary>
    /// Forgets <paramref name="rejectedToken"/> after the connector answered 401 to it (revoked or rotated before it
    /// expired), so the next call acquires a new one. A newer token cached meanwhile is kept: concurrent 401s for the
    /// same old token cost one refresh, not one each.
    /// </summary>
    public void Invalidate(string rejectedToken)
    {
        if (cached is { } current && current.Value.Token == rejectedToken)
        {
            Interlocked.CompareExchange(ref cached, null, current);
        }
    }

    public void Dispose() => refreshGate.Dispose();

    private bool IsFresh(AccessToken token) => token.ExpiresOn - RefreshMargin > timeProvider.GetUtcNow();

    /// <summary>The credential for the configured app type (docs/protocol.md, "Outbound tokens"), or null in development mode.</summary>
    internal static TokenCredential? CreateCredential(BotOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            return null;
        }

        return options.AppType switch
        {
            BotAppType.UserAssignedMSI => new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.AppId)),
            _ when !string.IsNullOrWhiteSpace(options.ClientSecret) => new ClientSecretCredential(options.TenantId, options.AppId, options.ClientSecret),
            _ when !string.IsNullOrWhiteSpace(options.CertificatePassword) =>
                new ClientCertificateCredential(options.TenantId, options.AppId, X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath!, options.CertificatePassword)),
            _ => new ClientCertificateCredential(options.TenantId, options.AppId, options.CertificatePath),
        };
    }
}
