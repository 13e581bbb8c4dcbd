using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;

namespace UpdateBot.Benchmarks;

/// <summary>What the turn benchmark's load driver needs to know about the seeded store.</summary>
internal sealed record SeedResult(string SquadId, string Week, string Input, string LeadId, int Squads, int MembersPerSquad, int Weeks, int Rows, double Seconds);

/// <summary>
/// Seeds a store for the turn benchmark (docs/benchmarks.md, "Turns"): the benchmark squad (the load driver's members
/// and lead, 50 on its roster) and <c>squads</c> more squads of <c>members</c> each, every one with <c>weeks</c> weeks of
/// answers and published editions. Written with the service's own stores (squads, rosters and the person index,
/// conversation references, editions) so the data has the real shape; the year of answers, by far the most rows, goes
/// in one entity-group transaction per squad-week partition, built by <see cref="EntryStore.ToRow"/>.
/// </summary>
internal static class StoreSeeder
{
    public const string BenchSquadId = "19:bench-squad@thread.tacv2";
    public const string TenantId = "72f988bf-0000-4000-8000-00000000beef";
    public const string BotId = "28:bench-bot";

    /// <summary>The load driver's members are 29:bench-user-N in chat a:bench-chat-N (benchmarks/turns/drive.mjs).</summary>
    public static string BenchUser(int n) => "29:bench-user-" + n.ToString(CultureInfo.InvariantCulture);

    public static async Task<SeedResult> SeedAsync(string connection, string prefix, Uri serviceUrl, int squads, int members, int weeks, int benchMembers, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var time = TimeProvider.System;
        var tables = new Tables(Options.Create(new StorageOptions { ConnectionString = connection, TablePrefix = prefix }));
        await tables.EnsureCreatedAsync(ct);
        var people = new PeopleStore(tables, time);
        var squadStore = new SquadStore(tables, people, time);
        var memberStore = new MemberStore(tables, people, time);
        using var conversations = new ConversationStore(tables, time);
        var entries = new EntryStore(tables, Microsoft.Extensions.Logging.Abstractions.NullLogger<EntryStore>.Instance);
        var editions = new EditionStore(tables);
        var thisWeek = IsoWeek.FromDate(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var rows = 0;

        // answeredThisWeek: every member has answered this week too, so this week's answers table is as full as it gets
        // by the week's end (the benchmark squad's own week is left to the driver's Submits).
        async Task SquadAsync(string squadId, string name, IReadOnlyList<(string Id, string Name)> roster, int historyWeeks, bool answeredThisWeek, CancellationToken token)
        {
            var lead = roster[0].Id;
            await squadStore.RecordInstallAsync(squadId, name, TenantId, serviceUrl.ToString(), BotId, squadId, lead, token);
            var installed = await squadStore.GetAsync(squadId, token) ?? throw new InvalidOperationException("Squad missing after install.");
            if (await squadStore.TrySaveSettingsAsync(installed, installed.Settings with { LeadIds = [lead] }, token) != SettingsWrite.Saved)
            {
                throw new InvalidOperationException($"Could not configure {squadId}.");
            }

            await memberStore.SyncRosterAsync(squadId, roster.Select(m => new RosterEntry(m.Id, m.Name, null, null, "user")).ToList(), token);
            foreach (var (id, memberName) in roster)
            {
                await conversations.SaveAsync(new ConversationReference(ConversationStore.User, id, ChatOf(id), serviceUrl.ToString(), TenantId, BotId, memberName, null, squadId, true), token);
            }

            var sections = SettingsValidation.DefaultSections;
            var week = answeredThisWeek ? thisWeek.Next() : thisWeek;
            for (var w = answeredThisWeek ? -1 : 0; w < historyWeeks; w++)
            {
                week = week.Previous();
                var published = week.DateOf(DayOfWeek.Friday).ToDateTime(new TimeOnly(16, 0), DateTimeKind.Utc);
                var answers = roster.Select((m, i) => new Entry(m.Id, m.Name, EntryStatus.Answered,
                    new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        [sections[i % sections.Count].Id] = $"Week {week}: shipped the thing {m.Name} worked on, and wrote it up for the team.",
                        [sections[(i + 1) % sections.Count].Id] = "Met the service team; learnt how they triage.",
                    },
                    published.AddHours(-30)));
                var weekTable = await entries.WeekTableForWritingAsync(week, token);
                await weekTable.SubmitTransactionAsync(
                    answers.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, EntryStore.ToRow(squadId, week, e))), token);
                Interlocked.Add(ref rows, roster.Count);
                if (w < 0)
                {
                    continue; // this week: answered, not yet published
                }

                await editions.SaveAsync(squadId, week, new EditionRow
                {
                    Edition = historyWeeks - w,
                    Title = $"{name} weeknote {week}",
                    DateRange = week.ToString(),
                    Participation = $"{roster.Count} of {roster.Count} shared an update",
                    Markdown = string.Join("\n", answers.Select(a => $"- {a.Answers.Values.First()} — {a.MemberName}")),
                    PublishedAt = published,
                }, token);
                Interlocked.Add(ref rows, 1);
            }

            Interlocked.Add(ref rows, 1 + (2 * roster.Count));
        }

        // The benchmark squad: the driver's members first (bench-user-0 leads), then more members up to benchMembers.
        var bench = Enumerable.Range(0, benchMembers).Select(n => (BenchUser(n), "Bench User " + n.ToString(CultureInfo.InvariantCulture))).ToList();
        await SquadAsync(BenchSquadId, "Bench squad", bench, weeks, answeredThisWeek: false, ct);

        await Parallel.ForEachAsync(Enumerable.Range(0, squads), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (s, token) =>
        {
            var squadId = $"19:seed-{s:D5}@thread.tacv2";
            var roster = Enumerable.Range(0, members).Select(m => ($"29:seed-{s:D5}-{m:D2}", $"Seeded Person {s}.{m}")).ToList();
            await SquadAsync(squadId, $"Squad {s:D5}", roster, weeks, answeredThisWeek: true, token);
            if ((s + 1) % 100 == 0)
            {
                await Console.Error.WriteLineAsync($"seeded {s + 1}/{squads} squads, {Volatile.Read(ref rows)} rows, {watch.Elapsed.TotalSeconds:0} s");
            }
        });

        return new SeedResult(BenchSquadId, thisWeek.ToString(), PromptCards.SectionInput(SettingsValidation.DefaultSections[0].Id), BenchUser(0), squads, members, weeks, rows, watch.Elapsed.TotalSeconds);
    }

    private static string ChatOf(string userId) =>
        userId.StartsWith("29:bench-user-", StringComparison.Ordinal) ? "a:bench-chat-" + userId["29:bench-user-".Length..] : "a:" + userId[3..];
}
