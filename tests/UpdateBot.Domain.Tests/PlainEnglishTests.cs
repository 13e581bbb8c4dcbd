using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

public class PlainEnglishTests
{
    private static IReadOnlyList<PlainEnglishRule> Rules(string text, IReadOnlyDictionary<string, string>? glossary = null) =>
        PlainEnglish.Check(text, glossary).Select(f => f.Rule).ToList();

    [Fact]
    public void Plain_short_text_has_no_findings()
    {
        Assert.Empty(PlainEnglish.Check("We ran two user research sessions with nurses. They liked the new form."));
        Assert.Empty(PlainEnglish.Check(""));
    }

    [Fact]
    public void A_sentence_over_25_words_is_flagged_and_25_is_not()
    {
        var twentyFive = string.Join(' ', Enumerable.Repeat("word", 25)) + ".";
        var twentySix = string.Join(' ', Enumerable.Repeat("word", 26)) + ".";

        Assert.DoesNotContain(PlainEnglishRule.LongSentence, Rules(twentyFive));
        var finding = Assert.Single(PlainEnglish.LongSentences(twentyFive + " " + twentySix));
        Assert.Contains("26 words", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_line_of_a_list_is_its_own_sentence()
    {
        var list = string.Join('\n', Enumerable.Range(0, 4).Select(_ => "- " + string.Join(' ', Enumerable.Repeat("word", 10))));

        Assert.Empty(PlainEnglish.LongSentences(list));
    }

    [Fact]
    public void An_unexpanded_acronym_is_flagged_with_the_expansion_when_known()
    {
        var finding = Assert.Single(PlainEnglish.UnexpandedAcronyms("Met the ICB about the DPIA. The ICB liked it.", new Dictionary<string, string>()), f => f.Message.StartsWith("ICB", StringComparison.Ordinal));

        Assert.Equal("ICB is not explained: write “integrated care board (ICB)” the first time", finding.Message);
    }

    [Theory]
    [InlineData("Met the integrated care board (ICB) today.")]
    [InlineData("Met the ICB (integrated care board) today.")]
    [InlineData("Met the ICB, the integrated care board, today.")]
    [InlineData("The NHS and a GP practice in the UK.")]
    public void Expanded_or_widely_known_acronyms_pass(string text)
    {
        Assert.Empty(PlainEnglish.UnexpandedAcronyms(text, new Dictionary<string, string>()));
    }

    [Fact]
    public void The_squad_glossary_extends_the_built_in_one()
    {
        var glossary = new Dictionary<string, string> { ["PCN"] = "primary care network" };

        Assert.Contains("glossary add PCN", PlainEnglish.UnexpandedAcronyms("Spoke to the PCN.", new Dictionary<string, string>()).Single().Message, StringComparison.Ordinal);
        Assert.Contains("primary care network (PCN)", PlainEnglish.UnexpandedAcronyms("Spoke to the PCN.", glossary).Single().Message, StringComparison.Ordinal);
        Assert.Empty(PlainEnglish.UnexpandedAcronyms("Spoke to the primary care network PCN lead.", glossary));
    }

    [Fact]
    public void Week_numbers_and_single_capitals_are_not_acronyms()
    {
        Assert.Empty(PlainEnglish.UnexpandedAcronyms("In 2026-W48 I met A and B.", new Dictionary<string, string>()));
    }

    [Fact]
    public void A_hard_text_of_30_words_or_more_gets_a_reading_ease_below_50()
    {
        const string hard = "Organisational interoperability considerations necessitated comprehensive re-evaluation of the integration architecture, "
            + "particularly regarding authentication, authorisation and observability requirements, alongside documentation obligations "
            + "concerning accessibility conformance and information governance responsibilities across participating organisations this financial year.";
        const string easy = "We met five nurses this week. They told us the form is too long. We cut two pages. Next week we test it again with the same nurses and a new team from the ward.";

        Assert.Contains(PlainEnglishRule.HardToRead, Rules(hard));
        Assert.True(PlainEnglish.ReadingEase(hard) < PlainEnglish.MinReadingEase);
        Assert.True(PlainEnglish.ReadingEase(easy) >= PlainEnglish.MinReadingEase);
        Assert.DoesNotContain(PlainEnglishRule.HardToRead, Rules(easy));
    }

    [Fact]
    public void Short_texts_get_no_reading_ease()
    {
        Assert.Null(PlainEnglish.ReadingEase("Organisational interoperability considerations necessitated re-evaluation."));
    }

    [Theory]
    [InlineData("beautiful", 3)]
    [InlineData("cake", 1)]
    [InlineData("table", 2)]
    [InlineData("the", 1)]
    [InlineData("2026", 1)]
    public void Syllables_are_counted_by_vowel_groups(string word, int syllables)
    {
        Assert.Equal(syllables, PlainEnglish.Syllables(word));
    }

    [Theory]
    [InlineData("Notes are [here](https://example.org/notes).")]
    [InlineData("For the notes [click here](https://example.org/notes).")]
    [InlineData("Notes: https://example.org/notes")]
    [InlineData("Notes: [https://example.org/notes](https://example.org/notes)")]
    public void Links_without_meaningful_text_are_flagged(string text)
    {
        Assert.Single(PlainEnglish.Links(text));
    }

    [Fact]
    public void A_link_with_meaningful_text_passes()
    {
        Assert.Empty(PlainEnglish.Links("Read [the research plan for the ward pilot](https://example.org/plan)."));
    }

    [Theory]
    [InlineData("As discussed, the pilot moves to March.")]
    [InlineData("Timeline per the above.")]
    [InlineData("Same as last week really")]
    public void Inside_team_phrases_are_flagged(string text)
    {
        Assert.Equal([PlainEnglishRule.InsideTeamPhrase], Rules(text));
    }

    [Fact]
    public void Inside_team_phrases_match_whole_words_only()
    {
        Assert.Empty(PlainEnglish.InsideTeam("We were asper-gum free. The usually quiet ward."));
    }
}
