using System.Net;
using System.Net.Http.Headers;
using System.ServiceModel.Syndication;
using System.Xml;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using UpdateBot.Domain;
using UpdateBot.Hosting;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 13: the open weeknote's pages and feed through the real service (TestServer) on Azurite, with editions seeded
/// in the store the publish step writes to.
/// </summary>
public sealed class OpenWeeknotePagesTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const string Slug = "mental-health-discovery";
    private static readonly IsoWeek W47 = new(2026, 47);
    private static readonly IsoWeek W48 = new(2026, 48);

    private BotTestHost Host(Dictionary<string, string?>? extra = null) =>
        new(tables.ConnectionString, AzuriteFixture.NewPrefix("weeknotes"), new FakeTimeProvider(), new FakeTeams(), extra: extra);

    private static async Task<BotTestHost> SeededAsync(BotTestHost host)
    {
        await StartedAsync(host);
        var store = host.Get<OpenEditionStore>();
        await store.SaveAsync(OpenEditionSamples.Edition(Slug, W47, 1), CancellationToken.None);
        await store.SaveAsync(OpenEditionSamples.Edition(Slug, W48, 2) with { UpdatedAt = OpenEditionSamples.PublishedAt.AddDays(3) }, CancellationToken.None);
        return host;
    }

    /// <summary>Starts the host and waits until it has created its tables.</summary>
    private static async Task StartedAsync(BotTestHost host)
    {
        using var _ = host.CreateClient();
        await host.Get<StorageInitializer>().Created;
    }

    private static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(HttpClient client, string path, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        headers?.Invoke(request.Headers);
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static void AssertPageBasics(HttpResponseMessage response, IDocument page)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("en-GB", page.DocumentElement.GetAttribute("lang"));
        Assert.Single(page.QuerySelectorAll("h1"));
        Assert.Empty(page.QuerySelectorAll("script, iframe, img, object, embed, form, link[rel=stylesheet], [style]"));
        Assert.DoesNotContain(page.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.Ordinal)));
        Assert.Equal($"/weeknotes/{Slug}/feed.atom", page.QuerySelector("link[rel=alternate][type='application/atom+xml']")?.GetAttribute("href"));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'none'; style-src 'sha256-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task The_index_lists_the_editions_newest_first_with_links_and_the_feed()
    {
        await using var host = await SeededAsync(Host());
        using var client = host.CreateClient();

        var (response, body) = await GetAsync(client, $"/weeknotes/{Slug}/");
        var page = Parse(body);

        AssertPageBasics(response, page);
        Assert.Equal("Mental Health Discovery weeknotes", page.QuerySelector("h1")!.TextContent);
        var links = page.QuerySelectorAll("main li a").ToList();
        Assert.Equal(["Mental Health Discovery weeknotes — Update 2", "Mental Health Discovery weeknotes — Update 1"], links.Select(a => a.TextContent));
        Assert.Equal([$"/weeknotes/{Slug}/2026-W48/", $"/weeknotes/{Slug}/2026-W47/"], links.Select(a => a.GetAttribute("href")));
        Assert.Contains(page.QuerySelectorAll("a"), a => a.GetAttribute("href") == $"/weeknotes/{Slug}/feed.atom" && a.TextContent.Contains("feed", StringComparison.Ordinal));
        Assert.Equal(OpenEditionSamples.PublishedAt.AddDays(3), response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task An_edition_page_is_the_weeknote_with_a_heading_per_section_and_attributed_items()
    {
        await using var host = await SeededAsync(Host());
        using var client = host.CreateClient();

        var (response, body) = await GetAsync(client, $"/weeknotes/{Slug}/2026-W48/");
        var page = Parse(body);

        AssertPageBasics(response, page);
        Assert.Equal("Mental Health Discovery weeknotes — Update 2, 23–27 Nov 2026", page.Title);
        Assert.Equal("Mental Health Discovery weeknotes — Update 2", page.QuerySelector("main h1")!.TextContent);
        Assert.Equal(["Highlights", "Discovery and delivery", "Reading and links"], page.QuerySelectorAll("main h2").Select(h => h.TextContent));
        var items = page.QuerySelectorAll("main h2 + ul > li").Select(li => li.TextContent).ToList();
        Assert.Contains(items, t => t.StartsWith("Ran our first round of user research", StringComparison.Ordinal) && t.EndsWith("— Ana", StringComparison.Ordinal));
        Assert.Contains(items, t => t.EndsWith("— Sam Okafor", StringComparison.Ordinal));
        Assert.Contains("A week of firsts", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        var showAndTell = page.QuerySelectorAll("main a").Single(a => a.TextContent == "show and tell");
        Assert.Equal("nofollow noopener", showAndTell.GetAttribute("rel"));
        Assert.Contains(page.QuerySelectorAll("main a"), a => a.TextContent == "Find out more about the Mental Health Discovery squad");
        Assert.Equal($"/weeknotes/{Slug}/", page.QuerySelector("header a")!.GetAttribute("href"));
        Assert.Contains("Published 27 November 2026; updated 30 November 2026.", page.QuerySelector("footer")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conditional_request_for_an_unchanged_page_or_feed_gets_304()
    {
        await using var host = await SeededAsync(Host());
        using var client = host.CreateClient();

        foreach (var path in new[] { $"/weeknotes/{Slug}/", $"/weeknotes/{Slug}/2026-W48/", $"/weeknotes/{Slug}/feed.atom" })
        {
            var (first, _) = await GetAsync(client, path);
            var (byTag, tagBody) = await GetAsync(client, path, h => h.IfNoneMatch.Add(first.Headers.ETag!));
            var (byDate, _) = await GetAsync(client, path, h => h.IfModifiedSince = first.Content.Headers.LastModified);
            var (stale, staleBody) = await GetAsync(client, path, h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"old\"")));

            Assert.Equal(HttpStatusCode.NotModified, byTag.StatusCode);
            Assert.Empty(tagBody);
            Assert.Equal(HttpStatusCode.NotModified, byDate.StatusCode);
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.NotEmpty(staleBody);
        }
    }

    [Fact]
    public async Task The_feed_is_Atom_with_full_content_stable_ids_and_update_times()
    {
        await using var host = await SeededAsync(Host());
        using var client = host.CreateClient();

        var (response, body) = await GetAsync(client, $"/weeknotes/{Slug}/feed.atom");
        var (_, again) = await GetAsync(client, $"/weeknotes/{Slug}/feed.atom");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, again);
        using var reader = XmlReader.Create(new StringReader(body));
        var formatter = new Atom10FeedFormatter();
        Assert.True(formatter.CanRead(reader));
        formatter.ReadFrom(reader);
        var feed = formatter.Feed;
        Assert.Equal("Mental Health Discovery weeknotes", feed.Title.Text);
        Assert.Equal("http://localhost/weeknotes/mental-health-discovery/", feed.Id);
        Assert.Equal(OpenEditionSamples.PublishedAt.AddDays(3), feed.LastUpdatedTime);
        Assert.Contains(feed.Links, l => l.RelationshipType == "self" && l.Uri.AbsoluteUri == "http://localhost/weeknotes/mental-health-discovery/feed.atom");
        var entries = feed.Items.ToList();
        Assert.Equal(["http://localhost/weeknotes/mental-health-discovery/2026-W48/", "http://localhost/weeknotes/mental-health-discovery/2026-W47/"], entries.Select(e => e.Id));
        Assert.Equal(entries.Select(e => e.Id), entries.Select(e => e.Links.Single(l => l.RelationshipType == "alternate").Uri.AbsoluteUri));
        Assert.Equal(OpenEditionSamples.PublishedAt.AddDays(3), entries[0].LastUpdatedTime);
        var content = Assert.IsType<TextSyndicationContent>(entries[0].Content);
        Assert.Equal("html", content.Type);
        var html = Parse(content.Text);
        Assert.Equal(["Highlights", "Discovery and delivery", "Reading and links"], html.QuerySelectorAll("h2").Select(h => h.TextContent));
        Assert.Contains("— Sam Okafor", html.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configured_public_address_is_where_the_feed_points()
    {
        await using var host = await SeededAsync(Host(new() { ["Pages:PublicBaseUrl"] = "https://updatebot.example.org" }));
        using var client = host.CreateClient();

        var (_, body) = await GetAsync(client, $"/weeknotes/{Slug}/feed.atom");

        var feed = SyndicationFeed.Load(XmlReader.Create(new StringReader(body)));
        Assert.Equal("https://updatebot.example.org/weeknotes/mental-health-discovery/", feed.Id);
        Assert.All(feed.Items, e => Assert.StartsWith("https://updatebot.example.org/weeknotes/mental-health-discovery/2026-W4", e.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void A_public_address_that_is_not_absolute_https_is_refused_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pages:PublicBaseUrl"] = "http://updatebot.example.org",
            ["Storage:ConnectionString"] = tables.ConnectionString,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddUpdateBot(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PublicPagesOptions>>().Value);

        Assert.Contains("Pages:PublicBaseUrl must be an absolute https URL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/weeknotes/nobody/")]
    [InlineData("/weeknotes/nobody/2026-W48/")]
    [InlineData("/weeknotes/nobody/feed.atom")]
    [InlineData("/weeknotes/mental-health-discovery/2026-W49/")]
    [InlineData("/weeknotes/mental-health-discovery/2026-W54/")]
    [InlineData("/weeknotes/mental-health-discovery/2025-W53/")]
    [InlineData("/weeknotes/mental-health-discovery/2026-w48/")]
    [InlineData("/weeknotes/mental-health-discovery/2026-W8/")]
    [InlineData("/weeknotes/mental-health-discovery/latest/")]
    [InlineData("/weeknotes/mental-health-discovery/2026-W48x")]
    [InlineData("/weeknotes/mental-health-discovery/feed.rss")]
    [InlineData("/weeknotes/")]
    public async Task Unknown_slugs_weeks_without_an_edition_and_malformed_weeks_are_404(string path)
    {
        await using var host = await SeededAsync(Host());
        using var client = host.CreateClient(new() { AllowAutoRedirect = false });

        var (response, _) = await GetAsync(client, path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_slug_whose_editions_were_all_removed_has_no_pages()
    {
        await using var host = await SeededAsync(Host());
        using var client = host.CreateClient();

        await host.Get<OpenEditionStore>().DeleteAllAsync(Slug, CancellationToken.None);

        foreach (var path in new[] { $"/weeknotes/{Slug}/", $"/weeknotes/{Slug}/2026-W48/", $"/weeknotes/{Slug}/feed.atom" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, path)).Response.StatusCode);
        }
    }

    [Theory]
    [InlineData("/weeknotes/mental-health-discovery", "/weeknotes/mental-health-discovery/")]
    [InlineData("/weeknotes/mental-health-discovery/2026-W48", "/weeknotes/mental-health-discovery/2026-W48/")]
    [InlineData("/weeknotes/mental-health-discovery/2026-W48?from=mail", "/weeknotes/mental-health-discovery/2026-W48/?from=mail")]
    public async Task An_address_without_its_trailing_slash_redirects_permanently_to_the_one_with_it(string path, string location)
    {
        await using var host = await SeededAsync(Host());
        using var client = host.CreateClient(new() { AllowAutoRedirect = false });

        var (response, _) = await GetAsync(client, path);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task After_a_member_is_removed_their_words_are_gone_from_the_page_and_the_feed()
    {
        await using var host = await SeededAsync(Host());
        using var client = host.CreateClient();

        await host.Get<OpenEditionStore>().RemoveMemberAsync(Slug, "u-ana", OpenEditionSamples.PublishedAt.AddDays(5), CancellationToken.None);

        var (_, page) = await GetAsync(client, $"/weeknotes/{Slug}/2026-W48/");
        var (_, feed) = await GetAsync(client, $"/weeknotes/{Slug}/feed.atom");
        foreach (var text in new[] { page, feed })
        {
            Assert.DoesNotContain("first round of user research", text, StringComparison.Ordinal);
            Assert.DoesNotContain("— Ana", text, StringComparison.Ordinal);
            Assert.Contains("— Sam Okafor", text, StringComparison.Ordinal);
        }

        Assert.Equal(["Highlights", "Reading and links"], Parse(page).QuerySelectorAll("main h2").Select(h => h.TextContent));
    }

    [Fact]
    public async Task A_hostile_edition_renders_as_text_on_the_page_and_in_the_feed()
    {
        await using var host = Host();
        await StartedAsync(host);
        using var client = host.CreateClient();
        const string hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) &lt;b&gt; \u202Eevil";
        await host.Get<OpenEditionStore>().SaveAsync(OpenEditionSamples.Edition("hostile", W48, 1, "<b>Squad</b>") with
        {
            Intro = hostile,
            Sections = [new OpenSection("highlights", "<i>Highlights</i>", [new OpenItem("m/highlights", "m", "<a href=x>Eve</a>", hostile)])],
        }, CancellationToken.None);

        var (_, index) = await GetAsync(client, "/weeknotes/hostile/");
        var (_, pageHtml) = await GetAsync(client, "/weeknotes/hostile/2026-W48/");
        var (_, feedXml) = await GetAsync(client, "/weeknotes/hostile/feed.atom");
        var feedHtml = ((TextSyndicationContent)SyndicationFeed.Load(XmlReader.Create(new StringReader(feedXml))).Items.Single().Content).Text;

        foreach (var document in new[] { Parse(index), Parse(pageHtml), Parse(feedHtml) })
        {
            Assert.Empty(document.QuerySelectorAll("script, img, b, i, iframe"));
            Assert.DoesNotContain(document.QuerySelectorAll("a"), a => a.GetAttribute("href")!.Contains("javascript", StringComparison.OrdinalIgnoreCase) || a.GetAttribute("href") == "x");
            Assert.DoesNotContain('\u202E', document.Body!.TextContent);
        }

        Assert.Equal("<b>Squad</b> weeknotes", Parse(index).QuerySelector("h1")!.TextContent);
        Assert.Equal("<i>Highlights</i>", Parse(pageHtml).QuerySelector("main h2")!.TextContent);
    }
}
