using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using UpdateBot.Domain;

namespace UpdateBot.Localisation;

/// <summary>
/// The strings of one language, read through <see cref="IStringLocalizer"/> from the <see cref="Strings"/> resource
/// files. The language is always passed in (<see cref="For"/>), never taken from the thread: prompts, reminders and
/// channel posts are made by the scheduler, outside the member's turn, so there is no request culture to rely on.
/// </summary>
public sealed class Texts
{
    /// <summary>
    /// One localizer for the process: the resources are compiled in and never change, and the card builders are static
    /// (called from turns and from the scheduler alike), so they read it here rather than through a request scope.
    /// </summary>
    private static readonly IStringLocalizer Localizer =
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(Strings));

    private static readonly Dictionary<Language, Texts> ByLanguage = Enum.GetValues<Language>().ToDictionary(l => l, l => new Texts(l));

    private readonly CultureInfo culture;

    private Texts(Language language)
    {
        Language = language;
        culture = CultureInfo.GetCultureInfo(language.CultureName());
    }

    public static Texts English => ByLanguage[Language.English];

    public static Texts For(Language language) => ByLanguage[language];

    public Language Language { get; }

    /// <summary>
    /// How dates and times are written ("Thu 26 Nov, 16:00", "Iau 26 Tach, 16:00"): English keeps the invariant
    /// culture's names it always had; other languages use their own culture's.
    /// </summary>
    public CultureInfo DateCulture => Language == Language.English ? CultureInfo.InvariantCulture : culture;

    /// <summary>
    /// The string under <paramref name="key"/> in this language (its English one if this language lacks it, which the
    /// build check prevents). A key in no file is a programming error and throws, so tests find it.
    /// </summary>
    public string this[string key]
    {
        get
        {
            // ResourceManagerStringLocalizer reads CurrentUICulture: set it for this one synchronous lookup only.
            var previous = CultureInfo.CurrentUICulture;
            CultureInfo.CurrentUICulture = culture;
            try
            {
                var found = Localizer[key];
                return found.ResourceNotFound ? throw new KeyNotFoundException($"No string \"{key}\" in Strings.resx.") : found.Value;
            }
            finally
            {
                CultureInfo.CurrentUICulture = previous;
            }
        }
    }

    /// <summary>
    /// A string with its placeholders ({0}, {1}…) filled. Invariant formatting: numbers and dates are formatted by the
    /// caller, so the English text stays exactly what it was before the strings moved to resource files.
    /// </summary>
    public string Format(string key, params object?[] args) => string.Format(CultureInfo.InvariantCulture, this[key], args);

    /// <summary>A number as every message writes it, in each language: "2,001" (the English text always did).</summary>
    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>
    /// A number with its words: <c>{key}.One</c> for exactly one, <c>{key}.Many</c> otherwise ("1 week", "3 weeks").
    /// Welsh puts the singular noun after any number ("1 wythnos", "3 wythnos"), so its two strings are the same.
    /// </summary>
    /// <param name="more">Further values for the string's <c>{1}</c>, <c>{2}</c>…; the count is always <c>{0}</c>.</param>
    public string Count(string key, int count, params object?[] more) => Format(count == 1 ? key + ".One" : key + ".Many", [count, .. more]);

    /// <summary>Monday to Friday of a week in this language ("23–27 Nov 2026", "23–27 Tach 2026").</summary>
    public string DateRange(IsoWeek week) =>
        Language == Language.English ? DigestComposer.FormatDateRange(week) : DigestComposer.FormatDateRange(week, this["Date.MonthsShort"].Split(','));

    /// <summary>Every key and value of one language's own file (no fallback): for the checks in the tests.</summary>
    public static IReadOnlyDictionary<string, string> All(Language language)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language.CultureName());
        try
        {
            return Localizer.GetAllStrings(includeParentCultures: language == Language.English).ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
