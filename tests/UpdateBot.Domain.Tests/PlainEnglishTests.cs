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
        var finding = Assert.IsType<PlainEnglishFinding.LongSentence>(Assert.Single(PlainEnglish.LongSentences(twentyFive + " " + twentySix)));
        Assert.Equal((26, PlainEnglish.MaxSentenceWords), (finding.Words, finding.Limit));

        // The advice quotes the start of the sentence, cut at 60 characters.
        Assert.Equal(string.Join(' ', Enumerable.Repeat("word", 12)) + "…", finding.Start);
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
        Assert.Equal(
            [new PlainEnglishFinding.UnexpandedAcronym("ICB", "integrated care board"), new PlainEnglishFinding.UnexpandedAcronym("DPIA", "data protection impact assessment")],
            PlainEnglish.UnexpandedAcronyms("Met the ICB about the DPIA. The ICB liked it.", new Dictionary<string, string>()));
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

        Assert.Equal(new PlainEnglishFinding.UnexpandedAcronym("PCN", null), PlainEnglish.UnexpandedAcronyms("Spoke to the PCN.", new Dictionary<string, string>()).Single());
        Assert.Equal(new PlainEnglishFinding.UnexpandedAcronym("PCN", "primary care network"), PlainEnglish.UnexpandedAcronyms("Spoke to the PCN.", glossary).Single());
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

        var hardToRead = Assert.IsType<PlainEnglishFinding.HardToRead>(Assert.Single(PlainEnglish.Readability(hard)));
        Assert.Equal((PlainEnglish.ReadingEase(hard)!.Value, PlainEnglish.MinReadingEase), (hardToRead.Score, hardToRead.Minimum));
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
    public void A_vague_link_names_its_words_and_a_bare_address_its_start()
    {
        Assert.Equal([new PlainEnglishFinding.VagueLink("click here")], PlainEnglish.Links("For the notes [click here](https://example.org/notes)."));
        Assert.Equal([new PlainEnglishFinding.BareAddress("https://example.org/notes")], PlainEnglish.Links("Notes: https://example.org/notes"));
        Assert.All(PlainEnglish.Links("[here](https://example.org) and https://example.org"), f => Assert.Equal(PlainEnglishRule.LinkText, f.Rule));
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
    public void An_inside_team_phrase_is_named_as_the_list_has_it() =>
        Assert.Equal([new PlainEnglishFinding.InsideTeam("as discussed")], PlainEnglish.InsideTeam("As discussed, the pilot moves to March."));

    [Fact]
    public void Inside_team_phrases_match_whole_words_only()
    {
        Assert.Empty(PlainEnglish.InsideTeam("We were asper-gum free. The usually quiet ward."));
    }

    [Fact]
    public void A_glossary_entry_is_read_in_capitals_and_removed_by_its_acronym()
    {
        Assert.Equal(new GlossaryChange("PCN", "primary care network"), GlossaryChange.Read("add pcn = primary care network"));
        Assert.Equal(new GlossaryChange("PCN", null), GlossaryChange.Read("remove PCN"));
        Assert.Equal(new GlossaryChange(null, null), GlossaryChange.Read(""));
        Assert.Null(GlossaryChange.Read("add primary care network"));
    }

    [Theory]
    [InlineData("add I.C.B = integrated care board", "I.C.B")]
    [InlineData("add ABCDEFGHIJK = eleven letters", "ABCDEFGHIJK")]
    [InlineData("remove ICB!", "ICB!")]
    public void An_unreadable_acronym_is_a_problem_that_names_it_as_typed(string argument, string typed) =>
        Assert.Equal(new GlossaryChange(null, null, new GlossaryProblem.NotAnAcronym(typed, GlossaryChange.MaxAcronymLength)), GlossaryChange.Read(argument));

    [Fact]
    public void A_missing_or_over_long_expansion_is_a_problem_that_names_the_acronym()
    {
        var problem = new GlossaryProblem.BadExpansion("ICB", GlossaryChange.MaxExpansionLength);
        Assert.Equal(problem, GlossaryChange.Read("add icb =")?.Problem);
        Assert.Equal(problem, GlossaryChange.Read("add ICB = " + new string('x', GlossaryChange.MaxExpansionLength + 1))?.Problem);
        Assert.Null(GlossaryChange.Read("add ICB = " + new string('x', GlossaryChange.MaxExpansionLength))?.Problem);
    }
}
