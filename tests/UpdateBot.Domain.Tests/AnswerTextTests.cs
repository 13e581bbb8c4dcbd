using System.Text.RegularExpressions;
using CsCheck;
using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

public class AnswerTextTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("   ", "")]
    [InlineData("  shipped it \n", "shipped it")]
    [InlineData("a\r\nb\rc", "a\nb\nc")]
    [InlineData("a\u0000b\u0007c\td\u001b", "abc\td")]
    [InlineData("evil\u202Etxt.exe", "eviltxt.exe")]
    [InlineData("a\n\n\n\nb", "a\n\nb")]
    [InlineData("a\n \n\t\n  b", "a\n\n  b")]
    [InlineData("a\n\nb", "a\n\nb")]
    [InlineData("<at>Bob</at> did it", "@Bob did it")]
    [InlineData("<AT>Bob</At>", "@Bob")]
    [InlineData("<at id=\"0\">Bob</at >", "@Bob")]
    [InlineData("< / at>x", "x")]
    [InlineData("<<at>at>Bob<</at>/at>", "<@at>Bob")]
    [InlineData("<attachment> stays", "<attachment> stays")]
    public void Clean_examples(string? input, string expected) => Assert.Equal(expected, AnswerText.Clean(input));

    [Fact]
    public void Clean_keeps_links_and_markdown_as_written()
    {
        const string text = "See [the plan](https://example.org/a_b?c=1&d=2#top) and https://gov.uk/x-y_z\n- **bold** _it_";
        Assert.Equal(text, AnswerText.Clean(text));
    }

    private static readonly Regex AnyMentionTag = new(@"<\s*/?\s*at\b[^>]*>", RegexOptions.IgnoreCase);

    private static readonly Gen<string> Tricky =
        Gen.OneOf("<at>", "</at>", "<AT>", "</At >", "<at id=\"1\">", "<", ">", "/", "a", "t", "at", "A", " ", "\n", "\r\n", "\r", "\t", "\u0000", "\u0007", "x", "https://e.org/?a=<b>", "\n\n\n")
            .Array[0, 24]
            .Select(parts => string.Concat(parts));

    private static readonly Gen<string> AnyText = Gen.Frequency((3, (IGen<string>)Tricky), (1, Gen.String));

    [Fact]
    public void Clean_never_leaves_mention_markup() =>
        AnyText.Sample(text =>
        {
            var cleaned = AnswerText.Clean(text);
            return !AnyMentionTag.IsMatch(cleaned)
                && !cleaned.Contains("<at>", StringComparison.OrdinalIgnoreCase)
                && !cleaned.Contains("</at>", StringComparison.OrdinalIgnoreCase);
        });

    [Fact]
    public void Clean_is_idempotent() =>
        AnyText.Sample(text => AnswerText.Clean(AnswerText.Clean(text)) == AnswerText.Clean(text));

    [Fact]
    public void Clean_leaves_only_newlines_and_tabs_as_control_characters() =>
        AnyText.Sample(text =>
        {
            var cleaned = AnswerText.Clean(text);
            return cleaned.All(c => !char.IsControl(c) || c is '\n' or '\t')
                && !cleaned.Contains("\n\n\n", StringComparison.Ordinal)
                && cleaned == cleaned.Trim();
        });

    [Fact]
    public void CheckLength_allows_the_limit_and_gives_length_and_limit_beyond_it()
    {
        Assert.Null(AnswerText.CheckLength(new string('x', 2000)));
        Assert.Null(AnswerText.CheckLength(null));
        Assert.Equal(new TooLong(2001, 2000), AnswerText.CheckLength(new string('x', 2001)));
        Assert.Equal(new TooLong(12345, AnswerText.MaxSectionLength), AnswerText.CheckLength(new string('x', 12345)));
    }

    // Monday 23 November 2026.
    private static readonly DateOnly Today = new(2026, 11, 23);

    [Theory]
    [InlineData("12 Dec", "2026-12-12")]
    [InlineData("away until 12 December", "2026-12-12")]
    [InlineData("Away until 12th Dec.", "2026-12-12")]
    [InlineData("Dec 12", "2026-12-12")]
    [InlineData("December 12, 2027", "2027-12-12")]
    [InlineData("12 Dec 2027", "2027-12-12")]
    [InlineData("until the 3rd of January", "2027-01-03")] // next occurrence rolls into next year
    [InlineData("12 Nov", "2027-11-12")] // already passed this year
    [InlineData("23 Nov", "2026-11-23")] // today counts
    [InlineData("2026-12-12", "2026-12-12")]
    [InlineData("away until 2026-12-12", "2026-12-12")]
    [InlineData("12/12/2026", "2026-12-12")]
    [InlineData("1/2/2027", "2027-02-01")] // UK style: day first
    [InlineData("5/1", "2027-01-05")]
    [InlineData("Friday", "2026-11-27")]
    [InlineData("away until friday", "2026-11-27")]
    [InlineData("fri", "2026-11-27")]
    [InlineData("Monday", "2026-11-30")] // today is Monday: the next one
    [InlineData("next week", "2026-11-30")]
    [InlineData("I'm away until next week", "2026-11-30")]
    [InlineData("tomorrow", "2026-11-24")]
    [InlineData("29 Feb", "2028-02-29")]
    [InlineData("Sept 1", "2027-09-01")]
    public void ParseAwayUntil_understands_common_forms(string text, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), AnswerText.ParseAwayUntil(text, Today));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("banana")]
    [InlineData("away")]
    [InlineData("Dec")]
    [InlineData("31 Feb 2027")]
    [InlineData("31/02/2027")]
    [InlineData("2026-13-01")]
    [InlineData("32 Dec")]
    [InlineData("12 Foo")]
    public void ParseAwayUntil_returns_null_when_unreadable(string? text) => Assert.Null(AnswerText.ParseAwayUntil(text, Today));

    [Fact]
    public void Next_week_on_a_Sunday_is_the_following_day() =>
        Assert.Equal(new DateOnly(2026, 11, 30), AnswerText.ParseAwayUntil("next week", new DateOnly(2026, 11, 29)));
}
