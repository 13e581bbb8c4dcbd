using System.Text.Json;
using System.Text.Json.Serialization;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Connector;

/// <summary>Response of send/reply/update (docs/protocol.md, "Connector REST operations").</summary>
public sealed record ResourceResponse(string? Id);

/// <summary>Response of create-conversation (docs/protocol.md, "Connector REST operations").</summary>
public sealed record ConversationResourceResponse(string? Id, string? ActivityId, string? ServiceUrl);

/// <summary>Body of create-conversation (docs/protocol.md, "Connector REST operations").</summary>
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

/// <summary>A roster entry. The REST payload names the Entra id <c>objectId</c>; activities say <c>aadObjectId</c> (docs/protocol.md, "Activity fields").</summary>
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

    [JsonExtensionData] public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record PagedMembersResult(string? ContinuationToken, IReadOnlyList<TeamsChannelAccount>? Members);

public sealed record TeamDetails(string? Id, string? Name, string? AadGroupId, int? ChannelCount, int? MemberCount);

public sealed record ConversationList(IReadOnlyList<ChannelInfo>? Conversations);

/// <summary>What became of a connector call. Expected outcomes are values, not exceptions.</summary>
public enum ConnectorOutcome
{
    Success,

    /// <summary>403: blocked, uninstalled, not in roster, disabled by admin — never retried (docs/protocol.md, "Reaching members 1:1").</summary>
    Unreachable,

    /// <summary>404: conversation or member gone.</summary>
    NotFound,

    /// <summary>400/413 etc.: the request itself is wrong; retrying unchanged will not help.</summary>
    Rejected,

    /// <summary>Still 429 after the bounded retries, or asked to wait longer than a call may: try again later.</summary>
    Throttled,

    /// <summary>5xx, timeouts, 401, no token, or a 2xx answer that cannot be read: a transient or configuration failure.</summary>
    Failed,
}

/// <summary>Why a connector call did not succeed (<see cref="ConnectorFailure.None"/> when it did).</summary>
public enum ConnectorFailure
{
    None,

    /// <summary>The connector answered with an error status; see <see cref="ConnectorResult{T}.StatusCode"/> and its error code.</summary>
    ErrorStatus,

    /// <summary>Not sent: every sender is paused after a 429 for longer than this call may wait.</summary>
    SharedBackoff,

    /// <summary>Not sent: the service URL is not an absolute http(s) URL.</summary>
    InvalidServiceUrl,

    /// <summary>Not sent: the host may not receive the bot's token (docs/protocol.md, "Trusted service URLs").</summary>
    UntrustedServiceUrl,

    /// <summary>Not sent: no access token could be obtained (Entra refused, the credential is unavailable, or it timed out).</summary>
    TokenUnavailable,

    /// <summary>401 again with a freshly acquired token: the bot's identity or its registration is wrong.</summary>
    Unauthorized,

    /// <summary>No connection could be opened (refused, no route, name not resolved): nothing was sent.</summary>
    ConnectionFailed,

    /// <summary>The connection failed or was reset after it was opened, before an answer arrived.</summary>
    Transport,

    /// <summary>No answer within the call's time limit.</summary>
    Timeout,

    /// <summary>The caller stopped waiting (the service is stopping, or the tick lost its lease).</summary>
    Cancelled,

    /// <summary>A 2xx answer without the body the call needs (e.g. no activity id, no members array).</summary>
    EmptyBody,

    /// <summary>A 2xx answer whose body is not the JSON the call needs.</summary>
    MalformedBody,
}

/// <param name="Outcome">What the caller should do next.</param>
/// <param name="Failure">Why it did not succeed.</param>
/// <param name="Value">The answer, on success.</param>
/// <param name="StatusCode">The HTTP status (a synthetic one when the request was refused before sending).</param>
/// <param name="ErrorCode">The connector's own error code, when its error body had one.</param>
/// <param name="ErrorMessage">The connector's error message (truncated), or why the request was refused.</param>
public sealed record ConnectorResult<T>(ConnectorOutcome Outcome, ConnectorFailure Failure, T? Value, int? StatusCode, string? ErrorCode, string? ErrorMessage)
{
    public bool IsSuccess => Outcome == ConnectorOutcome.Success;

    /// <summary>
    /// True when a failed POST may still have been delivered: a 5xx, a timeout, a connection lost after the request was
    /// written, or a 2xx whose answer could not be read. POST has no idempotency key, so such a call must never be
    /// repeated automatically (docs/protocol.md, "Connector errors and retries"). Always false for PUT, GET and DELETE,
    /// which are safe to repeat.
    /// </summary>
    public bool MayHaveBeenDelivered { get; init; }

    public static ConnectorResult<T> Success(T value, int statusCode = 200) => new(ConnectorOutcome.Success, ConnectorFailure.None, value, statusCode, null, null);
}
