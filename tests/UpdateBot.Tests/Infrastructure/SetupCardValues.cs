using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Domain;

namespace UpdateBot.Tests.Infrastructure;

/// <summary>What a lead's Save on a filled-in setup card sends for <see cref="TestSquad.TeamId"/>.</summary>
public static class SetupCardValues
{
    /// <param name="version">The settings version the card was built from (a card today always carries it).</param>
    public static JsonObject Filled(int version = 0, string timeZone = "America/New_York", string remindTime = "10:00", string sections = "Highlights\nBlockers and asks", string name = "Platform squad") => new()
    {
        ["squadId"] = TestSquad.TeamId,
        ["version"] = version,
        ["week"] = "",
        [SetupCards.Inputs.Name] = name,
        [SetupCards.Inputs.TimeZone] = timeZone,
        [SetupCards.Inputs.Day(CycleStep.Open)] = "Thursday",
        [SetupCards.Inputs.Time(CycleStep.Open)] = "10:00",
        [SetupCards.Inputs.Day(CycleStep.Remind)] = "Friday",
        [SetupCards.Inputs.Time(CycleStep.Remind)] = remindTime,
        [SetupCards.Inputs.Day(CycleStep.Compile)] = "Friday",
        [SetupCards.Inputs.Time(CycleStep.Compile)] = "14:00",
        [SetupCards.Inputs.Day(CycleStep.Publish)] = "Friday",
        [SetupCards.Inputs.Time(CycleStep.Publish)] = "16:00",
        [SetupCards.Inputs.Sections] = sections,
        [SetupCards.Inputs.AutoPublish] = "true",
    };
}
