using UpdateBot.Cards;

namespace UpdateBot.Turns;

/// <summary>
/// Every verb our cards send, with its audience and where it may come from. Answers and the review desk are private:
/// their cards are only ever sent 1:1, so their verbs are only accepted from the sender's own 1:1 chat, and their
/// results (a member's answers, the draft) are only written there, never over a shared channel message.
/// </summary>
public static class CardRoutes
{
    private const CardConversations Anywhere = CardConversations.Personal | CardConversations.Channel;
    private const CardConversations Personal = CardConversations.Personal;

    public static IReadOnlyList<CardRoute> All { get; } =
    [
        CardRoute.For<SetupSaveData>(Verbs.SetupSave, CardAudience.LeadOrFirstSetup, Anywhere, (h, r, d, ct) => h.SaveSetupAsync(r, d, ct)),

        CardRoute.For<PromptData>(Verbs.PromptRefresh, CardAudience.Member, Personal, (h, r, d, ct) => h.ViewAnswerAsync(r, d, forceForm: false, ct)),
        CardRoute.For<PromptData>(Verbs.PromptEdit, CardAudience.Member, Personal, (h, r, d, ct) => h.ViewAnswerAsync(r, d, forceForm: true, ct)),
        CardRoute.For<PromptSubmitData>(Verbs.PromptSubmit, CardAudience.Member, Personal, (h, r, d, ct) => h.SubmitAsync(r, d, ct)),
        CardRoute.For<PromptData>(Verbs.PromptQuiet, CardAudience.Member, Personal, (h, r, d, ct) => h.QuietAsync(r, d, ct)),
        CardRoute.For<PromptAwayData>(Verbs.PromptAway, CardAudience.Member, Personal, (h, r, d, ct) => h.AwayAsync(r, d, ct)),
        CardRoute.For<CaptureData>(Verbs.CaptureMove, CardAudience.Member, Personal, (h, r, d, ct) => h.MoveCaptureAsync(r, d, ct)),
        CardRoute.For<CaptureData>(Verbs.CaptureUndo, CardAudience.Member, Personal, (h, r, d, ct) => h.UndoCaptureAsync(r, d, ct)),

        // Readers ask from the channel post; the answer comes from the author's own 1:1 chat (README, "Questions from readers").
        CardRoute.For<AskData>(Verbs.DigestAsk, CardAudience.Reader, CardConversations.Channel, (h, r, d, ct) => h.AskAsync(r, d, ct)),
        CardRoute.For<QuestionAnswerData>(Verbs.QuestionAnswer, CardAudience.Member, Personal, (h, r, d, ct) => h.AnswerQuestionAsync(r, d, ct)),

        CardRoute.For<SquadChoiceData>(Verbs.SquadChoose, CardAudience.Member, Personal, (h, r, d, ct) => h.ChooseSquadAsync(r, d, ct)),

        CardRoute.For<ReviewRefreshData>(Verbs.DigestRefresh, CardAudience.Lead, Personal, (h, r, d, ct) => h.RefreshReviewAsync(r, d, ct)),
        CardRoute.For<ReviewData>(Verbs.DigestPublish, CardAudience.Lead, Personal, (h, r, d, ct) => h.PublishAsync(r, d, ct)),
        CardRoute.For<ReviewItemData>(Verbs.DigestHide, CardAudience.Lead, Personal, (h, r, d, ct) => h.HideAsync(r, d, hide: true, ct)),
        CardRoute.For<ReviewItemData>(Verbs.DigestRestore, CardAudience.Lead, Personal, (h, r, d, ct) => h.HideAsync(r, d, hide: false, ct)),
        CardRoute.For<ReviewItemData>(Verbs.DigestWithhold, CardAudience.Lead, Personal, (h, r, d, ct) => h.WithholdAsync(r, d, withhold: true, ct)),
        CardRoute.For<ReviewItemData>(Verbs.DigestRelease, CardAudience.Lead, Personal, (h, r, d, ct) => h.WithholdAsync(r, d, withhold: false, ct)),
        CardRoute.For<ReviewBlockerData>(Verbs.DigestResolve, CardAudience.Lead, Personal, (h, r, d, ct) => h.ResolveBlockerAsync(r, d, resolved: true, ct)),
        CardRoute.For<ReviewBlockerData>(Verbs.DigestReopen, CardAudience.Lead, Personal, (h, r, d, ct) => h.ResolveBlockerAsync(r, d, resolved: false, ct)),
        CardRoute.For<ReviewEditData>(Verbs.DigestEdit, CardAudience.Lead, Personal, (h, r, d, ct) => h.EditItemAsync(r, d, ct)),
        CardRoute.For<ReviewIntroData>(Verbs.DigestIntro, CardAudience.Lead, Personal, (h, r, d, ct) => h.EditIntroAsync(r, d, ct)),
        CardRoute.For<ReviewSectionData>(Verbs.DigestMoveUp, CardAudience.Lead, Personal, (h, r, d, ct) => h.MoveSectionAsync(r, d, up: true, ct)),
        CardRoute.For<ReviewSectionData>(Verbs.DigestMoveDown, CardAudience.Lead, Personal, (h, r, d, ct) => h.MoveSectionAsync(r, d, up: false, ct)),
    ];

    private static readonly Dictionary<string, CardRoute> ByVerb = All.ToDictionary(r => r.Verb, StringComparer.Ordinal);

    public static CardRoute? Find(string? verb) => verb is null ? null : ByVerb.GetValueOrDefault(verb);
}
