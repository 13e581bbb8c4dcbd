using UpdateBot.Domain;
using UpdateBot.Storage;

namespace UpdateBot.Cycle;

/// <summary>When a squad-week is open for answers, in the squad's time zone.</summary>
public static class WeekWindow
{
    /// <summary>Answers can change until the publish time (or an earlier publish); after that the week is closed.</summary>
    public static DateTimeOffset ClosesAt(Squad squad, IsoWeek week) => squad.Week(week, published: false).ClosesAt;

    public static IsoWeek CurrentWeek(Squad squad, DateTimeOffset now) => WeeklySchedule.WeekAt(squad.TimeZone, now);

    /// <summary>
    /// The week a member's commands ("my update", quiet, away) and a lead's "prompt now" are about: this week until it
    /// closes, then the next one. Free text follows <see cref="SquadWeek.WordsGoAt"/> instead (the lead's desk first).
    /// </summary>
    public static IsoWeek AnsweringWeek(Squad squad, DateTimeOffset now, bool currentPublished)
    {
        var week = CurrentWeek(squad, now);
        return squad.Week(week, currentPublished).IsOpenAt(now) ? week : week.Next();
    }
}
