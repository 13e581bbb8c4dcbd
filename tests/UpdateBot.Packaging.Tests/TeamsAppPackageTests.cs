using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace UpdateBot.Packaging.Tests;

/// <summary>The Teams app: manifest template, icons, the packaging command and the manifest validator.</summary>
public sealed class TeamsAppPackageTests
{
    private const string BotId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    private const string Domain = "updatebot-test.azurewebsites.net";

    private static readonly string[] PersonalCommands =
        ["help", "my update", "quiet", "away until", "back", "my data", "status", "prompt now", "remind now", "send again", "preview", "settings"];

    // In the channel the bot refuses what shows people's answers (status, preview, export) and a member's own commands.
    private static readonly string[] TeamCommands = ["help", "settings", "prompt now", "remind now", "history"];

    [Fact]
    public async Task Packaging_a_filled_manifest_gives_a_zip_that_passes_the_official_schema_and_icon_checks()
    {
        using var temp = new TempFolder();
        var zip = temp.File("app.zip");

        var packaged = await RepoTools.NodeAsync("tools/manifest/package-app.mjs", "--bot-id", BotId, "--domain", Domain, "--app-version", "1.2.3", "--out", zip);
        Assert.True(packaged.ExitCode == 0, packaged.ToString());

        var validated = await RepoTools.NodeAsync("tools/manifest/validate-manifest.mjs", zip);
        Assert.True(validated.ExitCode == 0, validated.ToString());
        var report = JsonNode.Parse(validated.StdOut.Trim())!;
        Assert.True(report["ok"]!.GetValue<bool>(), validated.StdOut);
        Assert.Empty(report["errors"]!.AsArray());

        using var archive = ZipFile.OpenRead(zip);
        Assert.Equal(["color.png", "manifest.json", "outline.png"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var manifestStream = archive.GetEntry("manifest.json")!.Open();
        var manifest = JsonNode.Parse(manifestStream)!;
        Assert.DoesNotContain("${{", manifest.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("1.2.3", (string?)manifest["version"]);
        Assert.Equal(BotId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal(Domain, (string?)manifest["validDomains"]![0]);
        Assert.Equal("1.30", (string?)manifest["manifestVersion"]);
        Assert.Equal("https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json", (string?)manifest["$schema"]);
        Assert.Equal("team", (string?)manifest["defaultInstallScope"]);
        // The service answers these (PublishedServiceTests), so the package's links never 404.
        Assert.Equal($"https://{Domain}/privacy", (string?)manifest["developer"]!["privacyUrl"]);
        Assert.Equal($"https://{Domain}/terms", (string?)manifest["developer"]!["termsOfUseUrl"]);
        Assert.Equal((192, 192), PngSize(ReadEntry(archive, "color.png")));
        Assert.Equal((32, 32), PngSize(ReadEntry(archive, "outline.png")));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    public async Task Packaging_refuses_a_bot_id_that_is_not_a_guid(string botId)
    {
        using var temp = new TempFolder();
        var zip = temp.File("app.zip");

        var result = await RepoTools.NodeAsync("tools/manifest/package-app.mjs", "--bot-id", botId, "--domain", Domain, "--out", zip);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("BOT_ID must be", result.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(zip));
    }

    [Fact]
    public async Task The_validator_fails_the_unfilled_template()
    {
        var result = await RepoTools.NodeAsync("tools/manifest/validate-manifest.mjs", "manifest");

        Assert.Equal(1, result.ExitCode);
        var errors = JsonNode.Parse(result.StdOut.Trim())!["errors"]!.AsArray().Select(e => (string)e!).ToList();
        Assert.Contains(errors, e => e.StartsWith("unfilled placeholders", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("schema: /bots/0/botId", StringComparison.Ordinal));
    }

    [Fact]
    public void The_icons_are_PNGs_of_the_sizes_Teams_requires_and_the_outline_has_an_alpha_channel()
    {
        var color = File.ReadAllBytes(RepoTools.PathOf("manifest", "color.png"));
        var outline = File.ReadAllBytes(RepoTools.PathOf("manifest", "outline.png"));

        Assert.Equal((192, 192), PngSize(color));
        Assert.Equal((32, 32), PngSize(outline));
        Assert.Equal(6, outline[25]); // IHDR colour type 6 = RGBA
    }

    [Fact]
    public void The_command_lists_match_the_implemented_commands_and_stay_within_ten()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(RepoTools.PathOf("manifest", "manifest.json")))!;
        var bot = manifest["bots"]!.AsArray().Single()!;
        string[] Commands(string scope) => bot["commandLists"]!.AsArray()
            .Single(l => l!["scopes"]!.AsArray().Any(s => (string?)s == scope))!["commands"]!.AsArray()
            .Select(c => (string)c!["title"]!).ToArray();

        Assert.Equal(PersonalCommands, Commands("personal"));
        Assert.Equal(TeamCommands, Commands("team"));
        Assert.InRange(Commands("personal").Length, 1, 12); // manifest 1.30: at most 12 commands per list
        Assert.InRange(Commands("team").Length, 1, 12);
        Assert.Equal(["personal", "team"], bot["scopes"]!.AsArray().Select(s => (string)s!));
        Assert.False(bot["supportsFiles"]!.GetValue<bool>());
        Assert.Null(bot["supportsSessions"]);
        Assert.Equal("team", (string?)manifest["defaultInstallScope"]);
    }

    [Theory]
    [InlineData("1.30", 13, "schema: /bots/0/commandLists/0/commands must NOT have more than 12 items")]
    [InlineData("1.99", 12, "no bundled schema for manifest version 1.99")]
    [InlineData("1.30", 12, "$schema must be https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json", "https://developer.microsoft.com/json-schemas/teams/v1.19/MicrosoftTeams.schema.json")]
    public async Task The_validator_uses_the_bundled_official_schema_of_the_manifest_s_version(string version, int personalCommands, string error, string? schemaUrl = null)
    {
        using var temp = new TempFolder();
        var packaged = await RepoTools.NodeAsync("tools/manifest/package-app.mjs", "--bot-id", BotId, "--domain", Domain, "--out", temp.File("app.zip"));
        Assert.True(packaged.ExitCode == 0, packaged.ToString());
        JsonNode manifest;
        using (var archive = ZipFile.OpenRead(temp.File("app.zip")))
        {
            manifest = JsonNode.Parse(ReadEntry(archive, "manifest.json"))!;
        }

        manifest["manifestVersion"] = version;
        manifest["$schema"] = schemaUrl ?? $"https://developer.microsoft.com/json-schemas/teams/v{version}/MicrosoftTeams.schema.json";
        var commands = manifest["bots"]![0]!["commandLists"]![0]!["commands"]!.AsArray();
        while (commands.Count < personalCommands)
        {
            commands.Add(new JsonObject { ["title"] = "extra " + commands.Count });
        }

        File.WriteAllText(temp.File("manifest.json"), manifest.ToJsonString());
        File.Copy(RepoTools.PathOf("manifest", "color.png"), temp.File("color.png"));
        File.Copy(RepoTools.PathOf("manifest", "outline.png"), temp.File("outline.png"));

        var result = await RepoTools.NodeAsync("tools/manifest/validate-manifest.mjs", temp.Path);

        Assert.Equal(1, result.ExitCode);
        var errors = JsonNode.Parse(result.StdOut.Trim())!["errors"]!.AsArray().Select(e => (string)e!).ToList();
        Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }

    private static byte[] ReadEntry(ZipArchive archive, string name)
    {
        using var stream = archive.GetEntry(name)!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static (int Width, int Height) PngSize(byte[] png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(png.AsSpan(0, 8).SequenceEqual(signature), "not a PNG");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
