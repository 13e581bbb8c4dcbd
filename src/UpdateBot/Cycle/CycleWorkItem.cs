using System.Text.Json;
using UpdateBot.Domain;

namespace UpdateBot.Cycle;

/// <summary>
/// One work item on the work queue: run this step of this squad-week. One message per step, not per member: the step
/// re-reads the roster and the per-member send intents, so a second run (a reappearing or duplicate message) resumes
/// exactly where the first stopped and never sends twice.
/// </summary>
public sealed record CycleWorkItem(string SquadId, IsoWeek Week, CycleStep Step)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(new Wire(SquadId, Week.ToString(), Step.ToString()), Json);

    /// <summary>Reads a message body back; false for anything that is not a work item this version understands.</summary>
    public static bool TryParse(string? text, out CycleWorkItem item)
    {
        item = null!;
        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize<Wire>(text ?? "", Json);
        }
        catch (JsonException)
        {
            return false;
        }

        if (wire is not { SquadId: { Length: > 0 } squad } || !IsoWeek.TryParse(wire.Week, out var week) || !Enum.TryParse<CycleStep>(wire.Step, ignoreCase: false, out var step) || !Enum.IsDefined(step))
        {
            return false;
        }

        item = new CycleWorkItem(squad, week, step);
        return true;
    }

    public override string ToString() => $"{SquadId} {Week} {Step}";

    private sealed record Wire(string? SquadId, string? Week, string? Step);
}
