using System.Net;
using System.Net.Http.Headers;
using Azure;
using Azure.Identity;
using UpdateBot.Teams.Authentication;

namespace UpdateBot.Teams.Connector;

/// <summary>
/// Innermost handler on the connector HttpClient: attaches the bot's bearer token, and only to trusted hosts
/// (docs/protocol.md, "Trusted service URLs"). A request to an untrusted host, or one for which no token can be had, is
/// answered here (<see cref="RefusedResponse"/>) and never leaves the process. A 401 makes the token it was sent with
/// be forgotten, so the one retry the pipeline allows goes out with a fresh token.
/// </summary>
internal sealed class ConnectorAuthenticationHandler(BotTokenProvider tokenProvider, TrustedServiceUrls trustedServiceUrls) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is null || !trustedServiceUrls.IsTrusted(request.RequestUri))
        {
            return RefusedResponse.Create(request, HttpStatusCode.MisdirectedRequest, ConnectorFailure.UntrustedServiceUrl);
        }

        string? token;
        try
        {
            token = await tokenProvider.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationFailedException or CredentialUnavailableException or RequestFailedException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Entra refused, the managed identity endpoint is missing, or the credential's own timeout fired: nothing
            // is sent, so the caller knows for certain that nothing was delivered.
            return RefusedResponse.Create(request, HttpStatusCode.Unauthorized, ConnectorFailure.TokenUnavailable);
        }

        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        request.Options.Set(ConnectorRequestOptions.AwaitingAnswer, true);
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            // The connection never opened: nothing was written.
            request.Options.Set(ConnectorRequestOptions.AwaitingAnswer, false);
            throw;
        }

        request.Options.Set(ConnectorRequestOptions.AwaitingAnswer, false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && token is not null)
        {
            // The cached token was revoked or rotated before it expired.
            tokenProvider.Invalidate(token);
            request.Options.TryGetValue(ConnectorRequestOptions.RejectedTokens, out var rejected);
            request.Options.Set(ConnectorRequestOptions.RejectedTokens, rejected + 1);
        }

        return response;
    }
}
