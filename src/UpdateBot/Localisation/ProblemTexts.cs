using System.Globalization;
using UpdateBot.Domain;
using UpdateBot.Turns;

namespace UpdateBot.Localisation;

/// <summary>
/// Words the domain's typed problems and findings in a person's language: a text over its length limit
/// (<see cref="TooLong"/>), what is wrong with the setup card (<see cref="SettingsProblem"/>) or a glossary entry
/// (<see cref="GlossaryProblem"/>), a choice of public name (<see cref="PublicName"/>), the plain-English advice on the review desk (<see cref="PlainEnglishFinding"/>), and
/// why a send did not go out (<see cref="DeliveryReason"/>).
/// The domain references nothing, so it decides what is wrong and this is the one place that says it
/// (docs/localisation.md). Numbers are written as the English text always wrote them ("2,001").
/// </summary>
public static class ProblemTexts
{
    /// <summary>A member's answer to <paramref name="sectionTitle"/> (as the squad named it) is too long.</summary>
    public static string SectionTooLong(this Texts t, string sectionTitle, TooLong tooLong) =>
        t.Format("Problem.SectionTooLong", sectionTitle, Texts.Number(tooLong.Length), Texts.Number(tooLong.Limit));

    /// <summary>A lead's edit of an item on the review desk is too long.</summary>
    public static string ItemTooLong(this Texts t, TooLong tooLong) =>
        t.Format("Problem.ItemTooLong", Texts.Number(tooLong.Length), Texts.Number(tooLong.Limit));

    /// <summary>A lead's intro on the review desk is too long.</summary>
    public static string IntroTooLong(this Texts t, TooLong tooLong) =>
        t.Format("Problem.IntroTooLong", Texts.Number(tooLong.Length), Texts.Number(tooLong.Limit));

    public static string Explain(this Texts t, SettingsProblem problem) => problem switch
    {
        SettingsProblem.NameMissing => t["Setup.NameMissing"],
        SettingsProblem.NameTooLong p => t.Format("Problem.NameTooLong", Texts.Number(p.Length), Texts.Number(p.Limit)),
        SettingsProblem.UnknownTimeZone p => t.Format("Problem.UnknownTimeZone", p.Typed),
        SettingsProblem.NotADay p => t.Format("Problem.NotADay", StepName(t, p.Step), p.Typed),
        SettingsProblem.NotATime p => t.Format("Problem.NotATime", StepName(t, p.Step), p.Typed),
        SettingsProblem.ReminderOutOfOrder p => t.Format("Problem.ReminderOutOfOrder", Describe(t, p.Remind), Describe(t, p.Open), Describe(t, p.Compile)),
        SettingsProblem.PublishBeforeCompile p => t.Format("Problem.PublishBeforeCompile", Describe(t, p.Publish), Describe(t, p.Compile)),
        SettingsProblem.NoSections => t["Problem.NoSections"],
        SettingsProblem.TooManySections p => t.Format("Problem.TooManySections", Texts.Number(p.Count), Texts.Number(p.Limit)),
        SettingsProblem.SectionUnnamed p => t.Format("Problem.SectionUnnamed", Texts.Number(p.Number)),
        SettingsProblem.SectionTitleTooLong p => t.Format("Problem.SectionTitleTooLong", Texts.Number(p.Number), Texts.Number(p.Length), Texts.Number(p.Limit)),
        SettingsProblem.SectionListedTwice p => t.Format("Problem.SectionListedTwice", p.Title),
        SettingsProblem.BadOpenSlug p => t.Format("Problem.BadOpenSlug", p.Typed, Texts.Number(p.Limit)),
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "A settings problem with no words."),
    };

    public static string Explain(this Texts t, GlossaryProblem problem) => problem switch
    {
        GlossaryProblem.NotAnAcronym p => t.Format("Problem.NotAnAcronym", p.Typed, Texts.Number(p.Limit)),
        GlossaryProblem.BadExpansion p => t.Format("Problem.BadExpansion", p.Acronym, Texts.Number(p.Limit), Commands.Word(CommandKind.Glossary, t.Language)),
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "A glossary problem with no words."),
    };

    /// <summary>One piece of plain-English advice; its quotes are the member's words, as written.</summary>
    public static string Advice(this Texts t, PlainEnglishFinding finding) => finding switch
    {
        PlainEnglishFinding.LongSentence f => t.Format("Advice.LongSentence", Texts.Number(f.Words), Texts.Number(f.Limit), f.Start),
        PlainEnglishFinding.UnexpandedAcronym { Expansion: { } expansion } f => t.Format("Advice.Acronym.Known", f.Acronym, expansion),
        PlainEnglishFinding.UnexpandedAcronym f => t.Format("Advice.Acronym.Unknown", f.Acronym, Commands.Word(CommandKind.Glossary, t.Language)),
        PlainEnglishFinding.HardToRead f => t.Format("Advice.HardToRead", f.Score.ToString("0", CultureInfo.InvariantCulture), f.Minimum.ToString("0", CultureInfo.InvariantCulture)),
        PlainEnglishFinding.VagueLink f => t.Format("Advice.VagueLink", f.Label),
        PlainEnglishFinding.BareAddress f => t.Format("Advice.BareAddress", f.Start),
        PlainEnglishFinding.InsideTeam f => t.Format("Advice.InsideTeam", f.Phrase),
        _ => throw new ArgumentOutOfRangeException(nameof(finding), finding, "A plain-English finding with no words."),
    };

    /// <summary>How a choice of public name is described to its member ("your full name"); an unknown stored value reads as the default.</summary>
    public static string Describe(this Texts t, PublicName choice) => t["PublicName." + (Enum.IsDefined(choice) ? choice : PublicName.Anonymous)];

    /// <summary>Why a send did not simply go out, or why a member cannot be reached.</summary>
    public static string Reason(this Texts t, DeliveryReason reason) => t.Format("Reason." + reason.Code, reason.Value);

    /// <summary>A reason in English, as stored beside its code (<see cref="DeliveryReason.Stored"/>) and logged: what earlier versions, and a reader of the table, see.</summary>
    public static string? StoredDetail(DeliveryReason? reason) => reason is null ? null : Texts.English.Reason(reason);

    /// <summary>
    /// A reason as stored on a marker or roster row: said from its code when there is one this version knows, else the
    /// English <paramref name="storedDetail"/> as recorded (rows written before codes were stored, or step failures).
    /// </summary>
    public static string? Reason(this Texts t, string? storedCode, string? storedDetail) =>
        DeliveryReason.Read(storedCode) is { } reason ? t.Reason(reason) : storedDetail;

    /// <summary>How a step of the week is named inside a sentence ("The prompt day …").</summary>
    private static string StepName(Texts t, CycleStep step) => t["Problem.Step." + step];

    /// <summary>A step's day and time, short: "Fri 10:00" (English, as always), "Gwen 10:00" (Welsh).</summary>
    private static string Describe(Texts t, WeeklyTime at) =>
        $"{t.DateCulture.DateTimeFormat.GetAbbreviatedDayName(at.Day)} {at.Time.ToString("HH:mm", CultureInfo.InvariantCulture)}";
}
