using System.Net;
using System.Net.Http.Headers;
using UpdateBot.Teams.Authentication;

namespace UpdateBot.Teams.Connector;

/// <summary>
/// Innermost handler on the connector HttpClient: attaches the bot's bearer token, and only to trusted hosts
/// (protocol.md §4.3). A request to an untrusted host is answered here with 421 and never leaves the process.
/// </summary>
internal sealed class ConnectorAuthenticationHandler(BotTokenProvider tokenProvider, TrustedServiceUrls trustedServiceUrls) : DelegatingHandler
{
    internal const string RefusedHeader = "X-UpdateBot-Refused";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is null || !trustedServiceUrls.IsTrusted(request.RequestUri))
        {
            var refused = new HttpResponseMessage(HttpStatusCode.MisdirectedRequest) { RequestMessage = request };
            refused.Headers.TryAddWithoutValidation(RefusedHeader, "untrusted-service-url");
            return refused;
        }

        var token = await tokenProvider.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
