using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using UpdateBot.Tests.Fuzz;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 9, acceptance: ten thousand generated hostile activities through the real endpoint of the real service on
/// Azurite. No input may produce a 5xx; the service stays up; a valid turn is answered normally afterwards.
/// </summary>
public sealed class HostileActivityFuzzTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const int Seed = 20_260_309;
    private const int Activities = 10_000;
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Ten_thousand_hostile_activities_get_no_5xx_and_a_valid_turn_is_answered_after()
    {
        await using var squad = new TestSquad(tables, "fuzz", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.TickAsync(); // this week's prompts are out: answers, captures and the review desk have something to act on
        var generator = new HostileActivities(Seed, new FuzzTarget(
            TestSquad.TeamId, [.. TestSquad.People.Select(p => p.Id)], "2026-W48", [.. seeded.Settings.Sections.Select(s => s.Id)]));

        var serverErrors = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        using var client = host.CreateClient();
        await Parallel.ForEachAsync(Enumerable.Range(0, Activities), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (index, cancellationToken) =>
        {
            var body = generator.Body(index);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync("/api/messages", content, cancellationToken);
            statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            if ((int)response.StatusCode >= 500)
            {
                serverErrors.Enqueue(string.Create(CultureInfo.InvariantCulture, $"#{index} → {(int)response.StatusCode}: {Shorten(Encoding.UTF8.GetString(body))}"));
            }
        });

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}×{s.Value}"));
        Assert.True(serverErrors.IsEmpty, $"{serverErrors.Count} responses ≥ 500 (seed {Seed}; {summary}):\n{string.Join("\n", serverErrors.Take(10))}\nService errors:\n{string.Join("\n", host.Logs.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).Select(FirstLines).Distinct().Take(10))}");
        Assert.True(statuses.Keys.Count(s => s == HttpStatusCode.OK) == 1 && statuses[HttpStatusCode.OK] > Activities / 4, $"Too few activities got past the boundary to exercise the service: {summary}");

        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var before = squad.Teams.SendsTo("29:ada").Count;
        using var help = await host.PostActivityAsync(Infrastructure.Activities.PersonalMessage("29:ada", "Ada Lovelace", "help"));
        host.AssertOk(help);
        var answer = Assert.Single(squad.Teams.SendsTo("29:ada").Skip(before));
        Assert.Contains("AdaptiveCard", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TRIGGER", "5")]
    [InlineData("Action", "{\"type\":\"Action.Execute\",\"verb\":7}")]
    public async Task A_card_action_with_a_case_variant_key_of_another_type_is_400_not_500(string key, string json)
    {
        // The boundary reads the first matching key; the typed read keeps the last: a mismatch must still be the caller's error.
        await using var squad = new TestSquad(tables, "dupkey", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var activity = Infrastructure.Activities.Execute(TestSquad.Lead, "Lena Lead", UpdateBot.Cards.Verbs.DigestRefresh, new System.Text.Json.Nodes.JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = "2026-W48" });
        activity["value"]![key] = System.Text.Json.Nodes.JsonNode.Parse(json);

        var (status, body) = await host.InvokeAsync(activity);

        Assert.True((int)status < 500, $"{(int)status}");
        Assert.Equal(400, body?["statusCode"]?.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.error", body?["type"]?.GetValue<string>());
    }

    /// <summary>The exception's first line and the frames of the service's own code: enough to find the cause.</summary>
    private static string FirstLines(string log)
    {
        var lines = log.Split('\n');
        return string.Join("\n", lines.Take(1).Concat(lines.Where(l => l.Contains(" at UpdateBot.", StringComparison.Ordinal)).Take(4)));
    }

    private static string Shorten(string body) => body.Length <= 400 ? body : body[..400] + $"… ({body.Length} chars)";
}
