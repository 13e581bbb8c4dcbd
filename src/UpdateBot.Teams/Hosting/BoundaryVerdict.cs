namespace UpdateBot.Teams.Hosting;

/// <summary>The boundary's decision and, when it refuses, why (field names only, never values: they may be hostile).</summary>
internal sealed record BoundaryVerdict(BoundaryOutcome Outcome, string? Reason)
{
    public static BoundaryVerdict Admitted { get; } = new(BoundaryOutcome.Admitted, null);

    public static BoundaryVerdict Forbid(string reason) => new(BoundaryOutcome.Forbidden, reason);

    public static BoundaryVerdict Reject(string reason) => new(BoundaryOutcome.Malformed, reason);
}
