using UpdateBot.Domain;
using UpdateBot.Storage;

namespace UpdateBot.Digests;

/// <summary>
/// The open (public) edition of each published weeknote, with each person's consent (README, "The open weeknote"):
/// produced on publish when the squad publishes openly, rebuilt on a correction, taken down when the squad stops,
/// moved with a new address, renamed when a member asks, and emptied of a member's words on their erasure. The
/// rules of what may be public are <see cref="OpenConsent"/>'s; the pages read what this saves (<see cref="OpenEditionStore"/>).
/// </summary>
public sealed partial class OpenWeeknoteService(OpenEditionStore store, PeopleStore people, MemberStore members, SquadStore squads, TimeProvider time, ILogger<OpenWeeknoteService> logger)
{
    /// <summary>
    /// Saves the open edition of a published digest (a no-op when the squad does not publish openly). Called on every
    /// publish and every correction: a correction rebuilds it from the corrected digest, keeping its first publish time
    /// and the names its authors had in it.
    /// </summary>
    public async Task SaveAsync(Squad squad, Digest digest, CancellationToken cancellationToken)
    {
        if (!squad.Settings.PublishOpenly)
        {
            return;
        }

        var before = await store.GetAsync(squad.Settings.EffectiveOpenSlug, digest.Week, cancellationToken);
        var now = time.GetUtcNow();
        var edition = OpenConsent.Build(digest, squad.Settings, await PublicNamesAsync(digest, cancellationToken), before?.PublishedAt ?? now, now, before);
        if (before is not null && SameContent(before, edition))
        {
            return;
        }

        await store.SaveAsync(edition, cancellationToken);
        LogSaved(logger, edition.Slug, edition.Week, edition.Edition);
    }

    /// <summary>
    /// The public Markdown of a week: the saved open edition, else what publishing now would make of the draft. Null when
    /// the squad does not publish openly.
    /// </summary>
    public async Task<string?> ExportAsync(Squad squad, Digest current, CancellationToken cancellationToken)
    {
        if (!squad.Settings.PublishOpenly)
        {
            return null;
        }

        var saved = await store.GetAsync(squad.Settings.EffectiveOpenSlug, current.Week, cancellationToken);
        var now = time.GetUtcNow();
        return OpenWeeknoteMarkdown.Render(saved ?? OpenConsent.Build(current, squad.Settings, await PublicNamesAsync(current, cancellationToken), now, now));
    }

    /// <summary>
    /// After a lead saved the settings: turning <i>Publish openly</i> off deletes every open edition (the pages 404);
    /// a new web address moves them to it (the old one 404s). Returns how many editions went or moved.
    /// </summary>
    public async Task<int> SettingsChangedAsync(Squad before, SquadSettings after, CancellationToken cancellationToken)
    {
        var oldSlug = before.Settings.EffectiveOpenSlug;
        if (!before.Settings.PublishOpenly || (after.PublishOpenly && after.EffectiveOpenSlug == oldSlug))
        {
            return 0;
        }

        if (after.PublishOpenly)
        {
            foreach (var edition in await store.ListAsync(oldSlug, cancellationToken))
            {
                await store.SaveAsync(edition with { Slug = after.EffectiveOpenSlug }, cancellationToken);
            }
        }

        return await store.DeleteAllAsync(oldSlug, cancellationToken);
    }

    /// <summary>Removes the member's items from every open edition of the squad (their erasure). Returns how many editions changed.</summary>
    public async Task<int> EraseMemberAsync(string squadId, string memberId, CancellationToken cancellationToken)
    {
        var squad = await squads.GetAsync(squadId, cancellationToken);
        if (squad is null)
        {
            return 0;
        }

        // Every slug the squad has published under is this one: a new address moves the editions, turning off deletes them.
        return (await store.RemoveMemberAsync(squad.Settings.EffectiveOpenSlug, memberId, time.GetUtcNow(), cancellationToken)).Count;
    }

    /// <summary>
    /// The member's new public name, applied to the open editions already published in every squad of theirs (when they
    /// ask: <c>public name first everywhere</c>). Returns how many editions changed.
    /// </summary>
    public async Task<int> RenameEverywhereAsync(string userId, PublicName name, CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var squadId in await people.SquadIdsAsync(userId, cancellationToken))
        {
            if (await squads.GetAsync(squadId, cancellationToken) is not { Settings.PublishOpenly: true } squad)
            {
                continue;
            }

            var fullName = (await members.GetAsync(squadId, userId, cancellationToken))?.Name;
            foreach (var edition in await store.ListAsync(squad.Settings.EffectiveOpenSlug, cancellationToken))
            {
                if (OpenConsent.Renamed(edition, userId, OpenConsent.Attribution(name, fullName), time.GetUtcNow()) is { } renamed)
                {
                    await store.SaveAsync(renamed, cancellationToken);
                    changed++;
                }
            }
        }

        return changed;
    }

    private async Task<Func<string, PublicName>> PublicNamesAsync(Digest digest, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, PublicName>(StringComparer.Ordinal);
        foreach (var memberId in digest.Sections.SelectMany(s => s.Items).Select(i => i.MemberId).Distinct(StringComparer.Ordinal))
        {
            names[memberId] = await people.GetPublicNameAsync(memberId, cancellationToken) ?? PublicName.Anonymous;
        }

        return id => names.GetValueOrDefault(id, PublicName.Anonymous);
    }

    private static bool SameContent(OpenEdition a, OpenEdition b) =>
        a.Title == b.Title && a.Intro == b.Intro && a.Slug == b.Slug
        && a.Sections.Count == b.Sections.Count
        && a.Sections.Zip(b.Sections).All(p => p.First.SectionId == p.Second.SectionId && p.First.Title == p.Second.Title && p.First.Items.SequenceEqual(p.Second.Items));

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved the open edition {Slug}/{Week} (Update {Edition})")]
    private static partial void LogSaved(ILogger logger, string slug, IsoWeek week, int edition);
}
