using UpdateBot.Domain;

namespace UpdateBot.TestSupport;

/// <summary>Open (public) editions for tests: a realistic squad's weeknotes, and editions of any size.</summary>
public static class OpenEditionSamples
{
    public static readonly DateTimeOffset PublishedAt = new(2026, 11, 27, 15, 30, 0, TimeSpan.Zero);

    /// <summary>Edition <paramref name="number"/> of a mental-health discovery squad, published on the Friday of <paramref name="week"/>.</summary>
    public static OpenEdition Edition(string slug, IsoWeek week, int number, string squadName = "Mental Health Discovery")
    {
        var published = new DateTimeOffset(week.DateOf(DayOfWeek.Friday).ToDateTime(new TimeOnly(15, 30)), TimeSpan.Zero);
        return new OpenEdition(
            squadName,
            slug,
            week,
            number,
            DigestComposer.FormatTitle(squadName, number),
            DigestComposer.FormatDateRange(week),
            "A week of firsts: we met our first users and shared what we heard.",
            [
                new OpenSection("highlights", "Highlights",
                [
                    new OpenItem("u-ana/highlights", "u-ana", "Ana", "Ran our first round of user research with six people who use talking therapies."),
                    new OpenItem("u-sam/highlights", "u-sam", "Sam Okafor", "Played back the research at the [show and tell](https://example.org/show-and-tell)."),
                ]),
                new OpenSection("discovery-and-delivery", "Discovery and delivery",
                [
                    new OpenItem("u-ana/discovery-and-delivery", "u-ana", "Ana", "Three themes so far:\n- people want to know how long they will wait\n- referral letters are hard to read\n- evenings matter"),
                ]),
                new OpenSection("reading-and-links", "Reading and links",
                [
                    new OpenItem("u-kai/reading-and-links", "u-kai", "a member of the team", "https://www.gov.uk/service-manual/user-research — how government services do research"),
                ]),
            ],
            published,
            published,
            "https://example.org/mental-health-discovery");
    }

    /// <summary>An edition whose one item is <paramref name="chars"/> characters long (past what one table property holds, when asked).</summary>
    public static OpenEdition Long(string slug, IsoWeek week, int chars)
    {
        var text = string.Concat(Enumerable.Repeat("Wales ☕ café — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ", (chars / 24) + 1))[..chars];
        return Edition(slug, week, 1) with
        {
            Sections = [new OpenSection("highlights", "Highlights", [new OpenItem("u-ana/highlights", "u-ana", "Ana", text)])],
        };
    }
}
