namespace UpdateBot.Domain;

/// <summary>How a member chose to be named in the squad's open (public) weeknote.</summary>
public enum PublicName
{
    /// <summary>"a member of the team": the default until the member chooses.</summary>
    Anonymous,
    FirstName,
    FullName,
}

/// <summary>One public item: a member's answer to one section, as the world may read it.</summary>
/// <param name="ItemId">The digest item id (memberId + "/" + sectionId), so a correction or an erasure finds it.</param>
/// <param name="MemberId">Whose words these are: never rendered, used to remove them when the member asks.</param>
/// <param name="Attribution">The name to show, already chosen by the member's <see cref="PublicName"/>.</param>
public sealed record OpenItem(string ItemId, string MemberId, string Attribution, string Text);

public sealed record OpenSection(string SectionId, string Title, IReadOnlyList<OpenItem> Items);

/// <summary>
/// The public edition of one published weeknote: only the items that may be read by the world (the section is public,
/// the author did not keep it team-only, the lead did not withhold it). It is what the open weeknote pages and the
/// Atom feed render, and what <c>export public</c> gives.
/// </summary>
public sealed record OpenEdition(
    string SquadName,
    string Slug,
    IsoWeek Week,
    int Edition,
    string Title,
    string DateRange,
    string? Intro,
    IReadOnlyList<OpenSection> Sections,
    DateTimeOffset PublishedAt,
    DateTimeOffset UpdatedAt,
    string? FindOutMoreUrl = null);
