using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Connector;

/// <summary>
/// The Bot Connector REST client (protocol.md §5). Every id is URL-encoded into the path; the base address is
/// the conversation's latest <c>serviceUrl</c>. Resilience and rate limits live in the HttpClient pipeline.
/// CONTRACT STUB: the Teams-layer work fills in the bodies; the signatures are what the service relies on.
/// </summary>
public sealed class ConnectorClient(HttpClient httpClient)
{
    public Task<ConnectorResult<ResourceResponse>> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ConnectorResult<ResourceResponse>> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ConnectorResult<ResourceResponse>> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ConnectorResult<bool>> DeleteActivityAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ConnectorResult<ConversationResourceResponse>> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Creates (or gets) the 1:1 chat with a user (protocol.md §5.3).</summary>
    public Task<ConnectorResult<ConversationResourceResponse>> CreatePersonalConversationAsync(string serviceUrl, string tenantId, string botId, string userId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Starts a new post (thread) in a channel (protocol.md §5.4); the result's Id is <c>channel;messageid=N</c>.</summary>
    public Task<ConnectorResult<ConversationResourceResponse>> CreateChannelPostAsync(string serviceUrl, string tenantId, string channelId, Activity activity, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Every member across all pages (protocol.md §5.2 #6; team id as conversation id for a whole team).</summary>
    public Task<ConnectorResult<IReadOnlyList<TeamsChannelAccount>>> GetAllMembersAsync(string serviceUrl, string conversationId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ConnectorResult<TeamsChannelAccount>> GetMemberAsync(string serviceUrl, string conversationId, string userId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ConnectorResult<TeamDetails>> GetTeamDetailsAsync(string serviceUrl, string teamId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ConnectorResult<IReadOnlyList<ChannelInfo>>> GetTeamChannelsAsync(string serviceUrl, string teamId, CancellationToken cancellationToken) => throw new NotImplementedException();

    internal HttpClient HttpClient => httpClient;
}
