namespace UpdateBot.Domain;

/// <summary>Rules for what members type. STUBS.</summary>
public static class AnswerText
{
    public const int MaxSectionLength = 2000;

    /// <summary>
    /// Makes member text safe to show: trims, normalises line endings, removes control characters, and neutralises
    /// Teams mention markup (<c>&lt;at&gt;…&lt;/at&gt;</c>) so it cannot spoof a mention. Links stay links.
    /// </summary>
    public static string Clean(string? text) => throw new NotImplementedException();

    /// <summary>Null when fine, else the message to show (e.g. "Discovery and delivery is 2,345 characters; the limit is 2,000.").</summary>
    public static string? CheckLength(string sectionTitle, string text) => throw new NotImplementedException();

    /// <summary>Parses "away until 12 Dec", "away until 2026-12-12", "away until Friday" relative to today.</summary>
    public static DateOnly? ParseAwayUntil(string? text, DateOnly today) => throw new NotImplementedException();
}
