namespace UpdateBot.Turns;

/// <summary>The kinds of conversation a card verb may come from (and so where its result may be written).</summary>
[Flags]
public enum CardConversations
{
    None = 0,

    /// <summary>The sender's own 1:1 chat with the bot.</summary>
    Personal = 1,

    /// <summary>A channel of the squad's team (a shared card everyone there sees).</summary>
    Channel = 2,
}
