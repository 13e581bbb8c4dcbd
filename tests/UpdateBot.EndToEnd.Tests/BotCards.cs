namespace UpdateBot.EndToEnd.Tests;

/// <summary>
/// How the tests recognise the bot's cards: every card has one of these in its first TextBlock or its
/// fallbackText. Change them here if the service's wording changes.
/// </summary>
public static class BotCards
{
    public const string WelcomeTitle = "Welcome to UpdateBot";

    public const string HelpTitle = "UpdateBot help";

    /// <summary>Commands the help card must mention.</summary>
    public static readonly IReadOnlyList<string> HelpCommands = ["my update", "quiet", "away until", "stop", "status", "prompt now"];

    public const string SetupTitle = "Set up your squad's weekly update";

    public const string SetupSavedTitle = "Weekly update is set up";

    public const string PromptTitleSuffix = ": your weekly update";

    public const string AnsweredTitle = "Thanks — your update is in";

    public const string StatusTitle = "this week's status";

    public const string ReviewTitle = "Draft for review";
}
