using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Domain;
using UpdateBot.EndToEnd.Tests.Infrastructure;
using UpdateBot.Hosting;
using UpdateBot.Storage;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>
/// The service on Kestrel with seeded open editions, and <c>tools/pages/check-pages.mjs</c> run once against it:
/// headless Chromium (Debian's, never a downloaded build) loads the index, an edition and a hostile edition, axe-core
/// checks them, and feedparser reads the Atom feed. The edition page's screenshot is saved for the README
/// (<c>UPDATEBOT_SCREENSHOTS_DIR</c>, default <c>artifacts/screenshots</c>; <c>scripts/screenshots.sh</c> sets docs/images).
/// </summary>
public sealed class OpenWeeknotePagesFixture : IAsyncLifetime
{
    public const string Slug = "mental-health-discovery";
    public const string ScreenshotName = "weeknote-page.png";
    private AzuriteStorage? storage;

    public UpdateBotHost Bot { get; private set; } = null!;

    public JsonElement Results { get; private set; }

    public string IndexUrl => new Uri(Bot.BaseAddress, $"/weeknotes/{Slug}/").AbsoluteUri;

    public string EditionUrl => new Uri(Bot.BaseAddress, $"/weeknotes/{Slug}/2026-W48/").AbsoluteUri;

    public string HostileUrl => new Uri(Bot.BaseAddress, "/weeknotes/hostile/2026-W48/").AbsoluteUri;

    /// <summary>A page with known failures (no lang, an image without alt text): shows that axe-core ran and reports them.</summary>
    public const string ControlUrl = "data:text/html,<!doctype html><html><head><title>control</title></head><body><main><img src=\"data:,\"></main></body></html>";

    public string FeedUrl => new Uri(Bot.BaseAddress, $"/weeknotes/{Slug}/feed.atom").AbsoluteUri;

    public string ScreenshotPath { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("UPDATEBOT_SCREENSHOTS_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir, RepoPaths.Root) : Path.Combine(RepoPaths.Root, "artifacts", "screenshots"),
        ScreenshotName);

    public JsonElement Page(string url) =>
        Results.GetProperty("pages").EnumerateArray().Single(p => p.GetProperty("url").GetString() == url);

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {chromium}: these tests need Debian's chromium (./test.sh installs it when it runs as root; else run 'sudo apt-get install -y chromium', or set CHROMIUM).");
        }

        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        storage = await AzuriteStorage.AcquireAsync(startup.Token);
        Bot = UpdateBotHost.Start(UpdateBotHost.DefaultSettings(storage.ConnectionString, "pages" + Guid.NewGuid().ToString("N")[..10]));
        await Bot.Services.GetRequiredService<StorageInitializer>().Created.WaitAsync(startup.Token);
        var store = Bot.Services.GetRequiredService<OpenEditionStore>();
        await store.SaveAsync(OpenEditionSamples.Edition(Slug, new IsoWeek(2026, 47), 1), startup.Token);
        await store.SaveAsync(OpenEditionSamples.Edition(Slug, new IsoWeek(2026, 48), 2), startup.Token);
        const string hostile = "<script>document.title='pwned'</script> <img src=x onerror=\"document.title='pwned'\"> [x](javascript:document.title='pwned') &lt;b&gt; \u202Eevil";
        await store.SaveAsync(OpenEditionSamples.Edition("hostile", new IsoWeek(2026, 48), 1, "<b>Hostile</b>") with
        {
            Intro = hostile,
            Sections = [new OpenSection("highlights", "Highlights", [new OpenItem("m/highlights", "m", "<a href=x>Eve</a>", hostile)])],
        }, startup.Token);

        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        Results = await RunAsync(chromium, startup.Token);

        // What the browser and axe-core found, whole, for a person to read after the run (artifacts/ is not committed).
        var report = Path.Combine(RepoPaths.Root, "artifacts", "open-weeknote-pages.json");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        await File.WriteAllTextAsync(report, JsonSerializer.Serialize(Results, new JsonSerializerOptions { WriteIndented = true }), startup.Token);
    }

    private async Task<JsonElement> RunAsync(string chromium, CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepoPaths.Root, "tools", "pages", "check-pages.mjs");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("UPDATEBOT_NODE") ?? "node")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[] { script, "--chromium", chromium, "--page", IndexUrl, "--page", EditionUrl, "--page", HostileUrl, "--page", ControlUrl, "--feed", FeedUrl, "--screenshot", EditionUrl + "=" + ScreenshotPath })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start node.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in time. stderr:\n{await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed (exit {process.ExitCode}):\n{await stderr}\nBot log:\n{Bot.Logs.Tail()}");
        }

        using var document = JsonDocument.Parse(await stdout);
        return document.RootElement.Clone();
    }

    public Task DisposeAsync() => AsyncDisposables.DisposeInOrderAsync(Bot, storage);
}

public sealed class OpenWeeknotePagesInBrowserTests(OpenWeeknotePagesFixture pages) : IClassFixture<OpenWeeknotePagesFixture>
{
    [Fact]
    public void The_index_and_edition_pages_have_no_serious_or_critical_axe_violations_at_WCAG_2_2_AA()
    {
        foreach (var url in new[] { pages.IndexUrl, pages.EditionUrl })
        {
            var page = pages.Page(url);
            Assert.Equal(200, page.GetProperty("status").GetInt32());
            Assert.StartsWith("4.", page.GetProperty("axeVersion").GetString(), StringComparison.Ordinal);
            var serious = page.GetProperty("violations").EnumerateArray()
                .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
                .Select(v => v.GetRawText())
                .ToList();
            Assert.True(serious.Count == 0, $"{url}:\n{string.Join('\n', serious)}");
        }
    }

    [Fact]
    public void Axe_core_ran_it_reports_the_known_failures_of_a_control_page()
    {
        var ids = pages.Page(OpenWeeknotePagesFixture.ControlUrl).GetProperty("violations").EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => v.GetProperty("id").GetString())
            .ToList();

        Assert.Contains("html-has-lang", ids);
        Assert.Contains("image-alt", ids);
    }

    [Fact]
    public void A_reader_sees_one_h1_British_English_styled_pages_with_no_script_and_nothing_from_elsewhere()
    {
        foreach (var url in new[] { pages.IndexUrl, pages.EditionUrl, pages.HostileUrl })
        {
            var page = pages.Page(url);
            Assert.Equal("en-GB", page.GetProperty("lang").GetString());
            Assert.Equal(1, page.GetProperty("h1").GetInt32());
            Assert.True(page.GetProperty("styleApplied").GetBoolean(), $"{url}: the page's stylesheet was blocked (its CSP hash does not match)");
            Assert.Equal(0, page.GetProperty("scripts").GetInt32());
            Assert.Empty(page.GetProperty("otherOrigins").EnumerateArray());
            Assert.Equal(1, page.GetProperty("requests").GetInt32());
            Assert.Empty(page.GetProperty("consoleErrors").EnumerateArray());
            Assert.Empty(page.GetProperty("cookies").EnumerateArray());
            Assert.DoesNotContain(page.GetProperty("links").EnumerateArray(), l => string.IsNullOrWhiteSpace(l.GetProperty("text").GetString()));
        }

        var edition = pages.Page(pages.EditionUrl);
        Assert.Equal(
            ["h1 Mental Health Discovery weeknotes — Update 2", "h2 Highlights", "h2 Discovery and delivery", "h2 Reading and links"],
            edition.GetProperty("headings").EnumerateArray().Select(h => h.GetString()));
    }

    [Fact]
    public void Hostile_words_are_shown_as_text_in_the_browser_and_run_nothing()
    {
        var page = pages.Page(pages.HostileUrl);

        Assert.Equal("Hostile weeknotes — Update 1, 23–27 Nov 2026", page.GetProperty("title").GetString()!.Replace("<b>", "", StringComparison.Ordinal).Replace("</b>", "", StringComparison.Ordinal));
        Assert.DoesNotContain("pwned", page.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.All(page.GetProperty("links").EnumerateArray(), l => Assert.DoesNotContain("javascript", l.GetProperty("href").GetString() ?? "", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_feed_parses_with_feedparser_as_Atom_with_full_content_per_entry()
    {
        var feed = pages.Results.GetProperty("feed");

        Assert.Equal(200, feed.GetProperty("status").GetInt32());
        Assert.StartsWith("application/atom+xml", feed.GetProperty("contentType").GetString(), StringComparison.Ordinal);
        Assert.Equal("atom", feed.GetProperty("type").GetString());
        Assert.Equal("1.0", feed.GetProperty("version").GetString());
        Assert.Equal("Mental Health Discovery weeknotes", feed.GetProperty("title").GetString());
        var items = feed.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["Mental Health Discovery weeknotes — Update 2", "Mental Health Discovery weeknotes — Update 1"], items.Select(i => i.GetProperty("title").GetString()));
        Assert.Equal([pages.EditionUrl, new Uri(new Uri(pages.IndexUrl), "2026-W47/").AbsoluteUri], items.Select(i => i.GetProperty("guid").GetString()));
        Assert.Equal(items.Select(i => i.GetProperty("guid").GetString()), items.Select(i => i.GetProperty("link").GetString()));
        var content = items[0].GetProperty("description").GetString()!;
        Assert.Contains("<h2>Discovery and delivery</h2>", content, StringComparison.Ordinal);
        Assert.Contains("— Sam Okafor", content, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.Parse("2026-11-27T15:30:00Z", System.Globalization.CultureInfo.InvariantCulture), items[0].GetProperty("date").GetDateTimeOffset());
    }

    [Fact]
    public void The_edition_page_screenshot_is_saved()
    {
        var file = new FileInfo(pages.ScreenshotPath);

        Assert.True(file.Exists, $"no screenshot at {file.FullName}");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(file.FullName)[..4]);
    }
}
