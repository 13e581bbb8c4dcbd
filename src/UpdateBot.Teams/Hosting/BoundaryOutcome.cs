namespace UpdateBot.Teams.Hosting;

/// <summary>What the boundary decided about one authenticated activity.</summary>
internal enum BoundaryOutcome
{
    /// <summary>A Teams activity for our tenant, in a shape the service can use: hand it to the handler.</summary>
    Admitted,

    /// <summary>Not Teams, or not our tenant: 403, nothing processed.</summary>
    Forbidden,

    /// <summary>Teams for our tenant, but a field the service relies on is missing or malformed: 400, nothing processed.</summary>
    Malformed,
}
