using System.Text.Json;
using UpdateBot.TestSupport;

namespace UpdateBot.EndToEnd.Tests;

public sealed class AdaptiveCardValidatorTests
{
    [Fact(DisplayName = "Card validator accepts a valid 1.5 card with msteams and rejects broken ones")]
    public async Task Accepts_valid_and_reports_invalid()
    {
        const string valid = """
            {"type":"AdaptiveCard","version":"1.5","msteams":{"width":"Full"},
             "body":[{"type":"TextBlock","text":"Welcome to UpdateBot","wrap":true},{"type":"Input.Text","id":"answer","label":"Answer"}],
             "actions":[{"type":"Action.Execute","title":"Send","verb":"answer"}]}
            """;
        const string unknownElement = """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"NotAnElement"}]}""";
        const string duplicateIds = """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Input.Text","id":"a"},{"type":"Input.Text","id":"a"}]}""";
        const string wrongVersion = """{"type":"AdaptiveCard","version":"1.6","body":[]}""";

        var results = await AdaptiveCardValidator.ValidateAsync(
            [("valid", valid), ("unknown", unknownElement), ("dup", duplicateIds), ("version", wrongVersion)]);

        Assert.True(results.Single(r => r.Name == "valid").Ok, string.Join("; ", results.Single(r => r.Name == "valid").Errors));
        Assert.Contains(results.Single(r => r.Name == "unknown").Errors, e => e.Contains("NotAnElement", StringComparison.Ordinal));
        Assert.Contains(results.Single(r => r.Name == "dup").Errors, e => e.Contains("Duplicate", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(results.Single(r => r.Name == "version").Errors, e => e.Contains("1.5", StringComparison.Ordinal));

        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() =>
            AdaptiveCardValidator.AssertValidAsync(JsonDocument.Parse(unknownElement).RootElement));
        Assert.Contains("NotAnElement", failure.Message, StringComparison.Ordinal);
    }
}
