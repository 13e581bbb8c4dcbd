using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Turns;

/// <summary>The facts of one inbound activity that the handlers need, read once.</summary>
public sealed record Turn(Activity Activity)
{
    /// <summary>
    /// The language to answer in: the sender's choice or their Teams locale's, set once the sender's 1:1 reference is
    /// read (<c>BotActivityHandler</c>); until then (and in a channel) the activity's own locale's.
    /// </summary>
    public Language Language { get; init; } = Languages.Choose(null, Languages.FromLocale(Activity.Locale));

    /// <summary>The strings of <see cref="Language"/>.</summary>
    public Texts Texts => Texts.For(Language);

    public string UserId => Activity.From?.Id ?? "";

    public string UserName => string.IsNullOrWhiteSpace(Activity.From?.Name) ? "A squad member" : Activity.From!.Name!;

    public string ServiceUrl => Activity.ServiceUrl ?? "";

    public string ConversationId => Activity.Conversation?.Id ?? "";

    public string TenantId => Activity.TenantId ?? "";

    public string BotId => Activity.Recipient?.Id ?? "";

    public bool IsPersonal => Activity.Conversation?.ConversationType is ConversationTypes.Personal or null && Activity.ChannelData?.Team is null;

    /// <summary>The team this happened in, if any (channel messages and team events carry it in channelData).</summary>
    public string? TeamId => Activity.ChannelData?.Team?.Id;

    /// <summary>The channel, without a thread's <c>;messageid=</c> suffix (docs/protocol.md, "Conversation types and ids").</summary>
    public string? ChannelId
    {
        get
        {
            if (Activity.Conversation?.ConversationType != ConversationTypes.Channel)
            {
                return Activity.ChannelData?.Channel?.Id;
            }

            var id = ConversationId;
            var cut = id.IndexOf(";messageid=", StringComparison.Ordinal);
            return cut < 0 ? id : id[..cut];
        }
    }
}
