using System.Text.Json;
using System.Text.Json.Serialization;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Connector;

/// <summary>Response of send/reply/update (protocol.md §5.2 #1–#3).</summary>
public sealed record ResourceResponse(string? Id);

/// <summary>Response of create-conversation (protocol.md §5.2 #5).</summary>
public sealed record ConversationResourceResponse(string? Id, string? ActivityId, string? ServiceUrl);

/// <summary>Body of create-conversation (protocol.md §5.3, §5.4).</summary>
public sealed record ConversationParameters
{
    public bool? IsGroup { get; init; }
    public ChannelAccount? Bot { get; init; }
    public IReadOnlyList<ChannelAccount>? Members { get; init; }
    public string? TopicName { get; init; }
    public Activity? Activity { get; init; }
    public TeamsChannelData? ChannelData { get; init; }
    public string? TenantId { get; init; }
}

/// <summary>A roster entry. The REST payload names the Entra id <c>objectId</c>; activities say <c>aadObjectId</c> (protocol.md §2.2).</summary>
public sealed record TeamsChannelAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? AadObjectId { get; init; }
    public string? ObjectId { get; init; }
    public string? GivenName { get; init; }
    public string? Surname { get; init; }
    public string? Email { get; init; }
    public string? UserPrincipalName { get; init; }
    public string? UserRole { get; init; }
    public string? TenantId { get; init; }

    [JsonIgnore] public string? EntraObjectId => AadObjectId ?? ObjectId;

    [JsonExtensionData] public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

public sealed record PagedMembersResult(string? ContinuationToken, IReadOnlyList<TeamsChannelAccount>? Members);

public sealed record TeamDetails(string? Id, string? Name, string? AadGroupId, int? ChannelCount, int? MemberCount);

public sealed record ConversationList(IReadOnlyList<ChannelInfo>? Conversations);

/// <summary>What became of a connector call. Expected outcomes are values, not exceptions (design.md "Style").</summary>
public enum ConnectorOutcome
{
    Success,

    /// <summary>403: blocked, uninstalled, not in roster, disabled by admin — never retried (protocol.md §9.5).</summary>
    Unreachable,

    /// <summary>404: conversation or member gone.</summary>
    NotFound,

    /// <summary>400/413 etc.: the request itself is wrong; retrying unchanged will not help.</summary>
    Rejected,

    /// <summary>Still 429 after the bounded retries: try again later.</summary>
    Throttled,

    /// <summary>5xx/timeouts after bounded retries, or 401: a transient or configuration failure.</summary>
    Failed,
}

public sealed record ConnectorResult<T>(ConnectorOutcome Outcome, T? Value, int? StatusCode, string? ErrorCode, string? ErrorMessage)
{
    public bool IsSuccess => Outcome == ConnectorOutcome.Success;

    public static ConnectorResult<T> Success(T value, int statusCode = 200) => new(ConnectorOutcome.Success, value, statusCode, null, null);
}
