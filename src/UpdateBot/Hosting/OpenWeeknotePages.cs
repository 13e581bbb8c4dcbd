using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using UpdateBot.Domain;
using UpdateBot.Storage;

namespace UpdateBot.Hosting;

/// <summary>
/// The open weeknote, read-only and without sign-in: <c>/weeknotes/{slug}/</c> (the editions, newest first),
/// <c>/weeknotes/{slug}/{yyyy-Www}/</c> (one edition) and <c>/weeknotes/{slug}/feed.atom</c> (Atom 1.0, RFC 4287,
/// full content). A slug with no public edition, whatever the reason (unknown, never published openly, turned off),
/// answers 404 like a malformed week. Pages are plain HTML in British English with one <c>h1</c>, no scripts, no
/// cookies and nothing loaded from elsewhere; a Content-Security-Policy that allows only the page's own stylesheet says
/// so to the browser. Responses carry an ETag and Last-Modified, and a matching conditional request gets 304.
/// </summary>
public static class OpenWeeknotePages
{
    /// <summary>The newest editions in the feed (the index lists them all).</summary>
    public const int FeedEntries = 20;

    private const string AtomType = "application/atom+xml";

    private const string Css =
        "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b;background:#fff;overflow-wrap:anywhere}"
        + "a{color:#1d4f91}a:visited{color:#4c2c92}a:focus{outline:3px solid #fd0;outline-offset:1px}"
        + "h1{line-height:1.2}li{margin:.3rem 0}header,footer{font-size:.95rem}footer{margin-top:2.5rem;border-top:1px solid #b1b4b6;padding-top:1rem}"
        + "code,pre{font-family:ui-monospace,monospace;background:#f3f2f1}pre{overflow-x:auto;padding:.5rem}";

    /// <summary>
    /// No scripts, frames, forms, images, fonts or connections; the one inline stylesheet by its hash
    /// (https://www.w3.org/TR/CSP3/#grammardef-hash-source).
    /// </summary>
    internal static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)))}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly CultureInfo BritishEnglish = CultureInfo.GetCultureInfo("en-GB");

    public static void MapOpenWeeknotePages(this IEndpointRouteBuilder app)
    {
        // Routing matches a template with or without its trailing slash, so each handler tells them apart itself.
        app.MapGet("/weeknotes/{slug}", IndexAsync);
        app.MapGet("/weeknotes/{slug}/feed.atom", FeedAsync);
        app.MapGet("/weeknotes/{slug}/{week}", EditionAsync);
    }

    private static async Task<IResult> IndexAsync(string slug, HttpContext context, OpenEditionStore store, CancellationToken cancellationToken)
    {
        if (!context.Request.Path.Value!.EndsWith('/'))
        {
            return WithSlash(context);
        }

        var editions = await store.ListAsync(slug, cancellationToken);
        if (editions.Count == 0)
        {
            return Results.NotFound();
        }

        var squad = editions[0].SquadName;
        var items = new StringBuilder();
        foreach (var edition in editions)
        {
            items.Append(CultureInfo.InvariantCulture, $"""
                <li><a href="{Attr(EditionPath(context, slug, edition.Week))}">{Text(edition.Title)}</a><br>{Text(edition.DateRange)}</li>

                """);
        }

        var body = $"""
            <main>
            <h1>{Text(squad)} weeknotes</h1>
            <p>What the {Text(squad)} squad worked on each week, in its members' own words. Newest first.</p>
            <ul>
            {items}</ul>
            </main>
            <footer>
            <p><a href="{Attr(FeedPath(context, slug))}">Subscribe to the {Text(squad)} weeknotes feed (Atom)</a></p>
            </footer>
            """;
        return Page(context, $"{squad} weeknotes", slug, squad, body, editions.Max(e => e.UpdatedAt));
    }

    private static async Task<IResult> EditionAsync(string slug, string week, HttpContext context, OpenEditionStore store, CancellationToken cancellationToken)
    {
        // Only the canonical form ("2026-W48"): one address per edition.
        if (!IsoWeek.TryParse(week, out var isoWeek) || isoWeek.ToString() != week)
        {
            return Results.NotFound();
        }

        if (!context.Request.Path.Value!.EndsWith('/'))
        {
            return WithSlash(context);
        }

        var edition = await store.GetAsync(slug, isoWeek, cancellationToken);
        if (edition is null)
        {
            return Results.NotFound();
        }

        var updated = edition.UpdatedAt > edition.PublishedAt
            ? $"; updated <time datetime=\"{Iso(edition.UpdatedAt)}\">{LongDate(edition.UpdatedAt)}</time>"
            : "";
        var body = $"""
            <header>
            <p><a href="{Attr(IndexPath(context, slug))}">All {Text(edition.SquadName)} weeknotes</a></p>
            </header>
            <main>
            <article>
            {OpenWeeknoteHtml.Render(edition)}
            </article>
            </main>
            <footer>
            <p>Published <time datetime="{Iso(edition.PublishedAt)}">{LongDate(edition.PublishedAt)}</time>{updated}.</p>
            <p><a href="{Attr(FeedPath(context, slug))}">Subscribe to the {Text(edition.SquadName)} weeknotes feed (Atom)</a></p>
            </footer>
            """;
        return Page(context, $"{edition.Title}, {edition.DateRange}", slug, edition.SquadName, body, edition.UpdatedAt);
    }

    private static async Task<IResult> FeedAsync(string slug, HttpContext context, OpenEditionStore store, IOptions<PublicPagesOptions> options, CancellationToken cancellationToken)
    {
        var editions = await store.ListAsync(slug, cancellationToken);
        if (editions.Count == 0)
        {
            return Results.NotFound();
        }

        var origin = Origin(context, options.Value);
        var squad = editions[0].SquadName;
        var indexUrl = new Uri(origin, IndexPath(context, slug));
        var lastModified = editions.Max(e => e.UpdatedAt);
        var feed = new SyndicationFeed($"{squad} weeknotes", $"What the {squad} squad worked on each week, in its members' own words.", indexUrl)
        {
            Id = indexUrl.AbsoluteUri,
            LastUpdatedTime = lastModified,
            Language = "en-GB",
            Generator = "UpdateBot",
        };
        feed.Authors.Add(new SyndicationPerson { Name = $"The {squad} squad" });
        feed.Links.Add(new SyndicationLink(new Uri(origin, FeedPath(context, slug)), "self", $"{squad} weeknotes", AtomType, 0));
        feed.Items = editions.Take(FeedEntries).Select(edition =>
        {
            // The edition's page address is its id: it never changes while the squad keeps its slug.
            var url = new Uri(origin, EditionPath(context, slug, edition.Week));
            var item = new SyndicationItem
            {
                Id = url.AbsoluteUri,
                Title = new TextSyndicationContent(edition.Title),
                PublishDate = edition.PublishedAt,
                LastUpdatedTime = edition.UpdatedAt,
                Summary = new TextSyndicationContent(edition.DateRange),
                Content = new TextSyndicationContent(OpenWeeknoteHtml.Render(edition), TextSyndicationContentKind.Html),
            };
            item.Links.Add(SyndicationLink.CreateAlternateLink(url, "text/html"));
            return item;
        }).ToList();

        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            new Atom10FeedFormatter(feed).WriteTo(writer);
        }

        return Cached(context, buffer.ToArray(), AtomType + "; charset=utf-8", lastModified);
    }

    /// <summary>A whole page around <paramref name="body"/>, with the feed advertised for feed readers.</summary>
    private static IResult Page(HttpContext context, string title, string slug, string squad, string body, DateTimeOffset lastModified)
    {
        var html = $"""
            <!doctype html>
            <html lang="en-GB">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>{Text(title)}</title>
            <link rel="alternate" type="{AtomType}" title="{Attr(squad)} weeknotes (Atom feed)" href="{Attr(FeedPath(context, slug))}">
            <style>{Css}</style>
            </head>
            <body>
            {body}
            </body>
            </html>

            """;
        return Cached(context, Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", lastModified);
    }

    /// <summary>The body with its validators; 304 when the request already has this version (RFC 9110, 13.1).</summary>
    private static IResult Cached(HttpContext context, byte[] body, string contentType, DateTimeOffset lastModified)
    {
        var etag = new EntityTagHeaderValue("\"" + Convert.ToBase64String(SHA256.HashData(body), 0, 18).Replace('+', '-').Replace('/', '_') + "\"");
        var response = context.Response;
        var headers = response.GetTypedHeaders();
        headers.ETag = etag;
        // HTTP dates have whole seconds.
        var modified = new DateTimeOffset(lastModified.UtcTicks - (lastModified.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        headers.LastModified = modified;
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromMinutes(5) };
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";

        var request = context.Request.GetTypedHeaders();
        var notModified = request.IfNoneMatch is { Count: > 0 } ifNoneMatch
            ? ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false))
            : request.IfModifiedSince is { } since && modified <= since;
        return notModified ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Bytes(body, contentType);
    }

    /// <summary>A permanent redirect to the same address with a trailing slash (the pages' one address), query kept.</summary>
    private static IResult WithSlash(HttpContext context) =>
        Results.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString, permanent: true, preserveMethod: true);

    private static string IndexPath(HttpContext context, string slug) => $"{context.Request.PathBase}/weeknotes/{Uri.EscapeDataString(slug)}/";

    private static string EditionPath(HttpContext context, string slug, IsoWeek week) => $"{IndexPath(context, slug)}{week}/";

    private static string FeedPath(HttpContext context, string slug) => $"{IndexPath(context, slug)}feed.atom";

    /// <summary>Where absolute links in the feed point: the configured public address, else the address this request came to.</summary>
    private static Uri Origin(HttpContext context, PublicPagesOptions options) =>
        options.PublicBaseUrl is { } configured
            ? new Uri(configured.GetLeftPart(UriPartial.Authority))
            : new Uri($"{context.Request.Scheme}://{context.Request.Host}");

    private static string Text(string text) => WebUtility.HtmlEncode(text);

    private static string Attr(string text) => WebUtility.HtmlEncode(text);

    private static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string LongDate(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMMM yyyy", BritishEnglish);
}
