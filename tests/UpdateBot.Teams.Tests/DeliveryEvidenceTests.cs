using System.Net;
using UpdateBot.Teams.Connector;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

/// <summary>
/// A failed POST says whether it may have been delivered from what happened on the wire, not from how the call ended:
/// only a request that was written and left unanswered (or answered 5xx) may have arrived (issue 8).
/// </summary>
public sealed class DeliveryEvidenceTests
{
    private const string ServiceUrl = TestConstants.ServiceUrl;
    private static readonly Activity Message = Activity.CreateMessage("hello");

    [Fact]
    public async Task A_post_cancelled_while_it_waits_for_the_shared_pause_was_never_written()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created());
        rig.Limits.PauseUntil(rig.Time.GetUtcNow() + TimeSpan.FromSeconds(20));
        using var stop = new CancellationTokenSource();

        var sending = rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, stop.Token);
        await stop.CancelAsync();
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ConnectorFailure.Cancelled, result.Failure);
        Assert.False(result.MayHaveBeenDelivered);
        Assert.Equal(0, rig.Connector.Count);
    }

    [Fact]
    public async Task A_post_cancelled_after_it_was_written_may_have_been_delivered()
    {
        using var stop = new CancellationTokenSource();
        using var rig = new ConnectorRig((_, _) =>
        {
            // Teams has the request; the service stops before the answer comes back.
            stop.Cancel();
            throw new OperationCanceledException(stop.Token);
        });

        var result = await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, stop.Token).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ConnectorFailure.Cancelled, result.Failure);
        Assert.True(result.MayHaveBeenDelivered);
        Assert.Equal(1, rig.Connector.Count);
    }

    [Fact]
    public async Task A_post_that_only_ever_got_429s_until_the_time_limit_was_not_delivered()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Throttled("25"));

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.False(result.IsSuccess);
        Assert.False(result.MayHaveBeenDelivered);
        Assert.True(rig.Connector.Count > 1);
    }

    [Fact]
    public async Task A_post_whose_connection_never_opened_was_not_delivered()
    {
        using var rig = new ConnectorRig((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"), ConnectorRig.With("Bot:Connector:MaxRetryAttempts", "0"));

        var result = await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None);

        Assert.Equal(ConnectorFailure.ConnectionFailed, result.Failure);
        Assert.False(result.MayHaveBeenDelivered);
    }

    [Fact]
    public async Task A_post_whose_connection_broke_after_writing_may_have_been_delivered()
    {
        using var rig = new ConnectorRig((_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "reset"));

        var result = await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None);

        Assert.Equal(ConnectorFailure.Transport, result.Failure);
        Assert.True(result.MayHaveBeenDelivered);
        Assert.Equal(1, rig.Connector.Count);
    }
}
