using System.Text.Json;
using System.Text.Json.Serialization;

namespace UpdateBot.Teams.Cards;

// A small, typed subset of the Adaptive Card 1.5 schema (docs/protocol.md, "Adaptive Cards in Teams"): just the elements the bot sends.
// Property names and enum values follow the official schema; nulls are never written.

public sealed record AdaptiveCard
{
    public const string SchemaUrl = "http://adaptivecards.io/schemas/adaptive-card.json";

    [JsonPropertyName("type")] public string Type => "AdaptiveCard";
    [JsonPropertyName("$schema")] public string Schema => SchemaUrl;

    /// <summary>1.5 is what Teams renders for bot cards and what Universal Actions need (docs/protocol.md, "Card version").</summary>
    public string Version { get; init; } = "1.5";

    public string? FallbackText { get; init; }
    public string? Speak { get; init; }
    public Refresh? Refresh { get; init; }
    public IReadOnlyList<CardElement> Body { get; init; } = [];
    public IReadOnlyList<CardAction>? Actions { get; init; }

    /// <summary>Teams-only card root extras (width, mention entities) — docs/protocol.md, "Card mentions and width".</summary>
    [JsonPropertyName("msteams")] public TeamsCardProperties? MsTeams { get; init; }
}

public sealed record Refresh
{
    /// <summary>
    /// An <see cref="ExecuteAction"/>. Declared as the base type so the serializer writes its <c>type</c>
    /// discriminator (System.Text.Json only does for polymorphic declared types).
    /// </summary>
    public required CardAction Action { get; init; }
    public IReadOnlyList<string>? UserIds { get; init; }
}

public sealed record TeamsCardProperties
{
    /// <summary>"Full" for a full-width card.</summary>
    public string? Width { get; init; }
    public IReadOnlyList<CardMention>? Entities { get; init; }
}

public sealed record CardMention
{
    public string Type => "mention";
    public required string Text { get; init; }
    public required MentionedAccount Mentioned { get; init; }
}

public sealed record MentionedAccount(string Id, string Name);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextBlock), "TextBlock")]
[JsonDerivedType(typeof(RichTextBlock), "RichTextBlock")]
[JsonDerivedType(typeof(Container), "Container")]
[JsonDerivedType(typeof(ColumnSet), "ColumnSet")]
[JsonDerivedType(typeof(FactSet), "FactSet")]
[JsonDerivedType(typeof(ActionSet), "ActionSet")]
[JsonDerivedType(typeof(TextInput), "Input.Text")]
[JsonDerivedType(typeof(DateInput), "Input.Date")]
[JsonDerivedType(typeof(TimeInput), "Input.Time")]
[JsonDerivedType(typeof(ToggleInput), "Input.Toggle")]
[JsonDerivedType(typeof(ChoiceSetInput), "Input.ChoiceSet")]
public abstract record CardElement
{
    public string? Id { get; init; }
    public Spacing? Spacing { get; init; }
    public bool? Separator { get; init; }
    public bool? IsVisible { get; init; }
}

public sealed record TextBlock(string Text) : CardElement
{
    public bool? Wrap { get; init; } = true;
    public FontSize? Size { get; init; }
    public FontWeight? Weight { get; init; }
    public TextColor? Color { get; init; }
    public bool? IsSubtle { get; init; }
    public TextBlockStyle? Style { get; init; }
    public int? MaxLines { get; init; }
    public HorizontalAlignment? HorizontalAlignment { get; init; }
}

public sealed record RichTextBlock(IReadOnlyList<TextRun> Inlines) : CardElement;

/// <summary>A run of text inside a <see cref="RichTextBlock"/>; not markdown-processed, so user text stays literal.</summary>
public sealed record TextRun(string Text)
{
    public string Type => "TextRun";
    public FontWeight? Weight { get; init; }
    public bool? Italic { get; init; }
    public bool? IsSubtle { get; init; }
    public TextColor? Color { get; init; }
    public FontSize? Size { get; init; }
}

public sealed record Container(IReadOnlyList<CardElement> Items) : CardElement
{
    public ContainerStyle? Style { get; init; }
    public bool? Bleed { get; init; }
}

public sealed record ColumnSet(IReadOnlyList<Column> Columns) : CardElement;

public sealed record Column(IReadOnlyList<CardElement> Items)
{
    public string Type => "Column";

    /// <summary>"auto", "stretch" or a relative weight such as "2".</summary>
    public string? Width { get; init; }
    public VerticalContentAlignment? VerticalContentAlignment { get; init; }
}

public sealed record FactSet(IReadOnlyList<Fact> Facts) : CardElement;

public sealed record Fact(string Title, string Value);

public sealed record ActionSet(IReadOnlyList<CardAction> Actions) : CardElement;

public abstract record InputElement : CardElement
{
    public string? Label { get; init; }
    public bool? IsRequired { get; init; }
    public string? ErrorMessage { get; init; }
}

public sealed record TextInput : InputElement
{
    public string? Placeholder { get; init; }
    public string? Value { get; init; }
    public bool? IsMultiline { get; init; }
    public int? MaxLength { get; init; }
    public string? Regex { get; init; }
}

public sealed record DateInput : InputElement
{
    /// <summary>yyyy-MM-dd.</summary>
    public string? Value { get; init; }
    public string? Min { get; init; }
    public string? Max { get; init; }
}

public sealed record TimeInput : InputElement
{
    /// <summary>HH:mm.</summary>
    public string? Value { get; init; }
}

public sealed record ToggleInput(string Title) : InputElement
{
    public string? Value { get; init; }
    public string? ValueOn { get; init; }
    public string? ValueOff { get; init; }
}

public sealed record ChoiceSetInput(IReadOnlyList<Choice> Choices) : InputElement
{
    public string? Value { get; init; }
    public ChoiceInputStyle? Style { get; init; }
    public bool? IsMultiSelect { get; init; }
}

public sealed record Choice(string Title, string Value);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecuteAction), "Action.Execute")]
[JsonDerivedType(typeof(SubmitAction), "Action.Submit")]
[JsonDerivedType(typeof(OpenUrlAction), "Action.OpenUrl")]
[JsonDerivedType(typeof(ShowCardAction), "Action.ShowCard")]
public abstract record CardAction
{
    public string? Title { get; init; }
    public string? Id { get; init; }
}

/// <summary>
/// Universal Action (docs/protocol.md, "Universal Actions"). Teams sends an <c>adaptiveCard/action</c> invoke with
/// <c>data</c> merged with the card's inputs. Put it inside an <see cref="ActionSet"/> with a
/// <see cref="SubmitAction"/> fallback for older clients.
/// </summary>
public sealed record ExecuteAction(string Verb) : CardAction
{
    public JsonElement? Data { get; init; }
    public AssociatedInputs? AssociatedInputs { get; init; }
    public CardAction? Fallback { get; init; }
}

public sealed record SubmitAction : CardAction
{
    public JsonElement? Data { get; init; }
    public AssociatedInputs? AssociatedInputs { get; init; }
}

public sealed record OpenUrlAction(string Url) : CardAction;

public sealed record ShowCardAction(AdaptiveCard Card) : CardAction;

public enum Spacing { None, Small, Default, Medium, Large, ExtraLarge, Padding }

public enum FontSize { Default, Small, Medium, Large, ExtraLarge }

public enum FontWeight { Default, Lighter, Bolder }

public enum TextColor { Default, Dark, Light, Accent, Good, Warning, Attention }

public enum TextBlockStyle { Default, Heading }

public enum ContainerStyle { Default, Emphasis, Good, Attention, Warning, Accent }

public enum HorizontalAlignment { Left, Center, Right }

public enum VerticalContentAlignment { Top, Center, Bottom }

public enum ChoiceInputStyle { Compact, Expanded }

public enum AssociatedInputs { Auto, None }
