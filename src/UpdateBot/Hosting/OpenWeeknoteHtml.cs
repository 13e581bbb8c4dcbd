using Ganss.Xss;
using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using UpdateBot.Domain;

namespace UpdateBot.Hosting;

/// <summary>
/// The open (public) edition as HTML: its Markdown (<see cref="OpenWeeknoteMarkdown"/>) rendered by Markdig with raw
/// HTML off (https://github.com/xoofx/markdig: <c>DisableHtml</c>), then sanitised with HtmlSanitizer to the few
/// elements this content can produce. Three layers: the Markdown neutralises members' formatting, Markdig writes any
/// HTML in it as text, and the sanitiser drops whatever else could still run or load (scripts, event handlers, styles,
/// images, links other than http, https and mailto). Links get <c>rel="nofollow noopener"</c>.
/// </summary>
public static class OpenWeeknoteHtml
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .Build();

    /// <summary>What Markdig writes for a weeknote: headings, paragraphs, lists, links, emphasis, code, line breaks.</summary>
    internal static readonly IReadOnlySet<string> AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "a", "em", "strong", "code", "pre", "br", "blockquote", "hr",
    };

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>The edition's body as sanitised HTML (its title is the first heading, an <c>h1</c>).</summary>
    public static string Render(OpenEdition edition) => ToHtml(OpenWeeknoteMarkdown.Render(edition));

    /// <summary>Any Markdown as sanitised HTML, by the rules above.</summary>
    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown ?? string.Empty, Pipeline);

        // An image would load something from elsewhere when the page is read: it becomes a link to the image instead.
        foreach (var image in document.Descendants<LinkInline>().Where(l => l.IsImage))
        {
            image.IsImage = false;
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return Sanitizer.Sanitize(writer.ToString());
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href", "start"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
            AllowedClasses = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        });
        // Only whole addresses: a relative link would lead somewhere on this site that nobody chose.
        sanitizer.FilterUrl += (_, e) =>
        {
            if (!Uri.TryCreate(e.SanitizedUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "mailto"))
            {
                e.SanitizedUrl = null;
            }
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
            {
                link.SetAttribute("rel", "nofollow noopener");
            }
        };
        return sanitizer;
    }
}
