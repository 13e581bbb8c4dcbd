using System.Text.Json;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Cards;

/// <summary>The verbs our cards send back. One place, so handlers and cards cannot drift apart.</summary>
public static class Verbs
{
    public const string SetupSave = "setup.save";
    public const string PromptSubmit = "prompt.submit";
    public const string PromptQuiet = "prompt.quiet";
    public const string PromptAway = "prompt.away";
    public const string PromptEdit = "prompt.edit";
    public const string PromptRefresh = "prompt.refresh";
    public const string CaptureMove = "capture.move";
    public const string CaptureUndo = "capture.undo";
    public const string DigestHide = "digest.hide";
    public const string DigestRestore = "digest.restore";
    public const string DigestWithhold = "digest.withhold";
    public const string DigestRelease = "digest.release";
    public const string DigestResolve = "digest.resolve";
    public const string DigestReopen = "digest.reopen";
    public const string DigestEdit = "digest.edit";
    public const string DigestIntro = "digest.intro";
    public const string DigestMoveUp = "digest.up";
    public const string DigestMoveDown = "digest.down";
    public const string DigestPublish = "digest.publish";
    public const string DigestRefresh = "digest.refresh";
    public const string SquadChoose = "squad.choose";
    public const string DigestAsk = "digest.ask";
    public const string QuestionAnswer = "question.answer";
}

/// <summary>Small builders shared by the cards.</summary>
internal static class CardParts
{
    public static TextBlock Title(string text) => new(text) { Size = FontSize.Large, Weight = FontWeight.Bolder, Style = TextBlockStyle.Heading };

    public static TextBlock Heading(string text) => new(text) { Size = FontSize.Medium, Weight = FontWeight.Bolder, Spacing = Spacing.Medium };

    public static TextBlock Subtle(string text) => new(text) { IsSubtle = true, Spacing = Spacing.Small };

    public static TextBlock Paragraph(string text) => new(text);

    public static TextBlock Error(string text) => new(text) { Color = TextColor.Attention, Weight = FontWeight.Bolder };

    /// <summary>
    /// A Universal Action with an <c>Action.Submit</c> fallback carrying the same verb and data, for clients without
    /// Action.Execute (docs/protocol.md, "Universal Actions"). Place it in an <see cref="ActionSet"/>.
    /// </summary>
    public static ExecuteAction Action<TData>(string title, string verb, TData data)
        where TData : ICardActionData
    {
        var element = CardDataJson.ToElement(data);
        var withVerb = JsonSerializer.SerializeToElement(MergeVerb(element, verb), CardDataJson.Options);
        return new ExecuteAction(verb)
        {
            Title = title,
            Data = element,
            Fallback = new SubmitAction { Title = title, Data = withVerb },
        };
    }

    public static ActionSet Actions(params CardAction[] actions) => new(actions) { Spacing = Spacing.Medium };

    private static Dictionary<string, JsonElement> MergeVerb(JsonElement data, string verb)
    {
        var merged = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["verb"] = JsonSerializer.SerializeToElement(verb) };
        if (data.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in data.EnumerateObject())
            {
                merged[property.Name] = property.Value;
            }
        }

        return merged;
    }
}
