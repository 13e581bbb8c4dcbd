using System.Net;
using Azure.Core;
using Azure.Identity;
using UpdateBot.Teams.Connector;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

/// <summary>A credential that fails the way Azure.Identity does, counting its calls.</summary>
internal sealed class FailingCredential(Exception failure) : TokenCredential
{
    public int Calls;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        return ValueTask.FromException<AccessToken>(failure);
    }
}

/// <summary>
/// The outbound half of the hardened protocol boundary (issue 9, build point 4): capped Retry-After, no blind POST
/// retries, one token refresh after a 401, and every failure, including an unusable 2xx answer, an outcome with a reason.
/// </summary>
public sealed class ConnectorBoundaryTests
{
    private const string ServiceUrl = TestConstants.ServiceUrl;
    private const string Team = "19:team@thread.tacv2";
    private static readonly Activity Message = Activity.CreateMessage("hello");

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task A_post_answered_with_a_5xx_is_sent_once_because_it_may_have_been_delivered(HttpStatusCode status)
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1 ? new HttpResponseMessage(status) : ConnectorRig.Created());

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.Equal(ConnectorOutcome.Failed, result.Outcome);
        Assert.Equal(ConnectorFailure.ErrorStatus, result.Failure);
        Assert.Equal((int)status, result.StatusCode);
        Assert.Equal(1, rig.Connector.Count);
    }

    [Fact]
    public async Task A_channel_post_answered_502_is_sent_once()
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1
            ? new HttpResponseMessage(HttpStatusCode.BadGateway)
            : FakeConnector.Json(HttpStatusCode.Created, """{"id":"19:c@thread.tacv2;messageid=7","activityId":"7"}"""));

        var result = await rig.Time.DriveAsync(rig.Client.CreateChannelPostAsync(ServiceUrl, "tid", "19:c@thread.tacv2", Message, CancellationToken.None));

        Assert.False(result.IsSuccess);
        Assert.Equal(1, rig.Connector.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task A_put_answered_502_or_503_is_retried(HttpStatusCode status)
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1 ? new HttpResponseMessage(status) : FakeConnector.Json(HttpStatusCode.OK, """{"id":"9"}"""));

        var result = await rig.Time.DriveAsync(rig.Client.UpdateActivityAsync(ServiceUrl, "a:1", "9", Message, CancellationToken.None));

        Assert.True(result.IsSuccess);
        Assert.Equal(2, rig.Connector.Count);
        Assert.All(rig.Connector.Requests, r => Assert.Equal(HttpMethod.Put, r.Method));
    }

    [Fact]
    public async Task A_members_read_answered_503_is_retried()
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            : FakeConnector.Json(HttpStatusCode.OK, """{"members":[{"id":"29:a"}]}"""));

        var result = await rig.Time.DriveAsync(rig.Client.GetAllMembersAsync(ServiceUrl, Team, CancellationToken.None));

        Assert.True(result.IsSuccess);
        Assert.Equal(2, rig.Connector.Count);
    }

    [Theory]
    [InlineData("3600")]
    [InlineData("Mon, 02 Mar 2026 10:00:00 GMT")] // an hour after the fake clock's start
    public async Task A_retry_after_beyond_the_cap_ends_the_call_throttled_at_once_and_pauses_everyone_for_the_cap_only(string retryAfter)
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Throttled(retryAfter));
        var start = rig.Time.GetUtcNow();

        // Not driven: a call that waited on the clock would never finish.
        var result = await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ConnectorOutcome.Throttled, result.Outcome);
        Assert.Equal(1, rig.Connector.Count);
        Assert.Equal(start.AddSeconds(60), rig.Limits.PausedUntil);
    }

    [Fact]
    public async Task The_cap_on_the_shared_pause_is_configurable()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Throttled("3600"), ConnectorRig.With("Bot:Connector:MaxRetryAfter", "00:05:00"));
        var start = rig.Time.GetUtcNow();

        var result = await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ConnectorOutcome.Throttled, result.Outcome);
        Assert.Equal(start.AddMinutes(5), rig.Limits.PausedUntil);
    }

    [Fact]
    public async Task After_the_capped_pause_other_senders_go_again()
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1 ? ConnectorRig.Throttled("3600") : ConnectorRig.Created());

        await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        rig.Time.Advance(TimeSpan.FromSeconds(60));
        var later = await rig.Client.SendToConversationAsync(ServiceUrl, "a:2", Message, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(later.IsSuccess);
        Assert.Equal(2, rig.Connector.Count);
    }

    [Fact]
    public async Task A_401_forgets_the_token_and_retries_once_with_a_fresh_one()
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1 ? new HttpResponseMessage(HttpStatusCode.Unauthorized) : ConnectorRig.Created("42"));

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.True(result.IsSuccess);
        Assert.Equal("42", result.Value!.Id);
        Assert.Equal(["Bearer tok-1", "Bearer tok-2"], rig.Connector.Requests.Select(r => r.Authorization));
        Assert.Equal(2, rig.Credential.Calls);
    }

    [Fact]
    public async Task A_second_401_is_a_failure_after_exactly_two_requests()
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.Unauthorized, """{"message":"Authorization has been denied for this request."}"""));

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.Equal(ConnectorOutcome.Failed, result.Outcome);
        Assert.Equal(ConnectorFailure.Unauthorized, result.Failure);
        Assert.Equal(401, result.StatusCode);
        Assert.Equal(2, rig.Connector.Count);
        Assert.Equal(2, rig.Credential.Calls);
    }

    [Fact]
    public async Task The_retry_after_a_401_happens_even_with_retries_turned_off()
    {
        using var rig = new ConnectorRig(
            (_, attempt) => attempt == 1 ? new HttpResponseMessage(HttpStatusCode.Unauthorized) : ConnectorRig.Created(),
            ConnectorRig.With("Bot:Connector:MaxRetryAttempts", "0"));

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.True(result.IsSuccess);
        Assert.Equal(2, rig.Connector.Count);
    }

    [Theory]
    [InlineData("AuthenticationFailed")]
    [InlineData("CredentialUnavailable")]
    [InlineData("TimedOut")]
    public async Task A_token_that_cannot_be_acquired_is_a_failure_and_nothing_is_sent(string kind)
    {
        Exception failure = kind switch
        {
            "AuthenticationFailed" => new AuthenticationFailedException("AADSTS7000215: Invalid client secret provided."),
            "CredentialUnavailable" => new CredentialUnavailableException("ManagedIdentityCredential authentication unavailable."),
            _ => new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout."),
        };
        var credential = new FailingCredential(failure);
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created(), credential: credential);

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.Equal(ConnectorOutcome.Failed, result.Outcome);
        Assert.Equal(ConnectorFailure.TokenUnavailable, result.Failure);
        Assert.Equal(0, rig.Connector.Count);
        Assert.Equal(1, credential.Calls);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"id":""}""")]
    [InlineData("null")]
    [InlineData("not json")]
    public async Task A_send_answered_2xx_without_an_activity_id_is_a_failure_and_not_resent(string body)
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.Created, body));

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.Equal(ConnectorOutcome.Failed, result.Outcome);
        Assert.Equal(body.Length == 0 ? ConnectorFailure.EmptyBody : ConnectorFailure.MalformedBody, result.Failure);
        Assert.Equal(201, result.StatusCode);
        Assert.Equal(1, rig.Connector.Count);
    }

    [Fact]
    public async Task A_created_answer_with_no_content_at_all_is_a_failure()
    {
        using var rig = new ConnectorRig((_, _) => new HttpResponseMessage(HttpStatusCode.Created));

        var result = await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Failed, result.Outcome);
        Assert.Equal(ConnectorFailure.EmptyBody, result.Failure);
    }

    [Fact]
    public async Task A_channel_post_answered_without_its_activity_id_is_a_failure()
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.Created, """{"id":"19:c@thread.tacv2;messageid=7"}"""));

        var result = await rig.Client.CreateChannelPostAsync(ServiceUrl, "tid", "19:c@thread.tacv2", Message, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Failed, result.Outcome);
        Assert.Equal(ConnectorFailure.MalformedBody, result.Failure);
    }

    [Theory]
    [InlineData("{}", ConnectorFailure.MalformedBody)]
    [InlineData("", ConnectorFailure.EmptyBody)]
    [InlineData("not json", ConnectorFailure.MalformedBody)]
    [InlineData("""{"members":null}""", ConnectorFailure.MalformedBody)]
    [InlineData("""{"members":[null]}""", ConnectorFailure.MalformedBody)]
    [InlineData("""{"members":{"id":"29:a"}}""", ConnectorFailure.MalformedBody)]
    public async Task A_members_page_that_is_not_a_page_fails_the_roster_instead_of_emptying_it(string body, ConnectorFailure failure)
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.OK, body));

        var result = await rig.Client.GetAllMembersAsync(ServiceUrl, Team, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Failed, result.Outcome);
        Assert.Equal(failure, result.Failure);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task A_later_page_that_is_not_a_page_fails_the_whole_roster()
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1
            ? FakeConnector.Json(HttpStatusCode.OK, """{"continuationToken":"t","members":[{"id":"29:a"}]}""")
            : FakeConnector.Json(HttpStatusCode.OK, "{}"));

        var result = await rig.Client.GetAllMembersAsync(ServiceUrl, Team, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Failed, result.Outcome);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task A_genuinely_empty_members_page_is_an_empty_roster()
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.OK, """{"members":[]}"""));

        var result = await rig.Client.GetAllMembersAsync(ServiceUrl, Team, CancellationToken.None);

        Assert.True(result.IsSuccess);
        Assert.Empty(result.Value!);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("")]
    public async Task A_channel_list_or_team_without_its_fields_is_a_failure(string body)
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.OK, body));

        var channels = await rig.Client.GetTeamChannelsAsync(ServiceUrl, Team, CancellationToken.None);
        var details = await rig.Client.GetTeamDetailsAsync(ServiceUrl, Team, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Failed, channels.Outcome);
        Assert.Equal(ConnectorOutcome.Failed, details.Outcome);
    }

    [Fact]
    public async Task An_update_or_delete_answered_with_no_body_succeeds()
    {
        // Nothing in these answers is needed: the activity id is the one the caller sent.
        using var rig = new ConnectorRig((_, _) => new HttpResponseMessage(HttpStatusCode.OK));

        var updated = await rig.Client.UpdateActivityAsync(ServiceUrl, "a:1", "9", Message, CancellationToken.None);
        var deleted = await rig.Client.DeleteActivityAsync(ServiceUrl, "a:1", "9", CancellationToken.None);

        Assert.True(updated.IsSuccess);
        Assert.True(deleted.IsSuccess);
    }
}
