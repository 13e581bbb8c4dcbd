using System.Text;

namespace UpdateBot.Domain;

/// <summary>What a member wrote last week in a carry-forward section, shown on this week's prompt (never as the answer).</summary>
public sealed record CarriedForward(string SectionId, string SectionTitle, string Text);

/// <summary>A lead marked one blocker of one member resolved on the desk of <paramref name="Week"/>.</summary>
public sealed record BlockerMark(IsoWeek Week, string MemberId, string Key);

/// <summary>
/// One blocker line of a member's <i>Blockers and asks</i> answer, with the week it was first seen: repeated in
/// consecutive updates (<see cref="Continuity.SameBlocker"/>), it keeps that week.
/// </summary>
/// <param name="Key">Identifies the line within its week (<see cref="Continuity.BlockerKey"/>): what a resolve mark names.</param>
public sealed record TrackedBlocker(string Text, string Key, IsoWeek FirstSeen, int WeeksOpen, bool Resolved)
{
    /// <summary>Said more than once, or resolved by a lead: worth showing its age.</summary>
    public bool IsWorthShowing => WeeksOpen >= 2 || Resolved;

}

/// <summary>
/// Blocker ages for one week, by digest item id (<see cref="DigestComposer.ItemId"/>). <see cref="NeedsEarlierWeek"/>:
/// some blocker was still being repeated in the oldest week given, so one more week back could make it older.
/// </summary>
public sealed record BlockerAges(IReadOnlyDictionary<string, IReadOnlyList<TrackedBlocker>> ByItem, bool NeedsEarlierWeek)
{
    public static BlockerAges None { get; } = new(new Dictionary<string, IReadOnlyList<TrackedBlocker>>(), false);
}

/// <summary>
/// The thread from week to week (README, "Continuity"): what a member said last week in a <i>carry forward</i> section
/// comes back on their next prompt, and a blocker they repeat keeps the week it was first seen.
/// </summary>
public static class Continuity
{
    /// <summary>The id of the default "Next week" section.</summary>
    public const string NextWeekSectionId = "next-week";

    /// <summary>The id of <i>Blockers and asks</i> (it survives renames): its lines are the blockers whose age is tracked.</summary>
    public const string BlockersSectionId = "blockers-and-asks";

    /// <summary>How much of last week's words the prompt quotes (the card stays well inside its size budget).</summary>
    public const int MaxQuoteLength = 300;

    /// <summary>How many weeks back a blocker's first sighting is looked for; older ones show this many weeks.</summary>
    public const int LookBackWeeks = 12;

    /// <summary>How many lines of one answer are tracked as blockers (an answer is rarely a long list of them).</summary>
    public const int MaxBlockersPerAnswer = 5;

    /// <summary>By default the "Next week" section and <i>Blockers and asks</i> carry forward.</summary>
    public static IReadOnlySet<string> DefaultCarryForwardSectionIds { get; } = new HashSet<string>([NextWeekSectionId, BlockersSectionId], StringComparer.Ordinal);

    /// <summary>
    /// What to show on this week's prompt: for each current section marked carry forward, in the squad's order, what the
    /// member answered there last week (an answered week only: quiet, away or silent weeks carry nothing), cut to
    /// <see cref="MaxQuoteLength"/> characters.
    /// </summary>
    public static IReadOnlyList<CarriedForward> FromLastWeek(SquadSettings settings, Entry? lastWeek)
    {
        if (lastWeek is not { Status: EntryStatus.Answered })
        {
            return [];
        }

        var carried = new List<CarriedForward>();
        foreach (var section in settings.Sections.Where(s => settings.CarriesForward(s.Id)))
        {
            if (lastWeek.Answers.TryGetValue(section.Id, out var text) && AnswerText.Clean(text) is { Length: > 0 } cleaned)
            {
                carried.Add(new CarriedForward(section.Id, section.Title, Quote(cleaned)));
            }
        }

        return carried;
    }

    /// <summary>The text cut to <see cref="MaxQuoteLength"/> at a word boundary, with "…" when cut.</summary>
    public static string Quote(string text)
    {
        if (text.Length <= MaxQuoteLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', MaxQuoteLength - 1);
        cut = cut < MaxQuoteLength / 2 ? MaxQuoteLength - 1 : cut;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut].TrimEnd() + "…";
    }

    /// <summary>
    /// The blocker lines of an answer: each non-blank line, list markers ("- ", "* ", "• ", "1. ") dropped, the first
    /// <see cref="MaxBlockersPerAnswer"/> of them.
    /// </summary>
    public static IReadOnlyList<string> BlockerLines(string? answer) =>
        AnswerText.Clean(answer).Split('\n')
            .Select(StripListMarker)
            .Where(l => l.Length > 0)
            .Take(MaxBlockersPerAnswer)
            .ToList();

    /// <summary>A line's identity within its week: a fingerprint of its words (<see cref="Words"/>), so spacing and case do not matter.</summary>
    public static string BlockerKey(string line) => TextFingerprint.Of(string.Join(' ', Words(line)));

    /// <summary>
    /// Whether two blocker lines are the same blocker, said again. The rule, deliberately simple: lower-case both, keep
    /// their words (letters and digits), drop common short words (<see cref="StopWords"/>) and a plural "s"; they are the
    /// same when at least 60% of the shorter line's words are in the other, and they share at least two words (one,
    /// when the shorter has only one). "Waiting for IG sign-off" and "Still waiting on IG sign off from the trust" are
    /// the same; "Need a venue" and "Need access to the server" are not.
    /// </summary>
    public static bool SameBlocker(string a, string b)
    {
        var left = Words(a).ToHashSet(StringComparer.Ordinal);
        var right = Words(b).ToHashSet(StringComparer.Ordinal);
        var smaller = Math.Min(left.Count, right.Count);
        if (smaller == 0)
        {
            return false;
        }

        var shared = left.Count(right.Contains);
        return shared >= Math.Min(2, smaller) && shared >= 0.6 * smaller;
    }

    /// <summary>
    /// The age of each blocker line in <paramref name="week"/>'s entries. For each line the member's earlier updates
    /// are walked back week by week (<paramref name="earlier"/>, newest first, one list of entries per week): a week in
    /// which the member answered nothing (no entry, pending, quiet, away) is stepped over; a week in which they answered
    /// and said the same blocker (<see cref="SameBlocker"/>, against the line found in the week after it) moves its
    /// first-seen week back; a week in which they answered without it, or in which a lead had marked it resolved,
    /// ends the walk. A line a lead marked resolved this week is resolved.
    /// </summary>
    public static BlockerAges Age(IsoWeek week, IReadOnlyList<Entry> entries, IReadOnlyList<(IsoWeek Week, IReadOnlyList<Entry> Entries)> earlier, IReadOnlyCollection<BlockerMark> marks)
    {
        var resolved = marks.ToHashSet();
        var byItem = new Dictionary<string, IReadOnlyList<TrackedBlocker>>(StringComparer.Ordinal);
        var needsEarlier = false;
        var history = earlier
            .Select(w => (w.Week, ByMember: w.Entries.GroupBy(e => e.MemberId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderByDescending(e => e.UpdatedAt).First(), StringComparer.Ordinal)))
            .ToList();

        foreach (var entry in entries.Where(e => e.Status == EntryStatus.Answered))
        {
            var lines = BlockerLines(entry.Answers.GetValueOrDefault(BlockersSectionId));
            if (lines.Count == 0)
            {
                continue;
            }

            var tracked = new List<TrackedBlocker>();
            foreach (var line in lines)
            {
                var (firstSeen, walkedOff) = FirstSeen(entry.MemberId, line, history, resolved);
                needsEarlier |= walkedOff;
                var key = BlockerKey(line);
                tracked.Add(new TrackedBlocker(line, key, firstSeen ?? week, WeeksBetween(firstSeen ?? week, week) + 1, resolved.Contains(new BlockerMark(week, entry.MemberId, key))));
            }

            byItem[DigestComposer.ItemId(entry.MemberId, BlockersSectionId)] = tracked;
        }

        return new BlockerAges(byItem, needsEarlier && earlier.Count < LookBackWeeks);
    }

    /// <summary>The digest with each blocker item's ages attached (<see cref="DigestItem.Blockers"/>).</summary>
    public static Digest WithAges(Digest digest, BlockerAges ages) => digest with
    {
        Sections = digest.Sections.Select(s => s with
        {
            Items = s.Items.Select(i => ages.ByItem.TryGetValue(i.ItemId, out var blockers) ? i with { Blockers = blockers } : i).ToList(),
        }).ToList(),
    };

    /// <summary>Whole weeks from <paramref name="from"/> to <paramref name="to"/> (0 for the same week).</summary>
    public static int WeeksBetween(IsoWeek from, IsoWeek to) => (to.Monday.DayNumber - from.Monday.DayNumber) / 7;

    /// <summary>The earliest week of the line's unbroken run, and whether the walk ran out of weeks while still in it.</summary>
    private static (IsoWeek? FirstSeen, bool WalkedOff) FirstSeen(string memberId, string line, List<(IsoWeek Week, Dictionary<string, Entry> ByMember)> history, HashSet<BlockerMark> resolved)
    {
        IsoWeek? firstSeen = null;
        var reference = line;
        foreach (var (week, byMember) in history)
        {
            if (!byMember.TryGetValue(memberId, out var entry) || entry.Status != EntryStatus.Answered || entry.Answers.Values.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var match = BlockerLines(entry.Answers.GetValueOrDefault(BlockersSectionId)).FirstOrDefault(l => SameBlocker(l, reference));
            if (match is null || resolved.Contains(new BlockerMark(week, memberId, BlockerKey(match))))
            {
                return (firstSeen, false);
            }

            firstSeen = week;
            reference = match;
        }

        // Every week given was stepped over or continued the run: an earlier week might continue it too.
        return (firstSeen, true);
    }

    /// <summary>Words that say little about which blocker a line is about.</summary>
    private static readonly HashSet<string> StopWords = new(
    [
        "a", "an", "the", "and", "or", "but", "to", "for", "of", "on", "in", "at", "by", "with", "from", "about", "is", "are",
        "was", "be", "been", "still", "again", "we", "i", "our", "my", "us", "me", "it", "this", "that", "some", "any", "need",
        "needs", "needed", "waiting", "wait", "blocked", "blocker",
    ], StringComparer.Ordinal);

    /// <summary>The line's meaningful words: lower case, letters and digits, stop words and a plural "s" dropped.</summary>
    private static IEnumerable<string> Words(string line)
    {
        var word = new StringBuilder();
        foreach (var c in line.ToLowerInvariant().Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }

            if (word.Length > 0)
            {
                var w = word.ToString();
                word.Clear();
                if (!StopWords.Contains(w))
                {
                    yield return w.Length > 3 && w[^1] == 's' && w[^2] != 's' ? w[..^1] : w;
                }
            }
        }
    }

    private static string StripListMarker(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length >= 2 && trimmed[0] is '-' or '*' or '•' && trimmed[1] == ' ')
        {
            return trimmed[2..].Trim();
        }

        var dot = trimmed.IndexOf(". ", StringComparison.Ordinal);
        return dot is > 0 and <= 3 && trimmed[..dot].All(char.IsAsciiDigit) ? trimmed[(dot + 2)..].Trim() : trimmed;
    }
}
