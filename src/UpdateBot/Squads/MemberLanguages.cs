using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;

namespace UpdateBot.Squads;

/// <summary>
/// The language each person is spoken to in (README, "Welsh and English"): their Teams locale's, or the one they chose
/// with <c>language</c> / <c>iaith</c> (which stands until they say <c>language auto</c>). Kept on their 1:1 chat
/// reference and copied, only when it changes, to their roster row in every squad, so the scheduler's prompts and
/// reminders are in it without reading anything more.
/// </summary>
public sealed class MemberLanguages(ConversationStore conversations, PeopleStore people, MemberStore members)
{
    /// <summary>Copies a person's language to their roster rows.</summary>
    public async Task ApplyAsync(string userId, Language language, CancellationToken cancellationToken)
    {
        foreach (var squadId in await people.SquadIdsAsync(userId, cancellationToken))
        {
            await members.SetLanguageAsync(squadId, userId, language, cancellationToken);
        }
    }

    /// <summary>
    /// <c>language</c> (which one, and how to change it), <c>language Welsh</c> / <c>iaith Cymraeg</c> (choose one),
    /// <c>language auto</c> (follow Teams again). Returns what to tell the person, in the language they now have.
    /// </summary>
    public async Task<string> CommandAsync(string userId, string argument, Language current, CancellationToken cancellationToken)
    {
        var reference = await conversations.GetAsync(ConversationStore.User, userId, cancellationToken);
        if (Languages.ParseChoice(argument) is not { } choice)
        {
            var t = Texts.For(current);
            return reference?.ChosenLanguage is not null
                ? t.Format("Language.Now.Chosen", t["Language.Name." + current])
                : t.Format("Language.Now.Teams", t["Language.Name." + current]);
        }

        if (reference is null)
        {
            return Texts.For(current)["Language.NoChat"];
        }

        var now = await conversations.SetLanguageAsync(userId, choice.Language, cancellationToken) ?? current;
        await ApplyAsync(userId, now, cancellationToken);
        var said = Texts.For(now);
        return choice.Auto ? said.Format("Language.Auto", said["Language.Name." + now]) : said["Language.Done"];
    }
}
