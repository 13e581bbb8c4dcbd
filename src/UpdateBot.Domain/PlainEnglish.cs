using System.Text.RegularExpressions;

namespace UpdateBot.Domain;

/// <summary>The kinds of plain-English finding the review desk shows.</summary>
public enum PlainEnglishRule
{
    LongSentence,
    UnexpandedAcronym,
    HardToRead,
    LinkText,
    InsideTeamPhrase,
}

/// <summary>
/// One thing a lead may want to change before publishing (never a reason not to publish), with what the advice needs
/// to say it. The review desk words it in the lead's language (<c>src/UpdateBot/Localisation/ProblemTexts.cs</c>);
/// the quotes are the member's words as written.
/// </summary>
public abstract record PlainEnglishFinding(PlainEnglishRule Rule)
{
    /// <summary>A sentence of <paramref name="Words"/> words where <paramref name="Limit"/> is the aim; <paramref name="Start"/> quotes its beginning.</summary>
    public sealed record LongSentence(int Words, int Limit, string Start) : PlainEnglishFinding(PlainEnglishRule.LongSentence);

    /// <summary>An acronym not explained in the text; <paramref name="Expansion"/> when the glossary knows it.</summary>
    public sealed record UnexpandedAcronym(string Acronym, string? Expansion) : PlainEnglishFinding(PlainEnglishRule.UnexpandedAcronym);

    /// <summary>A Flesch reading ease (<paramref name="Score"/>) under <paramref name="Minimum"/>.</summary>
    public sealed record HardToRead(double Score, double Minimum) : PlainEnglishFinding(PlainEnglishRule.HardToRead);

    /// <summary>A link whose words (<paramref name="Label"/>) do not say where it goes.</summary>
    public sealed record VagueLink(string Label) : PlainEnglishFinding(PlainEnglishRule.LinkText);

    /// <summary>A web address written out; <paramref name="Start"/> quotes its beginning.</summary>
    public sealed record BareAddress(string Start) : PlainEnglishFinding(PlainEnglishRule.LinkText);

    /// <summary>A phrase that only makes sense to someone who was in the room.</summary>
    public sealed record InsideTeam(string Phrase) : PlainEnglishFinding(PlainEnglishRule.InsideTeamPhrase);
}

/// <summary>
/// A plain-English check of one weeknote item, written for readers outside the team. Advice only: the review desk
/// shows it, publishing never waits for it. The thresholds follow GOV.UK's content design guidance
/// (https://www.gov.uk/guidance/content-design/writing-for-gov-uk) and the NHS digital service manual's content style
/// guide (https://service-manual.nhs.uk/content).
/// <para>
/// The rules judge English text (sentence length in English words, syllables counted the English way, English
/// acronyms and phrases); the findings carry no words of their own, so the advice about them can be given in the
/// lead's language. A Welsh answer is judged by the same English rules, so its findings mean less.
/// </para>
/// </summary>
public static partial class PlainEnglish
{
    /// <summary>GOV.UK: "Check your sentences are no longer than 25 words" (writing-for-gov-uk, "Sentence length").</summary>
    public const int MaxSentenceWords = 25;

    /// <summary>
    /// Flesch reading ease below this is "fairly difficult" or harder. GOV.UK writes for a reading age of 9
    /// (writing-for-gov-uk, "How people read"); a score of 50 or more is the usual floor for text for the general public.
    /// </summary>
    public const double MinReadingEase = 50;

    /// <summary>The score means little on very short texts, so it is only given from this many words.</summary>
    public const int MinWordsForReadingEase = 30;

    /// <summary>
    /// Acronyms readers know without expansion (NHS content guide, "Abbreviations and acronyms":
    /// https://service-manual.nhs.uk/content/a-to-z-of-nhs-health-writing, "NHS" and "GP" need no expanding).
    /// </summary>
    public static IReadOnlySet<string> WidelyKnown { get; } = new HashSet<string>(
        ["NHS", "GP", "GPS", "UK", "EU", "US", "USA", "OK", "TV", "BBC", "PDF", "AM", "PM", "ID", "IT", "FAQ", "FAQS", "URL", "COVID", "ICU"],
        StringComparer.Ordinal);

    /// <summary>
    /// Expansions the check knows without a squad glossary, common in NHS and government delivery teams. A squad adds
    /// its own with <c>glossary add ICB = integrated care board</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> BuiltInGlossary { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ICB"] = "integrated care board",
        ["ICS"] = "integrated care system",
        ["IG"] = "information governance",
        ["DPIA"] = "data protection impact assessment",
        ["MVP"] = "minimum viable product",
        ["UR"] = "user research",
        ["GDS"] = "Government Digital Service",
        ["DHSC"] = "Department of Health and Social Care",
        ["NICE"] = "National Institute for Health and Care Excellence",
        ["CQC"] = "Care Quality Commission",
        ["A11Y"] = "accessibility",
        ["API"] = "application programming interface",
        ["KPI"] = "key performance indicator",
        ["OKR"] = "objectives and key results",
        ["SLA"] = "service level agreement",
        ["EPR"] = "electronic patient record",
        ["EHR"] = "electronic health record",
        ["PID"] = "patient identifiable data",
        ["SRO"] = "senior responsible owner",
        ["TBC"] = "to be confirmed",
        ["ASAP"] = "as soon as possible",
        ["FYI"] = "for your information",
    };

    /// <summary>Words that only make sense to someone who was in the room.</summary>
    public static IReadOnlyList<string> InsideTeamPhrases { get; } =
    [
        "as discussed", "as per", "per the above", "see above", "as above", "as mentioned", "as agreed", "as before",
        "same as last week", "the usual", "you know who", "following up on", "circling back", "ditto",
    ];

    /// <summary>Link text that says nothing about where it goes (GOV.UK: "Links", write meaningful link text).</summary>
    public static IReadOnlySet<string> VagueLinkTexts { get; } = new HashSet<string>(
        ["click here", "here", "this", "link", "this link", "read more", "more", "more info", "click", "this page", "see here"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Every finding for <paramref name="text"/>, in rule order; <paramref name="glossary"/> is the squad's own (it wins over the built-in one).</summary>
    public static IReadOnlyList<PlainEnglishFinding> Check(string? text, IReadOnlyDictionary<string, string>? glossary = null)
    {
        var cleaned = AnswerText.Clean(text);
        if (cleaned.Length == 0)
        {
            return [];
        }

        return
        [
            .. LongSentences(cleaned),
            .. UnexpandedAcronyms(cleaned, glossary ?? new Dictionary<string, string>()),
            .. Readability(cleaned),
            .. Links(cleaned),
            .. InsideTeam(cleaned),
        ];
    }

    /// <summary>Sentences over <see cref="MaxSentenceWords"/> words (a line of a list counts as its own sentence).</summary>
    public static IEnumerable<PlainEnglishFinding> LongSentences(string text)
    {
        foreach (var sentence in Sentences(WithoutUrls(text)))
        {
            var words = WordsOf(sentence).Count;
            if (words > MaxSentenceWords)
            {
                yield return new PlainEnglishFinding.LongSentence(words, MaxSentenceWords, Start(sentence));
            }
        }
    }

    /// <summary>
    /// Capitalised abbreviations (2–6 letters, digits allowed after the first) that are not widely known and not
    /// expanded in the text: neither followed or preceded by a bracket ("integrated care board (ICB)", "ICB (integrated
    /// care board)") nor with their glossary expansion anywhere in the text. Each acronym is named once.
    /// </summary>
    public static IEnumerable<PlainEnglishFinding> UnexpandedAcronyms(string text, IReadOnlyDictionary<string, string> glossary)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var plain = WithoutUrls(text);
        foreach (Match match in Acronym().Matches(plain))
        {
            var acronym = match.Value;
            if (WidelyKnown.Contains(acronym) || !seen.Add(acronym) || IsBracketed(plain, match))
            {
                continue;
            }

            var expansion = glossary.GetValueOrDefault(acronym) ?? BuiltInGlossary.GetValueOrDefault(acronym);
            if (expansion is not null && plain.Contains(expansion, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            yield return new PlainEnglishFinding.UnexpandedAcronym(acronym, expansion);
        }
    }

    /// <summary>The Flesch reading ease of texts of <see cref="MinWordsForReadingEase"/> words or more, when under <see cref="MinReadingEase"/>.</summary>
    public static IEnumerable<PlainEnglishFinding> Readability(string text)
    {
        if (ReadingEase(text) is { } score && score < MinReadingEase)
        {
            yield return new PlainEnglishFinding.HardToRead(score, MinReadingEase);
        }
    }

    /// <summary>
    /// Flesch reading ease, 206.835 − 1.015 × words per sentence − 84.6 × syllables per word
    /// (https://en.wikipedia.org/wiki/Flesch%E2%80%93Kincaid_readability_tests); null under
    /// <see cref="MinWordsForReadingEase"/> words. Syllables are counted by vowel groups, a silent final "e" dropped.
    /// </summary>
    public static double? ReadingEase(string text)
    {
        var sentences = Sentences(WithoutUrls(AnswerText.Clean(text))).Select(WordsOf).Where(w => w.Count > 0).ToList();
        var words = sentences.SelectMany(w => w).ToList();
        if (words.Count < MinWordsForReadingEase)
        {
            return null;
        }

        var syllables = words.Sum(Syllables);
        return 206.835 - (1.015 * words.Count / sentences.Count) - (84.6 * syllables / words.Count);
    }

    /// <summary>Syllables in one word: groups of vowels (y included), a final silent "e" not counted, at least one.</summary>
    public static int Syllables(string word)
    {
        var w = word.ToLowerInvariant();
        var count = 0;
        var previousVowel = false;
        foreach (var c in w)
        {
            var vowel = c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';
            if (vowel && !previousVowel)
            {
                count++;
            }

            previousVowel = vowel;
        }

        if (w.Length > 2 && w.EndsWith('e') && !w.EndsWith("le", StringComparison.Ordinal) && count > 1)
        {
            count--;
        }

        return Math.Max(count, 1);
    }

    /// <summary>Markdown links whose text says nothing ("click here") and bare web addresses.</summary>
    public static IEnumerable<PlainEnglishFinding> Links(string text)
    {
        foreach (Match link in MarkdownLink().Matches(text))
        {
            var label = link.Groups["text"].Value.Trim().TrimEnd('.', '!', ':');
            if (VagueLinkTexts.Contains(label) || Url().IsMatch(label))
            {
                yield return new PlainEnglishFinding.VagueLink(label);
            }
        }

        foreach (Match bare in Url().Matches(MarkdownLink().Replace(text, " ")))
        {
            yield return new PlainEnglishFinding.BareAddress(Start(bare.Value));
        }
    }

    /// <summary>Phrases that point at something only the team saw ("as discussed", "per the above").</summary>
    public static IEnumerable<PlainEnglishFinding> InsideTeam(string text)
    {
        foreach (var phrase in InsideTeamPhrases)
        {
            if (ContainsPhrase(text, phrase))
            {
                yield return new PlainEnglishFinding.InsideTeam(phrase);
            }
        }
    }

    /// <summary>Whether the phrase is in the text as whole words, in any case.</summary>
    private static bool ContainsPhrase(string text, string phrase)
    {
        for (var at = text.IndexOf(phrase, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(phrase, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + phrase.Length;
            if ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sentences: split at . ! ? followed by a space, and at line breaks (each list item stands alone).</summary>
    private static IEnumerable<string> Sentences(string text) =>
        SentenceEnd().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0);

    private static List<string> WordsOf(string sentence) =>
        Word().Matches(sentence).Select(m => m.Value).ToList();

    private static string WithoutUrls(string text) => Url().Replace(MarkdownLink().Replace(text, "${text}"), " ");

    private static bool IsBracketed(string text, Match match)
    {
        var before = text[..match.Index].TrimEnd();
        var after = text[(match.Index + match.Length)..].TrimStart();
        return before.EndsWith('(') || after.StartsWith('(');
    }

    /// <summary>The first few words of a sentence, for the desk to quote.</summary>
    private static string Start(string text)
    {
        const int length = 60;
        return text.Length <= length ? text : text[..length].TrimEnd() + "…";
    }

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])(?=[A-Z0-9]{2,6}(?![\p{L}\p{N}]))[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*(?![\p{L}\p{N}])", RegexOptions.CultureInvariant)]
    private static partial Regex Acronym();

    [GeneratedRegex(@"\[(?<text>[^\]\n]*)\]\((?<url>[^)\s]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"\b(?:https?://|www\.)[^\s<>()\[\]]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Url();
}

/// <summary>
/// A lead's change to the squad glossary, read from <c>glossary add ICB = integrated care board</c> or
/// <c>glossary remove ICB</c>; nothing (list it) for <c>glossary</c> alone. <see cref="Problem"/> says what is wrong
/// with a well-formed but unusable entry.
/// </summary>
public sealed record GlossaryChange(string? Acronym, string? Expansion, GlossaryProblem? Problem = null)
{
    public const int MaxAcronymLength = 10;
    public const int MaxExpansionLength = 120;

    /// <summary>The change the argument asks for; null when it is not a glossary argument at all.</summary>
    public static GlossaryChange? Read(string? argument)
    {
        var text = AnswerText.Clean(argument).Replace('\n', ' ');
        if (text.Length == 0)
        {
            return new GlossaryChange(null, null);
        }

        var (verb, rest) = text.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? (text[..space], text[(space + 1)..].Trim()) : (text, "");
        if (verb.Equals("remove", StringComparison.OrdinalIgnoreCase) && rest.Length > 0 && !rest.Contains(' ', StringComparison.Ordinal))
        {
            return Checked(rest, null);
        }

        var equals = rest.IndexOf('=', StringComparison.Ordinal);
        if (!verb.Equals("add", StringComparison.OrdinalIgnoreCase) || equals <= 0)
        {
            return null;
        }

        var acronym = rest[..equals].Trim();
        var expansion = rest[(equals + 1)..].Trim();
        return acronym.Contains(' ', StringComparison.Ordinal) ? null : Checked(acronym, expansion);
    }

    private static GlossaryChange Checked(string acronym, string? expansion)
    {
        var upper = acronym.ToUpperInvariant();
        if (upper.Length > MaxAcronymLength || !upper.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '&'))
        {
            return new GlossaryChange(null, null, new GlossaryProblem.NotAnAcronym(acronym, MaxAcronymLength));
        }

        if (expansion is not null && (expansion.Length == 0 || expansion.Length > MaxExpansionLength))
        {
            return new GlossaryChange(null, null, new GlossaryProblem.BadExpansion(upper, MaxExpansionLength));
        }

        return new GlossaryChange(upper, expansion);
    }
}

/// <summary>
/// What is wrong with a well-formed <c>glossary</c> entry, with what a message needs to explain it (the service words
/// it in the lead's language: <c>src/UpdateBot/Localisation/ProblemTexts.cs</c>).
/// </summary>
public abstract record GlossaryProblem
{
    private GlossaryProblem()
    {
    }

    /// <summary>Not up to <paramref name="Limit"/> letters, digits and "&amp;": <paramref name="Typed"/> as the lead wrote it.</summary>
    public sealed record NotAnAcronym(string Typed, int Limit) : GlossaryProblem;

    /// <summary>Nothing after the "=", or more than <paramref name="Limit"/> characters.</summary>
    public sealed record BadExpansion(string Acronym, int Limit) : GlossaryProblem;
}
