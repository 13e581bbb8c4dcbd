namespace UpdateBot.Teams.Connector;

/// <summary>Keys set on <see cref="HttpRequestMessage.Options"/> by the connector client and its handlers.</summary>
public static class ConnectorRequestOptions
{
    /// <summary>The conversation a request belongs to, for the per-conversation limit (falls back to the path).</summary>
    public static readonly HttpRequestOptionsKey<string> ConversationId = new("UpdateBot.Teams.ConversationId");

    /// <summary>Which queue the request waits in for its rate-limit slot (set from <see cref="ConnectorTraffic.Current"/>; missing means background).</summary>
    public static readonly HttpRequestOptionsKey<ConnectorPriority> Priority = new("UpdateBot.Teams.Priority");

    /// <summary>
    /// True while the last attempt's request may have reached Teams and its answer has not come back: set just before
    /// it is written, cleared when an answer arrives or when the connection never opened. A call that ends (timeout,
    /// cancellation, reset) while it is true may have delivered; otherwise it provably did not.
    /// </summary>
    internal static readonly HttpRequestOptionsKey<bool> AwaitingAnswer = new("UpdateBot.Teams.AwaitingAnswer");

    /// <summary>How many tokens the connector answered 401 to for this request (each is forgotten; one retry follows the first).</summary>
    internal static readonly HttpRequestOptionsKey<int> RejectedTokens = new("UpdateBot.Teams.RejectedTokens");
}
