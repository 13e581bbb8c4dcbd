using System.Net;

namespace UpdateBot.Teams.Connector;

/// <summary>
/// A response made inside the process for a request that was never sent (untrusted host, shared pause, no token).
/// It carries its <see cref="ConnectorFailure"/> in a private header, so the client can tell it from a real answer:
/// nothing that was refused can have reached Teams.
/// </summary>
internal static class RefusedResponse
{
    private const string Header = "X-UpdateBot-Refused";

    public static HttpResponseMessage Create(HttpRequestMessage request, HttpStatusCode status, ConnectorFailure reason)
    {
        var response = new HttpResponseMessage(status) { RequestMessage = request };
        response.Headers.TryAddWithoutValidation(Header, reason.ToString());
        return response;
    }

    public static bool TryGetReason(HttpResponseMessage response, out ConnectorFailure reason)
    {
        reason = ConnectorFailure.None;
        return response.Headers.TryGetValues(Header, out var values)
            && Enum.TryParse(values.FirstOrDefault(), ignoreCase: false, out reason)
            && reason != ConnectorFailure.None;
    }

    public static bool IsRefused(HttpResponseMessage response) => TryGetReason(response, out _);
}
