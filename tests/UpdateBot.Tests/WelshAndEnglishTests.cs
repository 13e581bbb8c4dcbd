using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Tests.Infrastructure;
using UpdateBot.TestSupport;
using UpdateBot.Turns;

namespace UpdateBot.Tests;

/// <summary>
/// Welsh and English (README, "Welsh and English"): the strings of both languages, the command words of both, and a
/// member spoken to in their Teams language or the one they chose, against real tables.
/// </summary>
public sealed partial class WelshAndEnglishTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static string ResourceFile(string name) => Path.Combine(RepoPaths.Root, "src", "UpdateBot", "Localisation", name);

    private static IReadOnlyDictionary<string, string> Read(string file) =>
        XDocument.Load(ResourceFile(file)).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!, StringComparer.Ordinal);

    [Fact]
    public void Every_key_is_in_both_resource_files_and_in_the_built_service()
    {
        var english = Read("Strings.resx");
        var welsh = Read("Strings.cy-GB.resx");
        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), welsh.Keys.Order(StringComparer.Ordinal));

        // What the service reads at run time is what the files say, in each language.
        var builtEnglish = Texts.All(Language.English);
        var builtWelsh = Texts.All(Language.Welsh);
        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), builtEnglish.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(welsh.Keys.Order(StringComparer.Ordinal), builtWelsh.Keys.Order(StringComparer.Ordinal));
        Assert.All(welsh, w => Assert.Equal(w.Value.ReplaceLineEndings("\n"), Texts.For(Language.Welsh)[w.Key].ReplaceLineEndings("\n")));
    }

    [Fact]
    public void Each_Welsh_string_has_the_placeholders_of_its_English_one_and_is_translated()
    {
        var english = Read("Strings.resx");
        var welsh = Read("Strings.cy-GB.resx");
        foreach (var (key, text) in english)
        {
            Assert.True(Placeholders(text).SetEquals(Placeholders(welsh[key])), $"{key}: the placeholders differ between English and Welsh");
        }

        // Only strings made of names, examples or markup may read the same in both (a command's argument example).
        var same = english.Where(e => welsh[e.Key] == e.Value && Regex.IsMatch(e.Value, "[a-z]{4,}") && !e.Value.StartsWith("{0} ", StringComparison.Ordinal)).Select(e => e.Key).ToList();
        Assert.Empty(same);
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void A_count_reads_as_English_says_it_and_Welsh_puts_the_singular_noun_after_the_number()
    {
        string Parts(int count, Language language) => new UpdateBot.Digests.PublishResult(UpdateBot.Digests.PublishState.Published, 3, null, PartsPending: count).Details(Texts.For(language))!;
        Assert.StartsWith("1 part of the weeknote waits to be posted", Parts(1, Language.English), StringComparison.Ordinal);
        Assert.StartsWith("2 parts of the weeknote wait to be posted", Parts(2, Language.English), StringComparison.Ordinal);
        Assert.StartsWith("1 rhan o'r nodyn wythnos yn aros i gael ei phostio", Parts(1, Language.Welsh), StringComparison.Ordinal);
        Assert.StartsWith("2 rhan o'r nodyn wythnos yn aros i gael eu postio", Parts(2, Language.Welsh), StringComparison.Ordinal);

        Assert.Equal("1 message", Texts.English.Count("Lead.SentAgain.Messages", 1));
        Assert.Equal("3 messages", Texts.English.Count("Lead.SentAgain.Messages", 3));
        Assert.Equal("3 neges", Texts.For(Language.Welsh).Count("Lead.SentAgain.Messages", 3));
        Assert.Equal("your items in 0 public weeknotes", Texts.English.Count("Erasure.PublicEditions", 0));
        Assert.Equal("eich eitemau mewn 2 nodyn wythnos cyhoeddus", Texts.For(Language.Welsh).Count("Erasure.PublicEditions", 2));

        // No English string says a count with "(s)" any more.
        Assert.Empty(Read("Strings.resx").Where(e => e.Value.Contains("(s)", StringComparison.Ordinal)).Select(e => e.Key));
    }

    [Fact]
    public void A_key_that_is_in_no_file_throws_rather_than_show_its_name() =>
        Assert.Throws<KeyNotFoundException>(() => Texts.For(Language.Welsh)["No.Such.Key"]);

    [Fact]
    public void The_build_checks_every_culture_file_against_the_English_one()
    {
        // The check itself runs in every build (a key removed from one file fails it: docs/localisation.md); here, that
        // the project imports it and it covers every Strings.*.resx there is.
        var project = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "UpdateBot", "UpdateBot.csproj"));
        Assert.Contains(@"Localisation\CheckStrings.targets", project, StringComparison.Ordinal);
        var targets = File.ReadAllText(ResourceFile("CheckStrings.targets"));
        Assert.Contains("Strings.*.resx", targets, StringComparison.Ordinal);
        Assert.Contains("BeforeTargets=\"CoreCompile\"", targets, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help", CommandKind.Help)]
    [InlineData("cymorth", CommandKind.Help)]
    [InlineData("Shwmae", CommandKind.Help)]
    [InlineData("fy niweddariad", CommandKind.MyUpdate)]
    [InlineData("wythnos dawel", CommandKind.Quiet)]
    [InlineData("tawel", CommandKind.Quiet)]
    [InlineData("i ffwrdd tan 12 Rhagfyr", CommandKind.Away)]
    [InlineData("i ffwrdd wythnos nesaf", CommandKind.Away)]
    [InlineData("i ffwrdd tan ddydd Gwener", CommandKind.Away)]
    [InlineData("i ffwrdd tan Mawrth", CommandKind.Away)]
    [InlineData("i ffwrdd gwener", CommandKind.Away)]
    [InlineData("away until 12 Dec", CommandKind.Away)]
    [InlineData("yn ôl", CommandKind.Back)]
    [InlineData("stopio", CommandKind.Stop)]
    [InlineData("dechrau", CommandKind.Start)]
    [InlineData("fy nata", CommandKind.MyData)]
    [InlineData("dileu fy nata", CommandKind.EraseMyData)]
    [InlineData("fy nghylchfa amser Europe/Lisbon", CommandKind.MyTimeZone)]
    [InlineData("statws", CommandKind.Status)]
    [InlineData("annog nawr", CommandKind.PromptNow)]
    [InlineData("atgoffa nawr", CommandKind.RemindNow)]
    [InlineData("anfon eto", CommandKind.SendAgain)]
    [InlineData("rhagolwg", CommandKind.Preview)]
    [InlineData("cyhoeddi", CommandKind.Publish)]
    [InlineData("cyhoeddi nawr", CommandKind.Publish)]
    [InlineData("allforio 2026-W47", CommandKind.Export)]
    [InlineData("allforio cyhoeddus", CommandKind.Export)]
    [InlineData("hanes", CommandKind.History)]
    [InlineData("gosodiadau", CommandKind.Settings)]
    [InlineData("geirfa", CommandKind.Glossary)]
    [InlineData("iaith", CommandKind.Language)]
    [InlineData("iaith Cymraeg", CommandKind.Language)]
    [InlineData("iaith Gymraeg", CommandKind.Language)]
    [InlineData("language English", CommandKind.Language)]
    [InlineData("Language Welsh.", CommandKind.Language)]
    [InlineData("enw cyhoeddus cyntaf", CommandKind.PublicName)]
    [InlineData("enw cyhoeddus enw llawn ym mhobman", CommandKind.PublicName)]
    [InlineData("enw cyhoeddus tîm", CommandKind.PublicName)]
    [InlineData("public name aelod o'r tîm ymhobman", CommandKind.PublicName)]
    [InlineData("geirfa ychwanegu BIP = bwrdd iechyd prifysgol", CommandKind.Glossary)]
    [InlineData("geirfa tynnu BIP", CommandKind.Glossary)]
    [InlineData("glossary dileu BIP", CommandKind.Glossary)]
    public void Commands_are_accepted_in_both_languages(string text, CommandKind kind) => Assert.Equal(kind, Commands.Parse(text).Kind);

    [Theory]
    [InlineData("Hanes y prosiect yn y cyfarfod", CommandKind.History)]
    [InlineData("i ffwrdd o'r swyddfa ddydd Llun, ond gwaith da", CommandKind.Away)]
    [InlineData("iaith glir yn y ddogfen", CommandKind.Language)]
    [InlineData("Language of the report agreed", CommandKind.Language)]
    public void A_Welsh_answer_that_starts_like_a_command_stays_an_answer(string text, CommandKind looksLike)
    {
        var command = Commands.Parse(text);
        Assert.Equal(CommandKind.Unknown, command.Kind);
        Assert.Equal(looksLike, command.LooksLike);
    }

    [Theory]
    [InlineData("cyntaf", PublicName.FirstName, false)]
    [InlineData("Enw Cyntaf", PublicName.FirstName, false)]
    [InlineData("llawn ym mhobman", PublicName.FullName, true)]
    [InlineData("tîm", PublicName.Anonymous, false)]
    [InlineData("tim ymhobman", PublicName.Anonymous, true)]
    [InlineData("first everywhere", PublicName.FirstName, true)]
    [InlineData("full", PublicName.FullName, false)]
    public void Public_name_reads_its_choice_in_either_language(string argument, PublicName name, bool everywhere) =>
        Assert.Equal((name, everywhere), Commands.ReadPublicName(argument));

    [Fact]
    public void Glossary_reads_add_and_remove_in_Welsh_and_keeps_the_acronym_and_its_words_as_written()
    {
        Assert.Equal(new GlossaryChange("BIP", "bwrdd iechyd tîm"), Commands.ReadGlossary("ychwanegu BIP = bwrdd iechyd tîm"));
        Assert.Equal(new GlossaryChange("BIP", null), Commands.ReadGlossary("tynnu BIP"));
        Assert.Equal(new GlossaryChange("ICB", null), Commands.ReadGlossary("remove ICB"));
        Assert.Null(Commands.ReadGlossary("ychwanegu"));
        Assert.Equal("cyntaf", Commands.ArgumentWord("first", Language.Welsh));
        Assert.Equal("first", Commands.ArgumentWord("first", Language.English));
    }

    [Fact]
    public void Every_command_a_Welsh_or_English_reply_tells_people_to_say_is_one_the_bot_reads()
    {
        // The bold phrases that start with a command's word (in the language of the file) are what people copy.
        foreach (var language in Enum.GetValues<Language>())
        {
            var t = Texts.For(language);
            foreach (var key in new[] { "PublicName.Now", "PublicName.Now.NotChosen", "Command.DidYouMean.PublicName", "Command.DidYouMean.Glossary" })
            {
                var said = t.Format(key, "x", Commands.Word(CommandKind.PublicName, language), Commands.ArgumentWord("first", language));
                var phrases = Regex.Matches(said, @"\*\*([^*]+)\*\*").Select(m => m.Groups[1].Value)
                    .Where(p => p.StartsWith(Commands.Word(CommandKind.PublicName, language) + " ", StringComparison.Ordinal) || p.StartsWith(Commands.Word(CommandKind.Glossary, language) + " ", StringComparison.Ordinal)).ToList();
                Assert.NotEmpty(phrases);
                Assert.All(phrases, p => Assert.NotEqual(CommandKind.Unknown, Commands.Parse(p).Kind));
            }

            var done = t.Format("PublicName.Done", "x", Commands.Word(CommandKind.PublicName, language), Commands.ArgumentWord("first", language));
            var everywhere = Regex.Match(done, @"\*\*([^*]+)\*\*").Groups[1].Value;
            Assert.Equal((PublicName.FirstName, true), Commands.ReadPublicName(everywhere[Commands.Word(CommandKind.PublicName, language).Length..]));
        }
    }

    [Fact]
    public void Export_public_names_its_week_in_either_language()
    {
        Assert.Equal("2026-W47", Commands.ExportWeek(Commands.Parse("allforio cyhoeddus 2026-W47")));
        Assert.True(Commands.IsPublicExport(Commands.Parse("export public")));
        Assert.Equal("2026-W47", Commands.ExportWeek(Commands.Parse("export 2026-W47")));
    }

    [Fact]
    public void Each_command_has_a_word_in_each_language()
    {
        foreach (var kind in Enum.GetValues<CommandKind>().Where(k => k != CommandKind.Unknown))
        {
            foreach (var language in Enum.GetValues<Language>())
            {
                Assert.Equal(kind, Commands.Parse(Commands.Word(kind, language)).Kind);
            }
        }

        Assert.Equal("fy niweddariad", Commands.Word(CommandKind.MyUpdate, Language.Welsh));
        Assert.Equal("my update", Commands.Word(CommandKind.MyUpdate, Language.English));
    }

    [Fact]
    public void The_help_card_in_Welsh_names_the_Welsh_commands()
    {
        var text = FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(WelcomeCards.Help(isLead: true, texts: Texts.For(Language.Welsh)))));
        Assert.Contains("Cymorth UpdateBot", text, StringComparison.Ordinal);
        Assert.Contains("fy niweddariad", text, StringComparison.Ordinal);
        Assert.Contains("iaith Cymraeg / Saesneg", text, StringComparison.Ordinal);
        Assert.Contains("enw cyhoeddus cyntaf / llawn / tîm", text, StringComparison.Ordinal);
        Assert.Contains("geirfa ychwanegu BIP = bwrdd iechyd prifysgol", text, StringComparison.Ordinal);
        Assert.DoesNotContain("UpdateBot help", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_whose_Teams_speaks_Welsh_gets_Welsh_help_until_they_say_language_English()
    {
        await using var squad = new TestSquad(tables, "cymraeg", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        await host.SayAsync(("29:ada", "Ada Lovelace"), "help", "cy-GB");
        var help = squad.LastTextTo("29:ada");
        Assert.Contains("Cymorth UpdateBot", help, StringComparison.Ordinal);
        Assert.Contains("fy niweddariad", help, StringComparison.Ordinal);

        // Her roster row carries it, so the scheduler's prompts can be in Welsh without a turn.
        Assert.Equal(Language.Welsh, (await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, "29:ada", CancellationToken.None))!.Language);

        // English words work for her too; the answer is in English from now on, whatever Teams says.
        await host.SayAsync(("29:ada", "Ada Lovelace"), "language English", "cy-GB");
        Assert.Contains("I'll speak to you in English", squad.LastTextTo("29:ada"), StringComparison.Ordinal);
        await host.SayAsync(("29:ada", "Ada Lovelace"), "cymorth", "cy-GB");
        Assert.Contains(WelcomeCards.HelpTitle, squad.LastTextTo("29:ada"), StringComparison.Ordinal);
        Assert.Equal(Language.English, (await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, "29:ada", CancellationToken.None))!.Language);

        // "iaith awto" hands it back to Teams, which says Welsh.
        await host.SayAsync(("29:ada", "Ada Lovelace"), "iaith awto", "cy-GB");
        Assert.Contains("bydda i'n dilyn iaith eich Teams", squad.LastTextTo("29:ada"), StringComparison.Ordinal);
        Assert.Equal(Language.Welsh, (await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, "29:ada", CancellationToken.None))!.Language);
    }

    [Fact]
    public async Task A_member_in_any_other_locale_is_spoken_to_in_English_and_can_choose_Welsh()
    {
        await using var squad = new TestSquad(tables, "saesneg", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        await host.SayAsync(("29:bo", "Bo Diddley"), "help", "fr-FR");
        Assert.Contains(WelcomeCards.HelpTitle, squad.LastTextTo("29:bo"), StringComparison.Ordinal);

        await host.SayAsync(("29:bo", "Bo Diddley"), "iaith Cymraeg", "fr-FR");
        Assert.Contains("bydda i'n siarad Cymraeg", squad.LastTextTo("29:bo"), StringComparison.Ordinal);
        await host.SayAsync(("29:bo", "Bo Diddley"), "help", "en-US");
        Assert.Contains("Cymorth UpdateBot", squad.LastTextTo("29:bo"), StringComparison.Ordinal);
        await host.SayAsync(("29:bo", "Bo Diddley"), "iaith", "en-US");
        Assert.Contains("chi a'i dewisodd", squad.LastTextTo("29:bo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_who_chose_Welsh_is_answered_in_Welsh_in_the_channel_too_whatever_their_Teams_locale()
    {
        await using var squad = new TestSquad(tables, "sianel", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        string ChannelReply() => FakeTeams.Text(squad.Teams.Requests.Last(r => r.Method == HttpMethod.Post && r.Path.Contains(Uri.EscapeDataString(BotTestHost.ChannelOf(TestSquad.TeamId)), StringComparison.Ordinal) || r.Method == HttpMethod.Post && r.Path.Contains(BotTestHost.ChannelOf(TestSquad.TeamId), StringComparison.Ordinal)).Json);

        host.AssertOk(await host.PostActivityAsync(Activities.InLocale(Activities.ChannelMention(TestSquad.TeamId, "29:bo", "Bo Diddley", "help"), "en-GB")));
        Assert.Contains(WelcomeCards.HelpTitle, ChannelReply(), StringComparison.Ordinal);

        await host.SayAsync(("29:bo", "Bo Diddley"), "iaith Cymraeg", "en-GB");
        host.AssertOk(await host.PostActivityAsync(Activities.InLocale(Activities.ChannelMention(TestSquad.TeamId, "29:bo", "Bo Diddley", "help"), "en-GB")));
        Assert.Contains("Cymorth UpdateBot", ChannelReply(), StringComparison.Ordinal);

        // Someone who follows Teams gets their locale's language in the channel, as before.
        host.AssertOk(await host.PostActivityAsync(Activities.InLocale(Activities.ChannelMention(TestSquad.TeamId, "29:ada", "Ada Lovelace", "help"), "en-GB")));
        Assert.Contains(WelcomeCards.HelpTitle, ChannelReply(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_who_says_iaith_Gymraeg_and_i_ffwrdd_tan_ddydd_Gwener_is_understood()
    {
        await using var squad = new TestSquad(tables, "treiglad", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        // The mutated form after "iaith" chooses Welsh.
        await host.SayAsync(("29:bo", "Bo Diddley"), "iaith Gymraeg", "en-GB");
        Assert.Contains("bydda i'n siarad Cymraeg", squad.LastTextTo("29:bo"), StringComparison.Ordinal);

        // "tan ddydd Gwener" (mutated "dydd", then the weekday) on Thursday 26 November is Friday 27 November.
        await host.SayAsync(("29:bo", "Bo Diddley"), "i ffwrdd tan ddydd Gwener", "en-GB");
        Assert.Contains("i ffwrdd tan 27 Tach", squad.LastTextTo("29:bo"), StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2026, 11, 27), (await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, "29:bo", CancellationToken.None))!.AwayUntil);
    }

    [Fact]
    public void The_channel_posts_notification_counts_its_contributions_with_words_that_agree()
    {
        var settings = new SquadSettings("Platform", "Europe/London", SquadSchedule.Default, SettingsValidation.DefaultSections.Take(2).ToList(), ["29:lead"], AutoPublish: true);
        Entry Answered(string id, string name) => new(id, name, EntryStatus.Answered, new Dictionary<string, string> { ["highlights"] = "Shipped it" }, ThursdayNoon);
        Digest Of(params Entry[] entries) => DigestComposer.Compose(settings, IsoWeek.Parse("2026-W48"), 3, entries, new Participation(2, entries.Length, 0, 0, 0), DigestEdits.None);

        Assert.Equal("Update 3 — 1 contribution", DigestCards.NotificationSummary(Of(Answered("29:ada", "Ada Lovelace"))));
        Assert.Equal("Update 3 — 2 contributions", DigestCards.NotificationSummary(Of(Answered("29:ada", "Ada Lovelace"), Answered("29:bo", "Bo Diddley"))));
        Assert.Equal("Diweddariad 3 — 1 cyfraniad", DigestCards.NotificationSummary(Of(Answered("29:ada", "Ada Lovelace")), HeadingLanguages.Welsh));
    }

    [Fact]
    public void The_channel_post_has_its_headings_in_the_squads_languages_and_the_answers_as_written()
    {
        var settings = new SquadSettings("Platform", "Europe/London", SquadSchedule.Default, SettingsValidation.DefaultSections.Take(2).Append(new Section("wins", "Wins", "What did we win?")).ToList(), ["29:lead"], AutoPublish: true);
        var answers = new Dictionary<string, string> { ["highlights"] = "Shipped the engine", ["wins"] = "A happy user" };
        var entries = new[] { new Entry("29:ada", "Ada Lovelace", EntryStatus.Answered, answers, ThursdayNoon), new Entry("29:bo", "Bo Diddley", EntryStatus.Quiet, new Dictionary<string, string>(), ThursdayNoon) };
        var digest = DigestComposer.Compose(settings, IsoWeek.Parse("2026-W48"), 3, entries, new Participation(2, 1, 1, 0, 0), DigestEdits.None);
        string Text(HeadingLanguages headings) => string.Concat(DigestCards.ChannelCards(digest, "19:team", headings).Select(c => FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(c)))));

        var english = Text(HeadingLanguages.English);
        Assert.Contains("Platform weeknotes — Update 3", english, StringComparison.Ordinal);
        Assert.DoesNotContain("Nodiadau wythnos", english, StringComparison.Ordinal);

        var welsh = Text(HeadingLanguages.Welsh);
        Assert.Contains("Nodiadau wythnos Platform — Diweddariad 3", welsh, StringComparison.Ordinal);
        Assert.Contains("23–27 Tach 2026", welsh, StringComparison.Ordinal);
        Assert.Contains("1 o 2 wedi cyfrannu; 1 yn dawel", welsh, StringComparison.Ordinal);
        Assert.Contains("Uchafbwyntiau", welsh, StringComparison.Ordinal);
        Assert.DoesNotContain("Platform weeknotes", welsh, StringComparison.Ordinal);

        // Both: Welsh first. A section the lead named keeps its name; what members wrote is never translated.
        var both = Text(HeadingLanguages.Both);
        Assert.True(both.IndexOf("Nodiadau wythnos Platform", StringComparison.Ordinal) < both.IndexOf("Platform weeknotes — Update 3", StringComparison.Ordinal));
        Assert.Contains("Uchafbwyntiau / Highlights", both, StringComparison.Ordinal);
        Assert.Contains("Wins", both, StringComparison.Ordinal);
        Assert.DoesNotContain("Wins / Wins", both, StringComparison.Ordinal);
        Assert.Contains("Shipped the engine", both, StringComparison.Ordinal);
        Assert.Contains("A happy user", both, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_blockers_age_is_said_in_the_posts_heading_languages_and_on_a_Welsh_leads_desk()
    {
        var settings = new SquadSettings("Platform", "Europe/London", SquadSchedule.Default, SettingsValidation.DefaultSections.ToList(), ["29:lead"], AutoPublish: true);
        var week = IsoWeek.Parse("2026-W48");
        Entry Blocker(string text) => new("29:ada", "Ada Lovelace", EntryStatus.Answered, new Dictionary<string, string> { [Continuity.BlockersSectionId] = text }, ThursdayNoon);
        var now = new[] { Blocker("Waiting for IG sign-off") };
        var digest = DigestComposer.Compose(settings, week, 4, now, new Participation(1, 1, 0, 0, 0), DigestEdits.None);
        digest = Continuity.WithAges(digest, Continuity.Age(week, now, [(week.Previous(), new[] { Blocker("Waiting for IG sign-off") })], []));
        string Post(HeadingLanguages headings) => string.Concat(DigestCards.ChannelCards(digest, "19:team", headings).Select(c => FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(c)))));

        Assert.Contains("⏳ open 2 weeks", Post(HeadingLanguages.English), StringComparison.Ordinal);
        Assert.Contains("⏳ ar agor ers 2 wythnos / open 2 weeks", Post(HeadingLanguages.Both), StringComparison.Ordinal);
        var desk = string.Concat(ReviewCards.ItemCards(digest, "19:team", "29:lead", settings, Texts.For(Language.Welsh)).Select(c => FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(c)))));
        Assert.Contains("⏳ Rhwystr: ar agor ers 2 wythnos (ers 2026-W47)", desk, StringComparison.Ordinal);
        Assert.DoesNotContain("open 2 weeks", desk, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_sets_the_headings_to_both_and_the_published_post_has_Welsh_first()
    {
        await using var squad = new TestSquad(tables, "penawdau", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        // Welsh words from a lead whose Teams speaks English: the command works, the answer is in her language.
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "penawdau y ddwy");
        Assert.Contains("headings in Welsh and English (Welsh first)", squad.LastTextTo(TestSquad.Lead), StringComparison.Ordinal);
        Assert.Equal(HeadingLanguages.Both, (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.Settings.Headings);

        // A member's words go in as written.
        await host.SayAsync(("29:ada", "Ada Lovelace"), "Wedi cyfarfod â'r bwrdd iechyd", "cy-GB");
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "publish");
        var post = FakeTeams.Text(Assert.Single(squad.Teams.ChannelPosts).Json);
        Assert.True(post.IndexOf("Nodiadau wythnos", StringComparison.Ordinal) < post.IndexOf("weeknotes — Update", StringComparison.Ordinal), post);
        Assert.Contains("Wedi cyfarfod â'r bwrdd iechyd", post, StringComparison.Ordinal);
        Assert.Contains("Uchafbwyntiau / Highlights", post, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_part_a_correction_made_unnecessary_says_so_in_the_posts_heading_language()
    {
        await using var squad = new TestSquad(tables, "rhanuno", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var week = IsoWeek.Parse("2026-W48");
        await host.InScopeAsync(async sp =>
        {
            // Long answers from everyone: the post needs more than one part.
            foreach (var (id, name) in TestSquad.People)
            {
                var text = SettingsValidation.DefaultSections.ToDictionary(s => "s_" + s.Id, s => (string?)($"{name}, {s.Title}: " + string.Concat(Enumerable.Repeat("steady progress with the discovery work. ", 45))));
                await sp.GetRequiredService<UpdateBot.Answers.AnswerService>().SubmitAsync(new UpdateBot.Answers.AnswerFor(seeded, week, id, name), text, CancellationToken.None);
            }

            return 0;
        });
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "penawdau Cymraeg");
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "publish");
        Assert.Contains(squad.Teams.Requests, r => r.Succeeded && r.Method == HttpMethod.Post && r.Path.Contains(";messageid=", StringComparison.Ordinal));

        // Everything but the first item hidden: the weeknote fits the post, so its other parts say where it went, in Welsh.
        var squadRow = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        Assert.Null(await host.InScopeAsync(sp => sp.GetRequiredService<UpdateBot.Digests.DigestService>().EditAsync(squadRow, week, TestSquad.Lead,
            (edits, digest) => edits with { HiddenItemIds = digest.Sections.SelectMany(s => s.Items).Skip(1).Select(i => i.ItemId).ToHashSet() }, CancellationToken.None)));
        var merged = squad.Teams.Requests.Where(r => r.Succeeded && r.Method == HttpMethod.Put && r.Path.Contains(";messageid=", StringComparison.Ordinal))
            .Select(r => FakeTeams.Text(r.Json)).Where(text => !text.Contains("Uchafbwyntiau", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(merged);
        Assert.All(merged, text => Assert.Contains("Nodiadau wythnos Platform — Diweddariad 1: cywirwyd y rhan hon ac mae hi bellach yn y neges uchod.", text, StringComparison.Ordinal));
        Assert.All(merged, text => Assert.DoesNotContain("this part was corrected", text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_scheduler_prompts_a_Welsh_member_in_Welsh_and_the_others_in_English()
    {
        await using var squad = new TestSquad(tables, "anogaeth", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync(("29:ada", "Ada Lovelace"), "shwmae", "cy-GB");

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "prompt now");

        // Her notification says it in Welsh too.
        Assert.Empty(squad.Prompts("29:ada"));
        var welsh = FakeTeams.Text(Assert.Single(squad.Teams.SendsTo("29:ada"), r => TestSquad.Summary(r) == "Platform: beth ddigwyddodd yr wythnos hon?").Json);
        Assert.Contains("Platform: eich diweddariad wythnosol", welsh, StringComparison.Ordinal);
        Assert.Contains("Beth ddigwyddodd yr wythnos hon?", welsh, StringComparison.Ordinal);
        Assert.Contains("Cyflwyno", welsh, StringComparison.Ordinal);
        var english = FakeTeams.Text(Assert.Single(squad.Prompts("29:bo")).Json);
        Assert.Contains("Platform: your weekly update", english, StringComparison.Ordinal);
        Assert.DoesNotContain("Cyflwyno", english, StringComparison.Ordinal);

        // Her answer, typed in the chat, is kept word for word, and the card around it is Welsh.
        await host.SayAsync(("29:ada", "Ada Lovelace"), "Cyfarfod da gyda'r tîm ymchwil", "cy-GB");
        var captured = squad.LastTextTo("29:ada");
        Assert.Contains("Cyfarfod da gyda'r tîm ymchwil", captured, StringComparison.Ordinal);
        Assert.Contains("Wedi'i ychwanegu at", captured, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_gets_the_review_desk_in_Welsh_from_the_scheduler_and_from_rhagolwg()
    {
        await using var squad = new TestSquad(tables, "desg", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");
        await host.SayAsync(("29:ada", "Ada Lovelace"), "Shipped the referral pilot");

        // The desk the scheduler sends at compile time is in her language, with the member's words as written.
        await squad.TickThroughAsync(host, new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30));
        var desk = string.Concat(squad.Reviews(TestSquad.Lead).Select(r => FakeTeams.Text(r.Json)));
        Assert.Contains("Drafft i'w adolygu: Nodiadau wythnos Platform", desk, StringComparison.Ordinal);
        Assert.Contains("Cuddio", desk, StringComparison.Ordinal);
        Assert.Contains("Shipped the referral pilot", desk, StringComparison.Ordinal);
        Assert.DoesNotContain(ReviewCards.HeaderTitlePrefix, desk, StringComparison.Ordinal);

        // Asked for again with the Welsh word, the same.
        var before = squad.Teams.SendsTo(TestSquad.Lead).Count;
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "rhagolwg", "cy-GB");
        Assert.Contains("Drafft i'w adolygu", FakeTeams.Text(squad.Teams.SendsTo(TestSquad.Lead)[before].Json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_gets_status_in_Welsh_with_names_as_they_are()
    {
        await using var squad = new TestSquad(tables, "statws", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync(("29:ada", "Ada Lovelace"), "quiet");

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "statws", "cy-GB");
        var status = squad.LastTextTo(TestSquad.Lead);
        Assert.Contains("Platform: statws yr wythnos hon", status, StringComparison.Ordinal);
        Assert.Contains("Tawel", status, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", status, StringComparison.Ordinal);
        Assert.DoesNotContain(StatusCards.StatusTitle.ToLowerInvariant(), status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_readers_question_reaches_a_Welsh_speaking_author_in_Welsh_with_the_question_as_written()
    {
        await using var squad = new TestSquad(tables, "cwestiwn", new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await host.SayAsync(("29:ada", "Ada Lovelace"), "shwmae", "cy-GB");
        var (submitted, _) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = "2026-W48", ["s_highlights"] = "Shipped the roster sync" }));
        Assert.Equal(System.Net.HttpStatusCode.OK, submitted);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "publish");
        var post = Assert.Single(squad.Teams.ChannelPosts).Json!["activity"]!.AsObject();

        // The squad's headings are English, so the post's Ask about this is too; Bo asks in English.
        var ask = FindExecute(FakeTeams.Card(post), Verbs.DigestAsk)!;
        ask[(string)ask["inputId"]!] = "How long did the sync take?";
        var (asked, _) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, ask, teamId: TestSquad.TeamId));
        Assert.Equal(System.Net.HttpStatusCode.OK, asked);

        var toAda = squad.Teams.SendsTo("29:ada")[^1];
        var card = FakeTeams.Text(toAda.Json);
        Assert.Contains("Cwestiwn am eich nodyn wythnos", card, StringComparison.Ordinal);
        Assert.Contains("How long did the sync take?", card, StringComparison.Ordinal);
        Assert.Contains("Postio fy ateb", card, StringComparison.Ordinal);
        Assert.Equal("Gofynnodd Bo Diddley am eich eitem yn y nodyn wythnos", TestSquad.Summary(toAda));
    }

    [Fact]
    public async Task A_Welsh_speaking_reader_and_a_Welsh_speaker_who_is_not_the_author_are_answered_in_Welsh_and_the_thread_reply_follows_the_headings()
    {
        await using var squad = new TestSquad(tables, "edefyn", new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "penawdau y ddwy");
        var (submitted, _) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = "2026-W48", ["s_highlights"] = "Shipped the roster sync" }));
        Assert.Equal(System.Net.HttpStatusCode.OK, submitted);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "publish");
        var post = Assert.Single(squad.Teams.ChannelPosts).Json!["activity"]!.AsObject();
        var ask = FindExecute(FakeTeams.Card(post), Verbs.DigestAsk)!;

        // Bo's Teams speaks Welsh: an empty box, then his question, are answered in Welsh (only he sees the reply).
        var (_, empty) = await host.InvokeAsync(Activities.InLocale(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, (JsonObject)ask.DeepClone(), teamId: TestSquad.TeamId), "cy-GB"));
        Assert.Equal("Ysgrifennwch eich cwestiwn yn y blwch yn gyntaf. Chafodd dim byd ei anfon.", (string?)empty?["value"]);
        ask[(string)ask["inputId"]!] = "How long did the sync take?";
        var (_, sent) = await host.InvokeAsync(Activities.InLocale(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, (JsonObject)ask.DeepClone(), teamId: TestSquad.TeamId), "cy-GB"));
        Assert.StartsWith("Wedi'i anfon at Ada Lovelace, yn breifat", (string?)sent?["value"], StringComparison.Ordinal);

        // Cy (Welsh) is refused Ada's question in Welsh; Ada (English) gets hers in English.
        var answer = FindExecute(squad.Teams.SendsTo("29:ada")[^1].Json, Verbs.QuestionAnswer)!;
        var (_, refused) = await host.InvokeAsync(Activities.InLocale(Activities.Execute("29:cy", "Cy Twombly", Verbs.QuestionAnswer, (JsonObject)answer.DeepClone()), "cy-GB"));
        Assert.Equal("Dim ond awdur yr eitem all ateb y cwestiwn hwn. Chafodd dim byd ei bostio.", (string?)refused?["value"]);
        answer["answer"] = "About a minute.";
        var (_, posted) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.QuestionAnswer, answer));
        Assert.Contains("Posted as a reply to the weeknote", FakeTeams.Text(posted?["value"]), StringComparison.Ordinal);

        // The reply in the thread speaks the post's heading languages, Welsh first; the words are as written.
        var reply = FakeTeams.Text(Assert.Single(squad.Teams.Requests, r => r.Succeeded && r.Method == HttpMethod.Post && Uri.UnescapeDataString(r.Path).Contains(";messageid=", StringComparison.Ordinal) && r.Body.Contains("About a minute.", StringComparison.Ordinal)).Json);
        Assert.Contains("Gofynnodd **Bo Diddley** i **Ada Lovelace** am: / **Bo Diddley** asked **Ada Lovelace** about:", reply, StringComparison.Ordinal);
        Assert.Contains("Atebodd **Ada Lovelace**: / **Ada Lovelace** answered:", reply, StringComparison.Ordinal);
        Assert.Contains("How long did the sync take?", reply, StringComparison.Ordinal);
    }

    [Fact]
    public void The_thread_reply_is_in_English_alone_or_Welsh_alone_as_the_headings_say()
    {
        var question = new QuestionRow { AskerName = "Bo Diddley", AuthorName = "Ada Lovelace", Question = "Why?", Answer = "Because." };
        string Text(HeadingLanguages headings) => FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(QuestionCards.InThread(question, null, headings))));
        Assert.Contains("**Bo Diddley** asked **Ada Lovelace**:", Text(HeadingLanguages.English), StringComparison.Ordinal);
        Assert.DoesNotContain("Gofynnodd", Text(HeadingLanguages.English), StringComparison.Ordinal);
        Assert.Contains("Gofynnodd **Bo Diddley** i **Ada Lovelace**:", Text(HeadingLanguages.Welsh), StringComparison.Ordinal);
        Assert.DoesNotContain("asked", Text(HeadingLanguages.Welsh), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_is_notified_and_answered_in_Welsh_when_a_desk_click_finds_its_item_gone()
    {
        await using var squad = new TestSquad(tables, "clic", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");
        await host.SayAsync(("29:bo", "Bo Diddley"), "shwmae", "cy-GB");
        await host.SayAsync(("29:ada", "Ada Lovelace"), "Shipped the referral pilot");

        // Her desk's notification line is in Welsh: each lead's desk is sent on its own.
        await squad.TickThroughAsync(host, new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30));
        var desk = squad.Reviews(TestSquad.Lead);
        Assert.NotEmpty(desk);
        Assert.All(desk, r => Assert.Equal("Mae drafft eich nodyn wythnos yn barod i'w adolygu", TestSquad.Summary(r)));
        var hide = desk.Select(r => FindExecute(r.Json, Verbs.DigestHide)).First(d => d is not null)!;

        // A Welsh-speaking member who is not a lead is refused in Welsh.
        var (_, refused) = await host.InvokeAsync(Activities.InLocale(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestHide, (JsonObject)hide.DeepClone()), "cy-GB"));
        Assert.Equal(403, refused?["statusCode"]?.GetValue<int>());
        Assert.Equal("Dim ond arweinydd y sgwad all adolygu neu gyhoeddi'r nodyn wythnos.", refused?["value"]?["message"]?.GetValue<string>());

        // Ada's words leave the draft; the lead's click on the card built before is refused in Welsh.
        await host.InScopeAsync(sp => sp.GetRequiredService<UpdateBot.Squads.PrivacyService>().EraseAsync("29:ada", CancellationToken.None));
        var before = squad.Teams.SendsTo(TestSquad.Lead).Count;
        var (_, gone) = await host.InvokeAsync(Activities.InLocale(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestHide, hide), "cy-GB"));
        var told = FakeTeams.Text(gone) + string.Concat(squad.Teams.SendsTo(TestSquad.Lead).Skip(before).Select(r => FakeTeams.Text(r.Json)));
        Assert.Contains("Dydy'r eitem honno ddim yn y drafft mwyach", told, StringComparison.Ordinal);
        Assert.DoesNotContain("no longer in the draft", told, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_is_told_in_Welsh_what_prompt_now_remind_now_and_publish_did()
    {
        await using var squad = new TestSquad(tables, "canlyniad", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "annog nawr", "cy-GB");
        var prompted = squad.LastTextTo(TestSquad.Lead);
        Assert.Contains("wedi'u hanfon", prompted, StringComparison.Ordinal);
        Assert.DoesNotContain(" sent", prompted, StringComparison.Ordinal);

        // Everyone already has this week's prompt, which the reminder report says in Welsh too.
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "atgoffa nawr", "cy-GB");
        var reminded = squad.LastTextTo(TestSquad.Lead);
        Assert.Contains("wedi'u hanfon", reminded, StringComparison.Ordinal);

        await host.SayAsync(("29:ada", "Ada Lovelace"), "Shipped the referral pilot");
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "cyhoeddi", "cy-GB");
        Assert.Contains("Wedi cyhoeddi Diweddariad 1 yn y sianel.", squad.LastTextTo(TestSquad.Lead), StringComparison.Ordinal);

        // Again: already in the channel, said in Welsh, with the Welsh command words.
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "cyhoeddi", "cy-GB");
        var again = squad.LastTextTo(TestSquad.Lead);
        Assert.Contains("Mae Diweddariad 1 yn y sianel yn barod", again, StringComparison.Ordinal);
        Assert.DoesNotContain("already in the channel", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_gets_history_export_and_the_setup_card_in_Welsh()
    {
        await using var squad = new TestSquad(tables, "hanes", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "hanes", "cy-GB");
        var history = squad.LastTextTo(TestSquad.Lead);
        Assert.Contains("Platform: nodiadau wythnos diweddar", history, StringComparison.Ordinal);
        Assert.Contains("Does dim wedi'i gyhoeddi eto.", history, StringComparison.Ordinal);
        Assert.Contains("Dywedwch allforio 2026-W47", history, StringComparison.Ordinal);

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "allforio cyhoeddus", "cy-GB");
        Assert.Contains("Dydy Platform ddim yn cyhoeddi'n agored", squad.LastTextTo(TestSquad.Lead), StringComparison.Ordinal);

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "gosodiadau", "cy-GB");
        var form = squad.LastTextTo(TestSquad.Lead);
        Assert.Contains("Gosod diweddariad wythnosol eich sgwad", form, StringComparison.Ordinal);
        Assert.Contains("Cadw'r gosodiadau", form, StringComparison.Ordinal);
        Assert.DoesNotContain(SetupCards.SetupTitle, form, StringComparison.Ordinal);

        // Saved from the channel by a lead whose Teams speaks Welsh: the saved card and its next-step line are Welsh.
        var values = SetupCardValues.Filled(seeded.SettingsVersion, "Europe/London", sections: "Highlights", name: "Platform");
        var (_, body) = await host.InvokeAsync(Activities.InLocale(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, values, TestSquad.TeamId), "cy-GB"));
        var saved = FakeTeams.Text(body!["value"]);
        Assert.Contains("Mae'r diweddariad wythnosol wedi'i osod", saved, StringComparison.Ordinal);
        Assert.Contains("Nesaf:", saved, StringComparison.Ordinal);
        Assert.Contains("Dydd Gwener 16:00", saved, StringComparison.Ordinal);
        Assert.DoesNotContain(SetupCards.SavedTitle, saved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_gets_glossary_replies_in_Welsh_with_the_acronym_as_written()
    {
        await using var squad = new TestSquad(tables, "geirfa", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "geirfa", "cy-GB");
        Assert.Contains("Mae geirfa Platform yn wag", squad.LastTextTo(TestSquad.Lead), StringComparison.Ordinal);

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "geirfa add BIP = bwrdd iechyd prifysgol", "cy-GB");
        var added = squad.LastTextTo(TestSquad.Lead);
        Assert.Contains("Wedi'i ychwanegu at eirfa Platform: BIP = bwrdd iechyd prifysgol", added, StringComparison.Ordinal);
        Assert.Contains("Geirfa Platform:", added, StringComparison.Ordinal);
        Assert.DoesNotContain("glossary", added, StringComparison.Ordinal);

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "geirfa remove BIP", "cy-GB");
        Assert.Contains("Dydy BIP ddim yng ngeirfa Platform nawr.", squad.LastTextTo(TestSquad.Lead), StringComparison.Ordinal);
    }

    [Fact]
    public async Task My_data_erase_my_data_and_public_name_answer_each_person_in_their_language_and_take_the_Welsh_words()
    {
        await using var squad = new TestSquad(tables, "fynata", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync(("29:ada", "Ada Lovelace"), "Shipped the referral pilot", "cy-GB");

        await host.SayAsync(("29:ada", "Ada Lovelace"), "enw cyhoeddus", "cy-GB");
        Assert.Contains("Dywedwch **enw cyhoeddus cyntaf**", squad.LastTextTo("29:ada"), StringComparison.Ordinal);

        // The Welsh words choose, "ym mhobman" included; the reply says them back in Welsh.
        await host.SayAsync(("29:ada", "Ada Lovelace"), "enw cyhoeddus llawn", "cy-GB");
        Assert.Contains("**enw cyhoeddus llawn ym mhobman**", squad.LastTextTo("29:ada"), StringComparison.Ordinal);
        Assert.Equal(PublicName.FullName, await host.Get<PeopleStore>().GetPublicNameAsync("29:ada", CancellationToken.None));
        await host.SayAsync(("29:ada", "Ada Lovelace"), "enw cyhoeddus cyntaf ym mhobman", "cy-GB");
        Assert.Contains("Iawn: mae nodiadau wythnos cyhoeddus yn eich enwi fel eich enw cyntaf", squad.LastTextTo("29:ada"), StringComparison.Ordinal);
        Assert.Equal(PublicName.FirstName, await host.Get<PeopleStore>().GetPublicNameAsync("29:ada", CancellationToken.None));

        await host.SayAsync(("29:ada", "Ada Lovelace"), "fy nata", "cy-GB");
        var mine = squad.LastTextTo("29:ada");
        Assert.Contains("Beth mae UpdateBot yn ei gadw amdanoch chi", mine, StringComparison.Ordinal);
        Assert.Contains("Yr iaith rwy'n siarad â chi ynddi: Cymraeg (o Teams)", mine, StringComparison.Ordinal);
        Assert.Contains("Eich atebion wythnosol: 1 wythnos.", mine, StringComparison.Ordinal);
        Assert.Contains("2026-W48: Wedi ateb", mine, StringComparison.Ordinal);
        Assert.Contains("Sut cewch eich enwi mewn nodiadau wythnos cyhoeddus: eich enw cyntaf.", mine, StringComparison.Ordinal);
        Assert.Contains("Dywedwch **dileu fy nata**", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("What UpdateBot holds", mine, StringComparison.Ordinal);

        // Bo's Teams speaks English: the same commands, in English.
        await host.SayAsync(("29:bo", "Bo Diddley"), "my data", "en-GB");
        var his = squad.LastTextTo("29:bo");
        Assert.Contains("What UpdateBot holds about you", his, StringComparison.Ordinal);
        Assert.Contains("The language I speak to you in: English (from Teams)", his, StringComparison.Ordinal);
        await host.SayAsync(("29:bo", "Bo Diddley"), "public name tîm", "en-GB");
        Assert.Contains("say **public name team everywhere**", squad.LastTextTo("29:bo"), StringComparison.Ordinal);

        await host.SayAsync(("29:ada", "Ada Lovelace"), "dileu fy nata", "cy-GB");
        var erased = squad.LastTextTo("29:ada");
        Assert.StartsWith("Wedi dileu: 1 wythnos o atebion, 0 golygiad arweinydd o'ch eitemau, eich geiriau mewn 0 nodyn wythnos a gyhoeddwyd", erased, StringComparison.Ordinal);
        Assert.Contains("0 cwestiwn a ofynnwyd gennych", erased, StringComparison.Ordinal);
        Assert.Contains("dywedwch **stopio**", erased, StringComparison.Ordinal);
        Assert.DoesNotContain("(s)", erased, StringComparison.Ordinal);

        // English counts read as English: one week, no edits, never "week(s)".
        await host.SayAsync(("29:bo", "Bo Diddley"), "Fixed the flaky build", "en-GB");
        await host.SayAsync(("29:bo", "Bo Diddley"), "erase my data", "en-GB");
        var english = squad.LastTextTo("29:bo");
        Assert.StartsWith("Erased: 1 week of answers, 0 lead edits of your items, your words in 0 published weeknotes", english, StringComparison.Ordinal);
        Assert.Contains("0 questions you asked or were asked", english, StringComparison.Ordinal);
        Assert.DoesNotContain("(s)", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_erasure_the_review_draft_kept_interrupting_tells_the_person_in_their_language_to_say_it_again()
    {
        await using var squad = new TestSquad(tables, "dileuhanner", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync(("29:ada", "Ada Lovelace"), "Shipped the referral pilot", "cy-GB");
        var week = IsoWeek.Parse("2026-W48");
        var squadRow = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        Task<string?> LeadEditsAsync(Func<DigestEdits, DigestEdits> change) => host.InScopeAsync(sp => sp.GetRequiredService<UpdateBot.Digests.DigestService>().EditAsync(squadRow, week, TestSquad.Lead,
            (edits, _) => change(edits), CancellationToken.None));

        // The lead hid Ada's item, so erasing her data takes it out of the review draft; each time the erasure writes the
        // draft, the lead has just changed it (a real conflict on the row), until the erasure gives up.
        Assert.Null(await LeadEditsAsync(edits => edits with { HiddenItemIds = new HashSet<string> { DigestComposer.ItemId("29:ada", "highlights") } }));
        var release = new TaskCompletionSource();
        var held = squad.Storage.HoldNextAsync("POST", release.Task, "$batch", "HiddenJson");
        var erasing = host.PostActivityAsync(Activities.InLocale(Activities.PersonalMessage("29:ada", "Ada Lovelace", "dileu fy nata"), "cy-GB"));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await held;
            var intro = $"Intro {attempt}";
            Assert.Null(await LeadEditsAsync(edits => edits with { Intro = intro }));
            var released = release;
            if (attempt < 4)
            {
                release = new TaskCompletionSource();
                held = squad.Storage.HoldNextAsync("POST", release.Task, "$batch", "HiddenJson");
            }

            released.SetResult();
        }

        host.AssertOk(await erasing);
        var told = squad.LastTextTo("29:ada");
        Assert.StartsWith("Dim ond rhan o'ch data sydd wedi'i dileu", told, StringComparison.Ordinal);
        Assert.Contains("Dywedwch **dileu fy nata** eto", told, StringComparison.Ordinal);
        Assert.DoesNotContain("erase my data", told, StringComparison.Ordinal);

        // Said again with nobody editing, it finishes.
        await host.SayAsync(("29:ada", "Ada Lovelace"), "dileu fy nata", "cy-GB");
        Assert.StartsWith("Wedi dileu:", squad.LastTextTo("29:ada"), StringComparison.Ordinal);
        var (draft, _) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, week, CancellationToken.None);
        Assert.Empty(draft.HiddenItemIds);
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_adds_and_removes_a_glossary_entry_with_the_Welsh_words()
    {
        await using var squad = new TestSquad(tables, "geirfacy", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "geirfa ychwanegu BIP = bwrdd iechyd prifysgol", "cy-GB");
        Assert.Contains("Wedi'i ychwanegu at eirfa Platform: BIP = bwrdd iechyd prifysgol", squad.LastTextTo(TestSquad.Lead), StringComparison.Ordinal);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "geirfa tynnu BIP", "cy-GB");
        Assert.Contains("Dydy BIP ddim yng ngeirfa Platform nawr.", squad.LastTextTo(TestSquad.Lead), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_lead_gets_a_notice_in_their_own_language_when_Teams_refuses_the_post_or_a_lead_leaves()
    {
        await using var squad = new TestSquad(tables, "hysbysiad", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead, "29:bo", "29:di"], autoPublish: false);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");
        await host.SayAsync(("29:bo", "Bo Diddley"), "hello", "en-GB");
        await host.SayAsync(("29:ada", "Ada Lovelace"), "Shipped the referral pilot");

        // Teams refuses the channel post for good: Lena is told in Welsh, with the Welsh command words; Bo in English.
        squad.Teams.ChannelPostFault = (ConnectorFault.None, System.Net.HttpStatusCode.Forbidden, 100);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "cyhoeddi", "cy-GB");
        var toLena = string.Concat(squad.Teams.CardsSentTo(TestSquad.Lead).Select(FakeTeams.Text));
        Assert.Contains("Nid oedd modd postio Diweddariad 1", toLena, StringComparison.Ordinal);
        Assert.Contains("yna dywedwch cyhoeddi nawr yn y sgwrs hon", toLena, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be posted", toLena, StringComparison.Ordinal);
        var toBo = string.Concat(squad.Teams.CardsSentTo("29:bo").Select(FakeTeams.Text));
        Assert.Contains("Update 1 could not be posted", toBo, StringComparison.Ordinal);
        Assert.Contains("then say publish now in this chat", toBo, StringComparison.Ordinal);

        // Di leaves the team: each remaining lead is told, in their language.
        squad.Teams.SetTeam(TestSquad.TeamId, TestSquad.People.Where(p => p.Id != "29:di"));
        Assert.True(await host.InScopeAsync(sp => sp.GetRequiredService<UpdateBot.Cycle.CycleRunner>().SyncRosterAsync(seeded, CancellationToken.None)));
        Assert.Single(squad.Teams.CardsSentTo(TestSquad.Lead), c => FakeTeams.Text(c).Contains("Dydy Di Fawcett ddim yn arweinydd Platform mwyach", StringComparison.Ordinal));
        Assert.Single(squad.Teams.CardsSentTo("29:bo"), c => FakeTeams.Text(c).Contains("Di Fawcett is no longer a lead of Platform", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_installers_language_is_only_theirs_and_goes_with_their_erasure_even_once_they_are_on_no_squad_list()
    {
        await using var squad = new TestSquad(tables, "gosodwr", ThursdayNoon);
        var host = squad.StartHost();
        squad.Teams.SetTeam(TestSquad.TeamId, TestSquad.People);
        host.AssertOk(await host.PostActivityAsync(Activities.InLocale(Activities.TeamInstall(TestSquad.TeamId, TestSquad.Lead, "Lena Lead"), "cy-GB")));
        async Task<Squad> Stored() => (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;

        // Someone else upgrades the app from an English Teams: the installer's language stays hers, not theirs.
        var upgrade = Activities.InLocale(Activities.TeamInstall(TestSquad.TeamId, "29:bo", "Bo Diddley"), "en-GB");
        upgrade["action"] = "add-upgrade";
        host.AssertOk(await host.PostActivityAsync(upgrade));
        Assert.Equal(Language.Welsh, (await Stored()).InstallerLanguage);

        // She is off the person index (left and swept, say), then erases her data: the install forgets her all the same.
        await host.Get<PeopleStore>().UnlinkAsync(TestSquad.Lead, TestSquad.TeamId, CancellationToken.None);
        await host.InScopeAsync(sp => sp.GetRequiredService<UpdateBot.Squads.PrivacyService>().EraseAsync(TestSquad.Lead, CancellationToken.None));
        var row = Assert.Single(await host.Get<SquadStore>().ListRowsAsync(CancellationToken.None), r => r.TeamId == TestSquad.TeamId);
        Assert.Null(row.InstallerLanguage);
        Assert.Null(row.InstalledBy);
    }

    [Fact]
    public async Task The_team_welcome_and_its_setup_card_are_in_the_language_of_whoever_added_the_app_even_when_sent_later()
    {
        await using var squad = new TestSquad(tables, "croeso", ThursdayNoon);
        var host = squad.StartHost();
        squad.Teams.SetTeam(TestSquad.TeamId, TestSquad.People);

        // Teams refuses the first two channel posts before writing them: the scheduler sends the welcome later, outside
        // any turn, and it is still in the installer's language.
        squad.Teams.ChannelPostFault = (ConnectorFault.RefusedBeforeWrite, System.Net.HttpStatusCode.OK, 2);
        host.AssertOk(await host.PostActivityAsync(Activities.InLocale(Activities.TeamInstall(TestSquad.TeamId, TestSquad.Lead, "Lena Lead"), "cy-GB")));
        Assert.Empty(squad.Teams.ChannelPosts);
        for (var i = 0; i < 12; i++)
        {
            await host.TickAsync();
            squad.Time.Advance(TimeSpan.FromMinutes(5));
        }

        var welcome = Assert.Single(squad.Teams.ChannelPosts).Json!["activity"]!;
        var text = FakeTeams.Text(welcome);
        Assert.Contains("Croeso i UpdateBot", text, StringComparison.Ordinal);
        Assert.Contains("Teipiwch @UpdateBot cymorth", text, StringComparison.Ordinal);
        Assert.DoesNotContain(WelcomeCards.WelcomeTitle, text, StringComparison.Ordinal);
        Assert.Equal("Mae UpdateBot yma i redeg eich diweddariad wythnosol", (string?)welcome["summary"]);
        var setup = string.Concat(squad.Teams.Requests.Where(r => r.Succeeded && r.Method == HttpMethod.Post && r.Body.Contains("setup.save", StringComparison.Ordinal)).Select(r => FakeTeams.Text(r.Json)));
        Assert.Contains("Gosod diweddariad wythnosol eich sgwad", setup, StringComparison.Ordinal);
        Assert.DoesNotContain(SetupCards.SetupTitle, setup, StringComparison.Ordinal);

        // Her language is hers: erasure forgets it with her id as the installer.
        Assert.Equal(Language.Welsh, (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.InstallerLanguage);
        await host.InScopeAsync(sp => sp.GetRequiredService<UpdateBot.Squads.PrivacyService>().EraseAsync(TestSquad.Lead, CancellationToken.None));
        Assert.Null((await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.InstallerLanguage);

        // Added by someone whose Teams speaks English: English.
        await using var other = new TestSquad(tables, "welcome", ThursdayNoon);
        var otherHost = other.StartHost();
        other.Teams.SetTeam(TestSquad.TeamId, TestSquad.People);
        otherHost.AssertOk(await otherHost.PostActivityAsync(Activities.InLocale(Activities.TeamInstall(TestSquad.TeamId, TestSquad.Lead, "Lena Lead"), "en-GB")));
        var english = FakeTeams.Text(Assert.Single(other.Teams.ChannelPosts).Json);
        Assert.Contains(WelcomeCards.WelcomeTitle, english, StringComparison.Ordinal);
        Assert.DoesNotContain("Croeso", english, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Language.Welsh, HeadingLanguages.English, Language.Welsh)]
    [InlineData(Language.English, HeadingLanguages.Welsh, Language.English)]
    [InlineData(null, HeadingLanguages.Welsh, Language.Welsh)]
    [InlineData(null, HeadingLanguages.Both, Language.Welsh)]
    [InlineData(null, HeadingLanguages.English, Language.English)]
    public void What_is_said_to_a_whole_team_follows_the_installer_then_the_squads_headings_then_English(Language? installer, HeadingLanguages headings, Language expected) =>
        Assert.Equal(expected, Languages.ForTeam(installer, headings));

    private static JsonObject? FindExecute(JsonNode? node, string verb) => node switch
    {
        JsonObject o when (string?)o["type"] == "Action.Execute" && (string?)o["verb"] == verb && o["data"] is JsonObject data => (JsonObject)data.DeepClone(),
        JsonObject o => o.Select(p => FindExecute(p.Value, verb)).FirstOrDefault(found => found is not null),
        JsonArray a => a.Select(child => FindExecute(child, verb)).FirstOrDefault(found => found is not null),
        _ => null,
    };

    [Fact]
    public void The_English_titles_the_code_names_are_the_English_strings()
    {
        // The constants stay for the tests and the Playground driver that look for these cards; the resource file is
        // what is shown, so the two must agree.
        var english = Texts.English;
        Assert.Equal(WelcomeCards.WelcomeTitle, english["Welcome.Title"]);
        Assert.Equal(WelcomeCards.HelpTitle, english["Help.Title"]);
        Assert.Equal(ReviewCards.HeaderTitlePrefix, english["Review.Fallback"]);
        Assert.Equal(StatusCards.StatusTitle, english["Status.Fallback"]);
        Assert.Equal(SquadChoiceCards.ChoiceTitle, english["Choice.Title"]);
        Assert.Equal(SetupCards.SetupTitle, english["Setup.Title"]);
        Assert.Equal(SetupCards.SavedTitle, english["Setup.SavedTitle"]);
        Assert.Equal(SetupCards.ChangedSinceCard, english["Setup.ChangedSinceCard"]);
        Assert.Equal(HistoryCards.HistoryTitle, english["History.Title"]);
        Assert.Equal(SquadChoiceCards.AllMySquads, english["Choice.All"]);
        Assert.StartsWith("{0} · " + PromptCards.LastWeekPrefix + ":", english["Prompt.LastWeek"], StringComparison.Ordinal);
    }
}
