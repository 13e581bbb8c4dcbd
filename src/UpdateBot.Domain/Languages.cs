namespace UpdateBot.Domain;

/// <summary>
/// The languages the bot speaks (README, "Welsh and English"). A third one is a value here, its culture name and the
/// words that choose it below, and one more resource file (docs/localisation.md, "Adding a language").
/// </summary>
public enum Language
{
    English,
    Welsh,
}

/// <summary>Which languages a squad's channel post headings are in (a squad setting the lead can change).</summary>
public enum HeadingLanguages
{
    /// <summary>English headings only (the default: what every squad had before).</summary>
    English,

    /// <summary>Welsh headings only.</summary>
    Welsh,

    /// <summary>Both, Welsh first ("Uchafbwyntiau / Highlights"), as the Welsh Language Standards ask of bilingual text.</summary>
    Both,
}

/// <summary>
/// Which language a person is spoken to in: the one they chose (<c>iaith</c> / <c>language</c>), else their Teams
/// locale's, else English. Pure; the stored choice and the last locale Teams reported come in as values.
/// </summary>
public static class Languages
{
    public static Language Default => Language.English;

    /// <summary>The .NET culture name of a language's resource file ("en-GB", "cy-GB").</summary>
    public static string CultureName(this Language language) => language switch
    {
        Language.Welsh => "cy-GB",
        _ => "en-GB",
    };

    /// <summary>
    /// The language of a Teams locale (the activity's <c>locale</c>, a BCP 47 tag such as "cy-GB" or "en-US"):
    /// Welsh for any "cy" tag, English for anything else we were given; null when Teams said nothing.
    /// </summary>
    public static Language? FromLocale(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale))
        {
            return null;
        }

        var tag = locale.Trim();
        var cut = tag.IndexOfAny(['-', '_']);
        var primary = cut < 0 ? tag : tag[..cut];
        return primary.Equals("cy", StringComparison.OrdinalIgnoreCase) ? Language.Welsh : Language.English;
    }

    /// <summary>
    /// The language of what is said to a whole team at once (the welcome in the channel and its setup card), where
    /// there is no one reader: the Teams language of whoever added the app, else the first of the squad's heading
    /// languages (Welsh when both), which is English unless a lead chose otherwise.
    /// </summary>
    public static Language ForTeam(Language? installer, HeadingLanguages headings) => installer ?? Of(headings)[0];

    /// <summary>The one rule: a choice the person made beats what Teams says; with neither, English.</summary>
    public static Language Choose(Language? chosen, Language? fromTeams) => chosen ?? fromTeams ?? Default;

    /// <summary>The words that name each language after <c>iaith</c> / <c>language</c>, in both languages.</summary>
    private static readonly (string Word, Language Language)[] Names =
    [
        ("english", Language.English),
        ("saesneg", Language.English),
        ("en", Language.English),
        ("en-gb", Language.English),
        ("welsh", Language.Welsh),
        ("cymraeg", Language.Welsh),
        // Mutated after "iaith" (a feminine noun): "iaith Gymraeg".
        ("gymraeg", Language.Welsh),
        ("cy", Language.Welsh),
        ("cy-gb", Language.Welsh),
    ];

    /// <summary>The word that hands the choice back to Teams' locale, in both languages.</summary>
    private static readonly string[] AutoWords = ["auto", "awto"];

    /// <summary>
    /// Reads the argument of <c>iaith</c> / <c>language</c>: a language ("Cymraeg", "English", "cy"…), or
    /// <c>auto</c> (follow Teams again: <c>Auto</c> true, no language). Null when it is neither.
    /// </summary>
    public static (Language? Language, bool Auto)? ParseChoice(string? argument)
    {
        var word = (argument ?? "").Trim().ToLowerInvariant();
        if (AutoWords.Contains(word))
        {
            return (null, true);
        }

        foreach (var (name, language) in Names)
        {
            if (word == name)
            {
                return (language, false);
            }
        }

        return null;
    }

    /// <summary>Reads a stored value (an enum name); null for nothing or something unknown.</summary>
    public static Language? ReadStored(string? stored) =>
        Enum.TryParse<Language>(stored, ignoreCase: false, out var language) && Enum.IsDefined(language) ? language : null;

    /// <summary>The languages a squad's headings appear in, in order.</summary>
    public static IReadOnlyList<Language> Of(HeadingLanguages headings) => headings switch
    {
        HeadingLanguages.Welsh => [Language.Welsh],
        HeadingLanguages.Both => [Language.Welsh, Language.English],
        _ => [Language.English],
    };

    /// <summary>The words of the <c>headings</c> / <c>penawdau</c> argument, in both languages.</summary>
    private static readonly (string Word, HeadingLanguages Headings)[] HeadingWords =
    [
        ("english", HeadingLanguages.English),
        ("saesneg", HeadingLanguages.English),
        ("welsh", HeadingLanguages.Welsh),
        ("cymraeg", HeadingLanguages.Welsh),
        ("both", HeadingLanguages.Both),
        ("bilingual", HeadingLanguages.Both),
        ("y ddwy", HeadingLanguages.Both),
        ("dwyieithog", HeadingLanguages.Both),
    ];

    /// <summary>Reads the argument of <c>headings</c> / <c>penawdau</c> ("Welsh", "both", "y ddwy"…); null when it is none.</summary>
    public static HeadingLanguages? ParseHeadings(string? argument)
    {
        var word = string.Join(' ', (argument ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        foreach (var (name, headings) in HeadingWords)
        {
            if (word == name)
            {
                return headings;
            }
        }

        return null;
    }

    /// <summary>Reads the stored value; English for anything else (every squad before this setting).</summary>
    public static HeadingLanguages ReadHeadings(string? stored) =>
        Enum.TryParse<HeadingLanguages>(stored, ignoreCase: true, out var headings) && Enum.IsDefined(headings) ? headings : HeadingLanguages.English;
}
