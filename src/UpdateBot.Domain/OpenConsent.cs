using System.Globalization;

namespace UpdateBot.Domain;

/// <summary>Who may read an item of the weeknote: the team only (and why), or the world too.</summary>
public enum OpenAudience
{
    /// <summary>In the open edition.</summary>
    Public,

    /// <summary>The squad does not publish openly: the channel post is the only edition.</summary>
    NotPublishing,

    /// <summary>A lead hid it: it is in neither edition.</summary>
    Hidden,

    /// <summary>Its author kept this week's answers for the team.</summary>
    AuthorKeptTeamOnly,

    /// <summary>Its section is for the team (a setting of the squad).</summary>
    SectionTeamOnly,

    /// <summary>A lead withheld it from the open edition.</summary>
    Withheld,
}

/// <summary>
/// The consent rules of the open weeknote (README, "The open weeknote"), in one place: which items the world may read,
/// and how their authors are named. Pure: the callers read settings, answers and choices from storage.
/// </summary>
public static class OpenConsent
{
    /// <summary>What stands for a member who has not chosen (or chose not) to be named.</summary>
    public const string MemberOfTheTeam = "A member of the team";

    /// <summary>
    /// An item is public only when the squad publishes openly, a lead did not hide it, its author did not keep it for
    /// the team, its section is public, and a lead did not withhold it. Each "no" wins over every "yes": nothing an
    /// author kept team-only can become public by any other setting.
    /// </summary>
    public static OpenAudience AudienceOf(SquadSettings settings, string sectionId, DigestItem item) =>
        item.Hidden ? OpenAudience.Hidden
        : item.TeamOnly ? OpenAudience.AuthorKeptTeamOnly
        : !settings.IsSectionPublic(sectionId) ? OpenAudience.SectionTeamOnly
        : item.Withheld ? OpenAudience.Withheld
        : !settings.PublishOpenly ? OpenAudience.NotPublishing
        : OpenAudience.Public;

    /// <summary>
    /// The name shown in public: the full name, the first name (the given name of "Surname, Given" too), or
    /// <see cref="MemberOfTheTeam"/> (the default until the member chooses, and for a name that is blank).
    /// </summary>
    public static string Attribution(PublicName choice, string? fullName)
    {
        var name = AnswerText.Clean(fullName);
        if (name.Length == 0 || choice == PublicName.Anonymous)
        {
            return MemberOfTheTeam;
        }

        if (choice == PublicName.FullName)
        {
            return name;
        }

        var given = name.Contains(',', StringComparison.Ordinal) ? name[(name.IndexOf(',', StringComparison.Ordinal) + 1)..].Trim() : name;
        var first = given.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(first) ? MemberOfTheTeam : first;
    }

    /// <summary>
    /// The open edition of a digest: its public items only (<see cref="AudienceOf"/>), each attributed by its author's
    /// choice (<paramref name="nameOf"/>, by member id), in the digest's section order; sections left without a
    /// public item are left out. The intro is the lead's and goes with it.
    /// </summary>
    /// <param name="before">The edition as published before (a correction rebuilds it): its authors keep the names it
    /// gave them, since a new choice of public name applies to past editions only when the member asks.</param>
    public static OpenEdition Build(Digest digest, SquadSettings settings, Func<string, PublicName> nameOf, DateTimeOffset publishedAt, DateTimeOffset updatedAt, OpenEdition? before = null)
    {
        var kept = (before?.Sections ?? []).SelectMany(s => s.Items).GroupBy(i => i.MemberId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Attribution, StringComparer.Ordinal);
        var sections = new List<OpenSection>();
        foreach (var section in digest.Sections)
        {
            var items = section.Items
                .Where(item => AudienceOf(settings, section.SectionId, item) == OpenAudience.Public)
                .Select(item => new OpenItem(item.ItemId, MemberOf(item), kept.GetValueOrDefault(MemberOf(item)) ?? Attribution(nameOf(MemberOf(item)), item.AuthorName), item.Text))
                .ToList();
            if (items.Count > 0)
            {
                sections.Add(new OpenSection(section.SectionId, section.Title, items));
            }
        }

        return new OpenEdition(digest.SquadName, settings.EffectiveOpenSlug, digest.Week, digest.Edition, digest.Title, digest.DateRange, digest.Intro, sections, publishedAt, updatedAt);
    }

    /// <summary>The edition with <paramref name="memberId"/>'s items attributed anew: null when nothing changes.</summary>
    public static OpenEdition? Renamed(OpenEdition edition, string memberId, string attribution, DateTimeOffset now)
    {
        if (!edition.Sections.Any(s => s.Items.Any(i => i.MemberId == memberId && i.Attribution != attribution)))
        {
            return null;
        }

        var sections = edition.Sections
            .Select(s => s with { Items = s.Items.Select(i => i.MemberId == memberId ? i with { Attribution = attribution } : i).ToList() })
            .ToList();
        return edition with { Sections = sections, UpdatedAt = now };
    }

    /// <summary>Reads "full", "first" or "team" (and a few ways of saying them); null for anything else.</summary>
    public static PublicName? ParsePublicName(string? text) => (text ?? "").Trim().ToLower(CultureInfo.InvariantCulture) switch
    {
        "full" or "full name" or "fullname" => PublicName.FullName,
        "first" or "first name" or "firstname" => PublicName.FirstName,
        "team" or "anonymous" or "member" or "a member of the team" or "none" => PublicName.Anonymous,
        _ => null,
    };

    private static string MemberOf(DigestItem item) =>
        item.MemberId.Length > 0 ? item.MemberId : item.ItemId[..Math.Max(item.ItemId.LastIndexOf('/'), 0)];
}
