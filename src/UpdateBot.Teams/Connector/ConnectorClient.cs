using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.Timeout;
using UpdateBot.Teams.Authentication;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Connector;

/// <summary>
/// The Bot Connector REST client (docs/protocol.md, "Connector REST operations"). Every id is URL-encoded into the path; the base address is
/// the conversation's latest <c>serviceUrl</c>. Resilience, rate limits and the bearer token live in the HttpClient
/// pipeline (see <c>AddTeamsBot</c>); this class turns HTTP outcomes into <see cref="ConnectorResult{T}"/> values.
/// </summary>
public sealed partial class ConnectorClient
{
    /// <summary>The largest page the connector serves (docs/protocol.md, "Connector REST operations": values above 500 are capped).</summary>
    public const int MembersPageSize = 500;

    private const int MaxPages = 1000;
    private const int MaxErrorMessageLength = 512;
    private static readonly MediaTypeHeaderValue JsonUtf8 = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient httpClient;
    private readonly ILogger logger;

    public ConnectorClient(HttpClient httpClient)
        : this(httpClient, NullLogger<ConnectorClient>.Instance)
    {
    }

    [ActivatorUtilitiesConstructor]
    public ConnectorClient(HttpClient httpClient, ILogger<ConnectorClient> logger)
    {
        this.httpClient = httpClient;
        this.logger = logger;
    }

    internal HttpClient HttpClient => httpClient;

    /// <summary>#1: a new message in a conversation (proactive, or a channel thread reply with <c>channel;messageid=N</c>).</summary>
    public Task<ConnectorResult<ResourceResponse>> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", conversationId, activity, HasId, cancellationToken);

    /// <summary>#2: reply to an activity.</summary>
    public Task<ConnectorResult<ResourceResponse>> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", conversationId, activity, HasId, cancellationToken);

    /// <summary>#3: replace a message the bot sent (full replacement).</summary>
    public Task<ConnectorResult<ResourceResponse>> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Put, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", conversationId, activity, null, cancellationToken);

    /// <summary>#4: delete a message the bot sent.</summary>
    public async Task<ConnectorResult<bool>> DeleteActivityAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken)
    {
        var result = await SendAsync<JsonElement?>(HttpMethod.Delete, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", conversationId, null, null, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? ConnectorResult<bool>.Success(true, result.StatusCode ?? 200) : Convert<JsonElement?, bool>(result);
    }

    /// <summary>#5: create a conversation from raw parameters.</summary>
    public Task<ConnectorResult<ConversationResourceResponse>> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken) =>
        SendAsync<ConversationResourceResponse>(HttpMethod.Post, serviceUrl, "v3/conversations", null, parameters, HasId, cancellationToken);

    /// <summary>Creates (or gets) the 1:1 chat with a user (docs/protocol.md, "Connector REST operations"). <paramref name="userId"/> is the <c>29:</c> id or the Entra object id.</summary>
    public Task<ConnectorResult<ConversationResourceResponse>> CreatePersonalConversationAsync(string serviceUrl, string tenantId, string botId, string userId, CancellationToken cancellationToken) =>
        CreateConversationAsync(serviceUrl, new ConversationParameters
        {
            IsGroup = false,
            Bot = new ChannelAccount { Id = botId },
            Members = [new ChannelAccount { Id = userId }],
            TenantId = tenantId,
            ChannelData = new TeamsChannelData { Tenant = new TenantInfo { Id = tenantId } },
        }, cancellationToken);

    /// <summary>
    /// Starts a new post (thread) in a channel (docs/protocol.md, "Connector REST operations"); the result's Id is <c>channel;messageid=N</c>.
    /// A 2xx answer without both ids is <see cref="ConnectorFailure.MalformedBody"/>: the post exists but cannot be edited.
    /// </summary>
    public Task<ConnectorResult<ConversationResourceResponse>> CreateChannelPostAsync(string serviceUrl, string tenantId, string channelId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ConversationResourceResponse>(HttpMethod.Post, serviceUrl, "v3/conversations", null, new ConversationParameters
        {
            IsGroup = true,
            ChannelData = new TeamsChannelData { Channel = new ChannelInfo { Id = channelId }, Tenant = new TenantInfo { Id = tenantId } },
            Activity = activity,
            TenantId = tenantId,
        }, answer => HasId(answer) && !string.IsNullOrEmpty(answer.ActivityId), cancellationToken);

    /// <summary>Every member across all pages (docs/protocol.md, "Connector REST operations"; team id as conversation id for a whole team).</summary>
    public async Task<ConnectorResult<IReadOnlyList<TeamsChannelAccount>>> GetAllMembersAsync(string serviceUrl, string conversationId, CancellationToken cancellationToken)
    {
        var members = new List<TeamsChannelAccount>();
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        string? continuationToken = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var path = $"v3/conversations/{Escape(conversationId)}/pagedmembers?pageSize={MembersPageSize.ToString(CultureInfo.InvariantCulture)}";
            if (continuationToken is not null)
            {
                path += $"&continuationToken={Escape(continuationToken)}";
            }

            var result = await SendAsync<PagedMembersResult>(HttpMethod.Get, serviceUrl, path, conversationId, null, IsMembersPage, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                return Convert<PagedMembersResult, IReadOnlyList<TeamsChannelAccount>>(result);
            }

            members.AddRange(result.Value!.Members!);
            continuationToken = result.Value.ContinuationToken;

            // Stop at the last page, and never loop on a token the service repeats.
            if (string.IsNullOrEmpty(continuationToken) || !seenTokens.Add(continuationToken))
            {
                return ConnectorResult<IReadOnlyList<TeamsChannelAccount>>.Success(members);
            }
        }

        return ConnectorResult<IReadOnlyList<TeamsChannelAccount>>.Success(members);
    }

    /// <summary>#7: one member (Teams user id, UPN or Entra object id).</summary>
    public Task<ConnectorResult<TeamsChannelAccount>> GetMemberAsync(string serviceUrl, string conversationId, string userId, CancellationToken cancellationToken) =>
        SendAsync<TeamsChannelAccount>(HttpMethod.Get, serviceUrl, $"v3/conversations/{Escape(conversationId)}/members/{Escape(userId)}", conversationId, null, m => !string.IsNullOrEmpty(m.Id), cancellationToken);

    /// <summary>#9: team details.</summary>
    public Task<ConnectorResult<TeamDetails>> GetTeamDetailsAsync(string serviceUrl, string teamId, CancellationToken cancellationToken) =>
        SendAsync<TeamDetails>(HttpMethod.Get, serviceUrl, $"v3/teams/{Escape(teamId)}", teamId, null, t => !string.IsNullOrEmpty(t.Id), cancellationToken);

    /// <summary>#10: the team's channels (General has a null name and the team's id).</summary>
    public async Task<ConnectorResult<IReadOnlyList<ChannelInfo>>> GetTeamChannelsAsync(string serviceUrl, string teamId, CancellationToken cancellationToken)
    {
        var result = await SendAsync<ConversationList>(HttpMethod.Get, serviceUrl, $"v3/teams/{Escape(teamId)}/conversations", teamId, null, l => l.Conversations is { } list && list.All(c => c is not null), cancellationToken).ConfigureAwait(false);
        return result.IsSuccess
            ? ConnectorResult<IReadOnlyList<ChannelInfo>>.Success(result.Value!.Conversations!, result.StatusCode ?? 200)
            : Convert<ConversationList, IReadOnlyList<ChannelInfo>>(result);
    }

    /// <summary>The request URL: serviceUrl (with or without a trailing slash) + <c>v3/…</c> (docs/protocol.md, "Trusted service URLs").</summary>
    internal static Uri? BuildUri(string serviceUrl, string relativePath)
    {
        if (!TrustedServiceUrls.TryParse(serviceUrl, out var baseUri))
        {
            return null;
        }

        var root = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(root + "/" + relativePath, UriKind.Absolute);
    }

    private static string Escape(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    /// <param name="isComplete">
    /// What a 2xx answer must hold for the call to be a success (an activity id, a members array); null when the
    /// caller needs nothing from it (PUT, DELETE). A 2xx without it is <see cref="ConnectorOutcome.Failed"/>: taking
    /// <c>{}</c> as an empty roster page would mark every member as having left.
    /// </param>
    private async Task<ConnectorResult<T>> SendAsync<T>(
        HttpMethod method, string serviceUrl, string relativePath, string? conversationId, object? body, Func<T, bool>? isComplete, CancellationToken cancellationToken)
    {
        var uri = BuildUri(serviceUrl, relativePath);
        if (uri is null)
        {
            return new ConnectorResult<T>(ConnectorOutcome.Rejected, ConnectorFailure.InvalidServiceUrl, default, null, null, "serviceUrl is not an absolute http(s) URL");
        }

        using var request = new HttpRequestMessage(method, uri);
        request.Options.Set(ConnectorRequestOptions.Priority, ConnectorTraffic.Current);
        if (conversationId is not null)
        {
            request.Options.Set(ConnectorRequestOptions.ConversationId, conversationId);
        }

        if (body is not null)
        {
            // Bytes, not a stream, so a retried attempt re-sends the same content.
            var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), ProtocolJson.Options));
            content.Headers.ContentType = JsonUtf8;
            request.Content = content;
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            // The network boundary of this client: a failed connection, a timeout or the caller giving up is an outcome,
            // not a crash. Whether it may have delivered depends on whether the last attempt was written and left
            // unanswered, not on how long the call waited in the limiter or between retries.
            LogTransportFailure(logger, method.Method, ex.GetType().Name);
            var failure = ex switch
            {
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => ConnectorFailure.ConnectionFailed,
                HttpRequestException => ConnectorFailure.Transport,
                OperationCanceledException when cancellationToken.IsCancellationRequested => ConnectorFailure.Cancelled,
                _ => ConnectorFailure.Timeout,
            };
            var unanswered = request.Options.TryGetValue(ConnectorRequestOptions.AwaitingAnswer, out var awaiting) && awaiting;
            return new ConnectorResult<T>(ConnectorOutcome.Failed, failure, default, null, null, null)
            {
                MayHaveBeenDelivered = unanswered && MayHaveDelivered(method, failure, null),
            };
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (RefusedResponse.TryGetReason(response, out var refusal))
            {
                var refusedOutcome = refusal switch
                {
                    ConnectorFailure.SharedBackoff => ConnectorOutcome.Throttled,
                    ConnectorFailure.UntrustedServiceUrl => ConnectorOutcome.Rejected,
                    _ => ConnectorOutcome.Failed,
                };
                LogRefused(logger, method.Method, refusal);
                return new ConnectorResult<T>(refusedOutcome, refusal, default, status, null, "refused before sending");
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return ReadAnswer(method, status, text, isComplete);
            }

            var (code, message) = ParseError(text);
            var outcome = Classify(response.StatusCode);
            var reason = response.StatusCode == HttpStatusCode.Unauthorized ? ConnectorFailure.Unauthorized : ConnectorFailure.ErrorStatus;
            var correlationId = response.Headers.TryGetValues("X-Correlating-OperationId", out var ids) ? ids.FirstOrDefault() : null;
            LogConnectorError(logger, method.Method, status, outcome, code, correlationId);
            return new ConnectorResult<T>(outcome, reason, default, status, code, message) { MayHaveBeenDelivered = MayHaveDelivered(method, reason, status) };
        }
    }

    private ConnectorResult<T> ReadAnswer<T>(HttpMethod method, int status, string text, Func<T, bool>? isComplete)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (isComplete is null)
            {
                return new ConnectorResult<T>(ConnectorOutcome.Success, ConnectorFailure.None, default, status, null, null);
            }

            LogUnreadableAnswer(logger, method.Method, status, ConnectorFailure.EmptyBody);
            return new ConnectorResult<T>(ConnectorOutcome.Failed, ConnectorFailure.EmptyBody, default, status, null, "the answer had no body")
            {
                MayHaveBeenDelivered = MayHaveDelivered(method, ConnectorFailure.EmptyBody, status),
            };
        }

        if (!TryDeserialize<T>(text, out var value) || value is null || (isComplete is not null && !isComplete(value)))
        {
            LogUnreadableAnswer(logger, method.Method, status, ConnectorFailure.MalformedBody);
            return new ConnectorResult<T>(ConnectorOutcome.Failed, ConnectorFailure.MalformedBody, default, status, null, "the answer was not the JSON this call needs")
            {
                MayHaveBeenDelivered = MayHaveDelivered(method, ConnectorFailure.MalformedBody, status),
            };
        }

        return ConnectorResult<T>.Success(value, status);
    }

    /// <summary>
    /// Whether a failed call may still have taken effect: only a POST (no idempotency key) whose request reached Teams
    /// and whose answer was lost or was a server error. A refusal before sending, a connection that never opened, a 429
    /// or a 4xx proves nothing was delivered.
    /// </summary>
    internal static bool MayHaveDelivered(HttpMethod method, ConnectorFailure failure, int? status) =>
        method == HttpMethod.Post && failure switch
        {
            ConnectorFailure.Transport or ConnectorFailure.Timeout or ConnectorFailure.Cancelled or ConnectorFailure.EmptyBody or ConnectorFailure.MalformedBody => true,
            ConnectorFailure.ErrorStatus => status is >= 500,
            _ => false,
        };

    /// <summary>docs/protocol.md, "Connector errors and retries": 403 means unreachable (never retried), 404 gone, 400/413 our fault, 5xx/401 failure.</summary>
    internal static ConnectorOutcome Classify(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Forbidden => ConnectorOutcome.Unreachable,
        HttpStatusCode.NotFound => ConnectorOutcome.NotFound,
        HttpStatusCode.TooManyRequests => ConnectorOutcome.Throttled,
        HttpStatusCode.Unauthorized or HttpStatusCode.RequestTimeout or HttpStatusCode.PreconditionFailed => ConnectorOutcome.Failed,
        >= HttpStatusCode.InternalServerError => ConnectorOutcome.Failed,
        _ => ConnectorOutcome.Rejected,
    };

    /// <summary>
    /// Reads <c>{"error":{"code","message"}}</c> or Teams' <c>{"errorCode":209,"message":"{\"subCode\":\"…\"}"}</c>;
    /// anything else becomes a truncated raw message.
    /// </summary>
    internal static (string? Code, string? Message) ParseError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        if (!TryParse(body, out var document))
        {
            return (null, Truncate(body));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, Truncate(body));
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return (GetString(error, "code"), Truncate(GetString(error, "message")));
            }

            var message = GetString(root, "message");
            string? code = null;
            if (message is not null && message.TrimStart().StartsWith('{') && TryParse(message, out var inner))
            {
                using (inner)
                {
                    code = inner.RootElement.ValueKind == JsonValueKind.Object ? GetString(inner.RootElement, "subCode") ?? GetString(inner.RootElement, "code") : null;
                }
            }

            if (code is null && root.TryGetProperty("errorCode", out var errorCode))
            {
                code = errorCode.ValueKind == JsonValueKind.String ? errorCode.GetString() : errorCode.GetRawText();
            }

            code ??= GetString(root, "code");
            return (code, Truncate(message));
        }
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static string? Truncate(string? value) => value is null || value.Length <= MaxErrorMessageLength ? value : value[..MaxErrorMessageLength];

    // Bodies come from the network: malformed JSON is an expected outcome here, so it is caught where it is parsed.
    private static bool TryParse(string json, out JsonDocument document)
    {
        try
        {
            document = JsonDocument.Parse(json);
            return true;
        }
        catch (JsonException)
        {
            document = null!;
            return false;
        }
    }

    private static bool TryDeserialize<T>(string json, out T? value)
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(json, ProtocolJson.Options);
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }

    private static ConnectorResult<TOut> Convert<TIn, TOut>(ConnectorResult<TIn> result) =>
        new(result.Outcome, result.Failure, default, result.StatusCode, result.ErrorCode, result.ErrorMessage);

    private static bool HasId(ResourceResponse answer) => !string.IsNullOrEmpty(answer.Id);

    private static bool HasId(ConversationResourceResponse answer) => !string.IsNullOrEmpty(answer.Id);

    // A genuine empty page is {"members":[]}; {} or a null entry is not a page at all.
    private static bool IsMembersPage(PagedMembersResult page) => page.Members is { } members && members.All(m => m is not null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Method} failed with {StatusCode} ({Outcome}, code {ErrorCode}, X-Correlating-OperationId {CorrelationId})")]
    private static partial void LogConnectorError(ILogger logger, string method, int statusCode, ConnectorOutcome outcome, string? errorCode, string? correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Method} answered {StatusCode} with a body this call cannot use ({Failure})")]
    private static partial void LogUnreadableAnswer(ILogger logger, string method, int statusCode, ConnectorFailure failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Method} not sent: {Failure}")]
    private static partial void LogRefused(ILogger logger, string method, ConnectorFailure failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Method} failed before a response: {ErrorType}")]
    private static partial void LogTransportFailure(ILogger logger, string method, string errorType);
}
