using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using UpdateBot.Storage;

namespace UpdateBot.Hosting;

/// <summary>Where the Teams app's privacy and terms links lead: the service's own pages, or the organisation's.</summary>
public sealed class PublicPagesOptions
{
    public const string Section = "Pages";

    /// <summary>An absolute https URL of the organisation's own privacy statement; /privacy then redirects there.</summary>
    public Uri? PrivacyUrl { get; set; }

    /// <summary>An absolute https URL of the organisation's own terms of use; /terms then redirects there.</summary>
    public Uri? TermsUrl { get; set; }

    /// <summary>
    /// The service's public address (https, scheme and host) for the absolute links and ids of the open weeknote's
    /// Atom feed. Unset: the address each request came to.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    internal static bool IsValid(Uri? url) => url is null || (url.IsAbsoluteUri && url.Scheme == Uri.UriSchemeHttps);
}

/// <summary>
/// /privacy and /terms: the pages the Teams app package links to (developer.privacyUrl and termsOfUseUrl must answer;
/// https://learn.microsoft.com/microsoftteams/platform/resources/schema/manifest-schema#developer). Plain, accessible
/// HTML with no scripts, cookies or outside resources; the retention period is the configured one.
/// </summary>
public static class PublicPages
{
    public static void MapPublicPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/privacy", (IOptions<PublicPagesOptions> pages, IOptions<StorageOptions> storage) =>
            pages.Value.PrivacyUrl is { } url ? Results.Redirect(url.AbsoluteUri) : Html(Privacy(storage.Value.RetentionDays)));
        app.MapGet("/terms", (IOptions<PublicPagesOptions> pages) =>
            pages.Value.TermsUrl is { } url ? Results.Redirect(url.AbsoluteUri) : Html(Terms));
    }

    private static IResult Html(string body) => Results.Content(body, "text/html; charset=utf-8");

    internal static string Privacy(int retentionDays) => Page("UpdateBot privacy statement", $"""
        <p>UpdateBot runs your squad's weekly update in Microsoft Teams. It is self-hosted: the organisation that added it
        to your team runs it in its own Azure subscription, and everything below is stored there, in Azure Table Storage,
        not by the authors of UpdateBot.</p>
        <h2>What is stored</h2>
        <ul>
          <li>Your Teams user id and display name, and which squads (teams) you are on, read from the team's roster.</li>
          <li>How to reach you 1:1: the chat id Teams gives the bot.</li>
          <li>Your time zone, as your Teams app reports it or as you set it with <strong>my time zone</strong>, so that your
            prompts and reminders come at your squad's hour on your own clock.</li>
          <li>Your weekly answers, and whether you said a week was quiet, that you are away (and until when), or that you
            opted out of the prompts.</li>
          <li>Questions readers asked about your weeknote items, and questions you asked about other people's, with the
            answers.</li>
          <li>For each squad: its settings, its leads, the drafts and the published weeknotes, which blockers a lead
            marked resolved (and which lead), and which messages the bot sent, so that each is sent once.</li>
        </ul>
        <h2>Who can see it</h2>
        <p>Your answers are visible only to you and the squad's leads until the weeknote is published; then the published
        weeknote is posted to the team's channel for the whole team, with names attributed.</p>
        <p>A question about a weeknote item is seen only by the item's author until they answer it; the answer is then
        posted as a reply to the weeknote in the channel, naming both of you. The leads see that a question waits, not
        what it says.</p>
        <p>If the squad's leads turn on <strong>Publish openly</strong>, each published weeknote also gets a public web
        page and feed that anyone can read without signing in. Only sections the leads made public are on it, never an
        answer you kept team-only or one a lead withheld, and you are named as you chose (full name, first name, or
        "a member of the team", the default). Turning publishing openly off takes the pages down.</p>
        <h2>How long it is kept</h2>
        <p>Answers, questions, drafts and delivery records are deleted automatically after {retentionDays.ToString(CultureInfo.InvariantCulture)} days.
        Published weeknotes stay in the channel like any other Teams message; public weeknote pages of weeks older
        than that are deleted too.</p>
        <h2>How to see it and erase it</h2>
        <ul>
          <li>Say <strong>my data</strong> to UpdateBot in your 1:1 chat: it shows what it holds about you.</li>
          <li>Say <strong>erase my data</strong>: it deletes your answers, the questions you asked or were asked, your time zone and your contact details now,
            and takes your id off the blockers you marked resolved as a lead; leads' edits of your items go too. Weeknotes
            already published in the channel are not deleted by it (Teams holds them); the bot's stored copy of each says
            "removed at the author's request" instead of your words. Your items are removed from every public weeknote
            page and feed.</li>
          <li>Say <strong>stop</strong> to receive no more prompts (<strong>start</strong> to resume).</li>
        </ul>
        <p>For anything else, ask the people who run UpdateBot in your organisation (your Teams administrator).</p>
        """);

    internal static readonly string Terms = Page("UpdateBot terms of use", """
        <p>UpdateBot is open-source software. The organisation that added it to your team runs it in its own Azure
        subscription and is responsible for that service; its own policies for Microsoft Teams apply.</p>
        <ul>
          <li>Use it for your team's weekly update. What you write is shown to your squad's leads and, once the weeknote
            is published, to the whole team, under your name.</li>
          <li>Do not put secrets, personal data about others, or anything you would not post in the team's channel into
            your answers.</li>
          <li>The software is provided as it is, without warranty of any kind.</li>
        </ul>
        <p>How your data is handled: <a href="/privacy">privacy statement</a>.</p>
        """);

    private static string Page(string title, string body) => $"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)}</title>
        <style>body{"{"}font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5{"}"}</style>
        </head>
        <body>
        <main>
        <h1>{WebUtility.HtmlEncode(title)}</h1>
        {body}
        </main>
        </body>
        </html>
        """;
}
