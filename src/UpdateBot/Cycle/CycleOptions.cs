using System.ComponentModel.DataAnnotations;

namespace UpdateBot.Cycle;

/// <summary>The weekly cycle's clockwork.</summary>
public sealed class CycleOptions : IValidatableObject
{
    public const string Section = "Cycle";

    /// <summary>Run the schedule in this instance. Tests and tools switch it off and drive steps directly.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often due steps are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A step that fell due while the service was down still runs if it is at most this old. At least one tick
    /// interval, or a step could fall due between two ticks and never run.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long this instance holds the cycle lease; renewed every tick.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(3);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CatchUpWindow < TickInterval)
        {
            yield return new ValidationResult(
                $"Cycle:CatchUpWindow ({CatchUpWindow}) must be at least Cycle:TickInterval ({TickInterval}): a shorter window lets steps fall due between two ticks and never run.",
                [nameof(CatchUpWindow), nameof(TickInterval)]);
        }
    }
}
