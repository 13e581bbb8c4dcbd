using System.ComponentModel.DataAnnotations;

namespace UpdateBot.Turns;

/// <summary>Section <c>Turns</c>: how long a card action may take before it answers.</summary>
public sealed class TurnOptions
{
    public const string Section = "Turns";

    /// <summary>
    /// A card action answers within this time whatever else is happening; slower work (a channel post waiting behind
    /// Teams' limits) carries on and the card says so. Teams gives up on an invoke after about 10–15 s
    /// (docs/protocol.md, "Time budget").
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:00:10")]
    public TimeSpan InvokeDeadline { get; set; } = TimeSpan.FromSeconds(5);
}
