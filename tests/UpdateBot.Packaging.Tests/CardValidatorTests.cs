using System.Text.Json.Nodes;

namespace UpdateBot.Packaging.Tests;

/// <summary>tools/cards/validate-cards.mjs: passes good cards and, just as important, fails bad ones.</summary>
public sealed class CardValidatorTests
{
    [Fact]
    public async Task The_valid_samples_pass()
    {
        var samples = Directory.GetFiles(RepoTools.PathOf("tools", "cards", "samples"), "*.json");
        Assert.NotEmpty(samples);

        var result = await RepoTools.NodeAsync(["tools/cards/validate-cards.mjs", .. samples]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var reports = Reports(result);
        Assert.Equal(samples.Length, reports.Count);
        Assert.All(reports, r => Assert.True(r["ok"]!.GetValue<bool>(), r.ToJsonString()));
    }

    [Fact]
    public async Task The_invalid_sample_fails_with_the_expected_errors()
    {
        var result = await RepoTools.NodeAsync("tools/cards/validate-cards.mjs", "tools/cards/samples/invalid");

        Assert.Equal(1, result.ExitCode);
        var report = Assert.Single(Reports(result));
        Assert.False(report["ok"]!.GetValue<bool>());
        var errors = string.Join('\n', report["errors"]!.AsArray().Select(e => (string)e!));
        Assert.Contains("UnsupportedCardVersion", errors, StringComparison.Ordinal);
        Assert.Contains("UnknownElementType", errors, StringComparison.Ordinal);
        Assert.Contains("UnknownActionType", errors, StringComparison.Ordinal);
        Assert.Contains("DuplicateId", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","msteams":{"width":"Full"},"body":[{"type":"TextBlock","text":"hi","wrap":true}]}""", true)]
    [InlineData("""{"contentType":"application/vnd.microsoft.card.adaptive","content":{"type":"AdaptiveCard","version":"1.5","body":[]}}""", true)]
    [InlineData("""{"type":"AdaptiveCard","version":"1.4","body":[]}""", false)]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","teams":{},"body":[]}""", false)]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Input.Text","id":"a","isRequired":true,"label":"A"}]}""", false)]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[""", false)]
    public async Task Single_cards_are_judged_as_expected(string card, bool valid)
    {
        using var temp = new TempFolder();
        var file = temp.File("card.json");
        await File.WriteAllTextAsync(file, card);

        var result = await RepoTools.NodeAsync("tools/cards/validate-cards.mjs", file);

        Assert.True(result.ExitCode == (valid ? 0 : 1), result.ToString());
        Assert.Equal(valid, Assert.Single(Reports(result))["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_card_over_28_KB_as_UTF_16_fails()
    {
        using var temp = new TempFolder();
        var file = temp.File("big.json");
        var text = new string('x', 15_000);
        await File.WriteAllTextAsync(file, $$"""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"{{text}}"}]}""");

        var result = await RepoTools.NodeAsync("tools/cards/validate-cards.mjs", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("TooLarge", result.StdOut, StringComparison.Ordinal);
    }

    private static List<JsonNode> Reports(ProcessResult result) =>
        result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
}
