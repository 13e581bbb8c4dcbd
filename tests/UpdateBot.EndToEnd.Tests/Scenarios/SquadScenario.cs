using System.Text.Json;
using System.Text.Json.Nodes;
using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;

namespace UpdateBot.EndToEnd.Tests.Scenarios;

/// <summary>
/// The steps a real squad goes through, driven through the Playground exactly as a person would: install in the team,
/// fill in the setup card, send prompts, answer the prompt card. Shared by the weekly-loop and digest tests.
/// </summary>
public sealed class SquadScenario(EndToEndFixture fixture)
{
    public const string SquadName = "Payments Squad";

    public PlaygroundDriver Driver => fixture.Driver;

    public PlaygroundConfig Config { get; private set; } = null!;

    public string SquadId => Config.Team.Id;

    /// <summary>Team install → welcome → setup card saved by the installer (the lead).</summary>
    /// <param name="change">Changes the lead makes on the setup card besides the name, zone and sections (e.g. Publish openly).</param>
    public async Task SetUpSquadAsync(Action<JsonObject>? change = null)
    {
        Config = await Driver.GetConfigAsync();
        var after = Driver.MessagePosition;
        await Driver.InstallPersonalAsync();
        await Driver.InstallInTeamAsync();
        await Driver.WaitForCardAsync(BotCards.WelcomeTitle, Config.Team.Id, after: after, expectation: "the welcome card in the team channel");
        var (setupMessage, setupCard) = await Driver.WaitForCardAsync(BotCards.SetupTitle, Config.Team.Id, after: after, expectation: "the setup card in the team channel");

        var data = ActionData(setupCard, "setup.save");
        data["name"] = SquadName;
        data["timeZone"] = "Europe/London";
        data["sections"] = "Highlights\nDiscovery and delivery\nPeople we met";
        data["autoPublish"] = "false";
        change?.Invoke(data);
        // Every other input keeps the value the card offered (as Teams merges inputs into the action's data).
        foreach (var input in Inputs(setupCard).Where(i => !data.ContainsKey(i.Id)))
        {
            data[input.Id] = input.Value;
        }

        // The leads picker offers the team's members (the roster is read when the app is added).
        var leadChoices = setupCard.ToString();
        foreach (var user in Config.Users)
        {
            Assert.Contains(user.Id, leadChoices, StringComparison.Ordinal);
        }

        Assert.Equal(Config.CurrentUser.Id, data["leads"]!.GetValue<string>());

        var response = await Driver.ExecuteAsync(setupMessage.ThreadConversationId, setupMessage.MessageId!, "setup.save", data);
        AssertCardResponse(response, BotCards.SetupSavedTitle, "saving the setup card");
    }

    /// <summary>The lead says "prompt now" 1:1; returns the prompt card the lead (current user) receives.</summary>
    public async Task<(PlaygroundMessage Message, JsonElement Card)> PromptNowAsync()
    {
        var after = Driver.MessagePosition;
        await Driver.SendPersonalMessageAsync("prompt now");
        var prompt = await Driver.WaitForCardAsync(SquadName + BotCards.PromptTitleSuffix, Config.PersonalChatId, after: after, expectation: "the prompt card in the lead's 1:1 chat");
        await Driver.WaitForMessageAsync(m => m.ChannelOrChatId == Config.PersonalChatId && (m.Text ?? "").Contains("Prompts for", StringComparison.Ordinal), after: after, expectation: "the prompt-now report");
        return prompt;
    }

    /// <summary>Submits answers on the prompt card through Action.Execute, with the card's own data (squad, week).</summary>
    public async Task<JsonElement> AnswerAsync(PlaygroundMessage promptMessage, JsonElement promptCard, IReadOnlyDictionary<string, string> answersBySectionTitle)
    {
        var data = ActionData(promptCard, "prompt.submit");
        var inputs = Inputs(promptCard);
        foreach (var (title, text) in answersBySectionTitle)
        {
            var input = inputs.FirstOrDefault(i => string.Equals(i.Label, title, StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"The prompt card has no section \"{title}\". Inputs: {string.Join(", ", inputs.Select(i => i.Label))}");
            data[input.Id] = text;
        }

        return await Driver.ExecuteAsync(promptMessage.ThreadConversationId, promptMessage.MessageId!, "prompt.submit", data);
    }

    public void AssertCardResponse(JsonElement response, string expectedTitle, string what)
    {
        Assert.True(response.ValueKind == JsonValueKind.Object, $"{what}: expected an invoke response body, got {response.ValueKind}.{fixture.Diagnostics()}");
        // The Playground relays the envelope's type and value; a missing statusCode means 200 (docs/protocol.md, "Universal Actions").
        if (response.TryGetProperty("statusCode", out var status))
        {
            Assert.Equal(200, status.GetInt32());
        }

        Assert.Equal("application/vnd.microsoft.card.adaptive", response.GetProperty("type").GetString());
        var card = response.GetProperty("value");
        Assert.True(CardText.HasTitle(card, expectedTitle), $"{what}: expected a card titled \"{expectedTitle}\", got \"{CardText.Title(card)}\": {CardText.AllText(card)}{fixture.Diagnostics()}");
    }

    /// <summary>The data of the first action with this verb anywhere in the card (inputs are merged in by the caller, as Teams does).</summary>
    public static JsonObject ActionData(JsonElement card, string verb)
    {
        var action = FindActions(card).FirstOrDefault(a => a.TryGetProperty("verb", out var v) && v.GetString() == verb);
        if (action.ValueKind != JsonValueKind.Object)
        {
            throw new Xunit.Sdk.XunitException($"No action with verb {verb} in card: {card}");
        }

        return JsonNode.Parse(action.GetProperty("data").GetRawText())!.AsObject();
    }

    /// <summary>Every action with this verb (e.g. one Hide per item).</summary>
    public static IReadOnlyList<JsonObject> AllActionData(JsonElement card, string verb) =>
        FindActions(card).Where(a => a.TryGetProperty("verb", out var v) && v.GetString() == verb)
            .Select(a => JsonNode.Parse(a.GetProperty("data").GetRawText())!.AsObject()).ToList();

    public sealed record CardInput(string Id, string? Label, string? Value);

    public static IReadOnlyList<CardInput> Inputs(JsonElement element)
    {
        var found = new List<CardInput>();
        Walk(element, e =>
        {
            if (e.TryGetProperty("type", out var t) && t.GetString() is { } type && type.StartsWith("Input.", StringComparison.Ordinal))
            {
                found.Add(new CardInput(
                    e.GetProperty("id").GetString()!,
                    e.TryGetProperty("label", out var l) ? l.GetString() : null,
                    e.TryGetProperty("value", out var v) ? v.GetString() : null));
            }
        });
        return found;
    }

    private static IEnumerable<JsonElement> FindActions(JsonElement card)
    {
        var found = new List<JsonElement>();
        Walk(card, e =>
        {
            if (e.TryGetProperty("type", out var t) && t.GetString() == "Action.Execute" && e.TryGetProperty("verb", out _))
            {
                found.Add(e);
            }
        });
        return found;
    }

    private static void Walk(JsonElement element, Action<JsonElement> visit)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                visit(element);
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is not ("data" or "refresh" or "fallback"))
                    {
                        Walk(property.Value, visit);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, visit);
                }

                break;
        }
    }
}
