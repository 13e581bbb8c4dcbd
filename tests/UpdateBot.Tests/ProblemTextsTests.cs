using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;
using UpdateBot.TestSupport;
using UpdateBot.Turns;

namespace UpdateBot.Tests;

/// <summary>
/// The domain's typed problems and plain-English findings, said in the person's language by
/// <see cref="ProblemTexts"/> (docs/localisation.md): the English as it always read, the Welsh to a Welsh speaker, and
/// every kind of problem with words in every language. Against real tables for what members and leads are sent.
/// </summary>
public sealed class ProblemTextsTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly Texts English = Texts.English;
    private static readonly Texts Welsh = Texts.For(Language.Welsh);

    private static WeeklyTime At(DayOfWeek day, int hour) => new(day, new TimeOnly(hour, 0));

    /// <summary>One of each kind of settings problem, with the English the domain used to write for it.</summary>
    public static TheoryData<SettingsProblem, string> SettingsProblemsInEnglish => new()
    {
        { new SettingsProblem.NameMissing(), "Give the squad a name." },
        { new SettingsProblem.NameTooLong(61, 60), "The squad name is 61 characters; the limit is 60." },
        { new SettingsProblem.UnknownTimeZone("Europe/Lodnon"), "Unknown time zone 'Europe/Lodnon'. Use an IANA name such as Europe/London." },
        { new SettingsProblem.NotADay(CycleStep.Open, "Thrusday"), "The prompt day 'Thrusday' is not a day. Use Monday to Sunday." },
        { new SettingsProblem.NotATime(CycleStep.Remind, "25:00"), "The reminder time '25:00' is not a time. Use HH:mm, such as 14:00." },
        { new SettingsProblem.NotATime(CycleStep.Compile, "noon"), "The compile time 'noon' is not a time. Use HH:mm, such as 14:00." },
        { new SettingsProblem.NotATime(CycleStep.Publish, "4pm"), "The publish time '4pm' is not a time. Use HH:mm, such as 14:00." },
        {
            new SettingsProblem.ReminderOutOfOrder(At(DayOfWeek.Thursday, 10), At(DayOfWeek.Friday, 10), At(DayOfWeek.Friday, 9)),
            "The reminder (Fri 10:00) must come after the prompt (Thu 10:00) and before the compile (Fri 09:00)."
        },
        { new SettingsProblem.PublishBeforeCompile(At(DayOfWeek.Friday, 14), At(DayOfWeek.Friday, 13)), "The publish (Fri 13:00) must not come before the compile (Fri 14:00)." },
        { new SettingsProblem.NoSections(), "Add at least one section, one title per line." },
        { new SettingsProblem.TooManySections(11, 10), "There are 11 sections; the limit is 10." },
        { new SettingsProblem.SectionUnnamed(3), "Section 3 has no name." },
        { new SettingsProblem.SectionTitleTooLong(2, 61, 60), "Section 2 is 61 characters; the limit is 60." },
        { new SettingsProblem.SectionListedTwice("highlights"), "Section 'highlights' is listed twice." },
        {
            new SettingsProblem.BadOpenSlug("da--ta", 60),
            "The web address name 'da--ta' can have only the letters a to z, digits and single hyphens between them, at most 60 characters (for example mental-health-discovery)."
        },
    };

    [Theory]
    [MemberData(nameof(SettingsProblemsInEnglish))]
    public void A_settings_problem_reads_in_English_as_it_always_did(SettingsProblem problem, string english) =>
        Assert.Equal(english, English.Explain(problem));

    [Fact]
    public void Every_kind_of_settings_problem_has_words_in_every_language()
    {
        // A new kind of problem without words fails here, not in front of a lead.
        var kinds = typeof(SettingsProblem).GetNestedTypes().Where(t => t.IsSubclassOf(typeof(SettingsProblem))).ToHashSet();
        var covered = SettingsProblemsInEnglish.Select(row => row[0].GetType()).ToHashSet();
        Assert.Equal(kinds.OrderBy(t => t.Name).Select(t => t.Name), covered.OrderBy(t => t.Name).Select(t => t.Name));

        foreach (var (problem, english) in SettingsProblemsInEnglish.Select(row => ((SettingsProblem)row[0], (string)row[1])))
        {
            var welsh = Welsh.Explain(problem);
            Assert.NotEqual(english, welsh);
            Assert.False(string.IsNullOrWhiteSpace(welsh));
        }
    }

    [Fact]
    public void A_settings_problem_reads_in_Welsh_with_the_typed_words_and_Welsh_days()
    {
        Assert.Equal("Cylchfa amser anhysbys 'Europe/Lodnon'. Defnyddiwch enw IANA fel Europe/London.", Welsh.Explain(new SettingsProblem.UnknownTimeZone("Europe/Lodnon")));
        Assert.Equal("Dydy diwrnod y neges wythnosol, 'Thrusday', ddim yn ddiwrnod. Defnyddiwch ddydd Llun i ddydd Sul.", Welsh.Explain(new SettingsProblem.NotADay(CycleStep.Open, "Thrusday")));
        Assert.Equal("Mae teitl adran 2 yn 61 nod o hyd; y terfyn yw 60.", Welsh.Explain(new SettingsProblem.SectionTitleTooLong(2, 61, 60)));
        Assert.Equal("Rhowch enw i'r sgwad.", Welsh.Explain(new SettingsProblem.NameMissing()));

        // The days of the week in the lead's language.
        var order = Welsh.Explain(new SettingsProblem.ReminderOutOfOrder(At(DayOfWeek.Thursday, 10), At(DayOfWeek.Friday, 10), At(DayOfWeek.Friday, 9)));
        Assert.Equal(
            $"Rhaid i'r nodyn atgoffa ({WelshDay(DayOfWeek.Friday)} 10:00) ddod ar ôl y neges wythnosol ({WelshDay(DayOfWeek.Thursday)} 10:00) a chyn llunio'r drafft ({WelshDay(DayOfWeek.Friday)} 09:00).",
            order);
        Assert.Equal("Iau", WelshDay(DayOfWeek.Thursday));
    }

    private static string WelshDay(DayOfWeek day) => Welsh.DateCulture.DateTimeFormat.GetAbbreviatedDayName(day);

    [Fact]
    public void A_text_over_its_limit_is_named_as_the_reader_sees_it_in_their_language()
    {
        var tooLong = new TooLong(2001, 2000);
        Assert.Equal("Highlights is 2,001 characters; the limit is 2,000.", English.SectionTooLong("Highlights", tooLong));
        Assert.Equal("Discovery and delivery is 12,345 characters; the limit is 2,000.", English.SectionTooLong("Discovery and delivery", new TooLong(12345, 2000)));
        Assert.Equal("This item is 2,001 characters; the limit is 2,000.", English.ItemTooLong(tooLong));
        Assert.Equal("The intro is 2,001 characters; the limit is 2,000.", English.IntroTooLong(tooLong));

        Assert.Equal("Mae'r adran Highlights yn 2,001 nod o hyd; y terfyn yw 2,000.", Welsh.SectionTooLong("Highlights", tooLong));
        Assert.Equal("Mae'r eitem hon yn 2,001 nod o hyd; y terfyn yw 2,000.", Welsh.ItemTooLong(tooLong));
        Assert.Equal("Mae'r cyflwyniad yn 2,001 nod o hyd; y terfyn yw 2,000.", Welsh.IntroTooLong(tooLong));
    }

    [Fact]
    public void A_glossary_problem_reads_in_English_as_it_always_did_and_in_Welsh_with_the_Welsh_command()
    {
        var notAnAcronym = new GlossaryProblem.NotAnAcronym("I.C.B", 10);
        var badExpansion = new GlossaryProblem.BadExpansion("ICB", 120);
        Assert.Equal("“I.C.B” is not an acronym I can look for: use up to 10 letters and digits, such as ICB.", English.Explain(notAnAcronym));
        Assert.Equal("Say what ICB stands for after the “=”, in up to 120 characters: glossary add ICB = integrated care board.", English.Explain(badExpansion));

        Assert.Equal("Dydy “I.C.B” ddim yn acronym y galla i chwilio amdano: defnyddiwch hyd at 10 o lythrennau a digidau, fel ICB.", Welsh.Explain(notAnAcronym));
        Assert.Equal("Dywedwch beth yw ystyr ICB ar ôl yr “=”, mewn hyd at 120 nod: geirfa ychwanegu ICB = integrated care board.", Welsh.Explain(badExpansion));
    }

    /// <summary>One finding of each kind, with the English the domain used to write for it.</summary>
    public static TheoryData<PlainEnglishFinding, string> FindingsInEnglish => new()
    {
        { new PlainEnglishFinding.LongSentence(26, 25, "word word…"), "A sentence of 26 words (aim for 25 or fewer): “word word…”" },
        { new PlainEnglishFinding.UnexpandedAcronym("ICB", "integrated care board"), "ICB is not explained: write “integrated care board (ICB)” the first time" },
        { new PlainEnglishFinding.UnexpandedAcronym("PCN", null), "PCN is not explained: say what it stands for the first time (the lead can add it: glossary add PCN = …)" },
        { new PlainEnglishFinding.HardToRead(12.4, 50), "Hard to read: reading ease 12 (aim for 50 or more; use shorter words and sentences)" },
        { new PlainEnglishFinding.VagueLink("click here"), "The link “click here” does not say where it goes: use words that describe the page" },
        { new PlainEnglishFinding.BareAddress("https://example.org/notes"), "A bare web address (https://example.org/notes): link words that describe the page instead" },
        { new PlainEnglishFinding.InsideTeam("as discussed"), "“as discussed” only makes sense inside the team: say what it refers to" },
    };

    [Theory]
    [MemberData(nameof(FindingsInEnglish))]
    public void Plain_english_advice_reads_in_English_as_it_always_did(PlainEnglishFinding finding, string english) =>
        Assert.Equal(english, English.Advice(finding));

    [Fact]
    public void Every_kind_of_finding_has_advice_in_every_language()
    {
        var kinds = typeof(PlainEnglishFinding).GetNestedTypes().Where(t => t.IsSubclassOf(typeof(PlainEnglishFinding))).Select(t => t.Name).Order();
        Assert.Equal(kinds, FindingsInEnglish.Select(row => row[0].GetType().Name).Distinct().Order());
        foreach (var (finding, english) in FindingsInEnglish.Select(row => ((PlainEnglishFinding)row[0], (string)row[1])))
        {
            Assert.NotEqual(english, Welsh.Advice(finding));
        }

        Assert.Equal("Dim ond y tîm fydd yn deall “as discussed”: dywedwch at beth mae'n cyfeirio", Welsh.Advice(new PlainEnglishFinding.InsideTeam("as discussed")));
        Assert.Equal(
            "Dydy PCN ddim wedi'i esbonio: dywedwch beth yw ei ystyr y tro cyntaf (gall yr arweinydd ei ychwanegu: geirfa ychwanegu PCN = …)",
            Welsh.Advice(new PlainEnglishFinding.UnexpandedAcronym("PCN", null)));
    }

    [Fact]
    public void The_English_advice_line_starts_with_the_prefix_the_code_names()
    {
        Assert.StartsWith(ReviewCards.PlainEnglishPrefix, English.Format("Advice.Line", "x"), StringComparison.Ordinal);
        var many = "As discussed, per the above, see above, as agreed.";
        Assert.Equal(
            "✎ Plain English: “as discussed” only makes sense inside the team: say what it refers to; “per the above” only makes sense inside the team: say what it refers to; “see above” only makes sense inside the team: say what it refers to (and 1 more)",
            ReviewCards.PlainEnglishLine(many, null, English)!.Text);
        Assert.StartsWith("✎ Saesneg clir: Dim ond y tîm fydd yn deall “as discussed”", ReviewCards.PlainEnglishLine(many, null, Welsh)!.Text, StringComparison.Ordinal);
        Assert.EndsWith("(a 1 arall)", ReviewCards.PlainEnglishLine(many, null, Welsh)!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Welsh_speaking_member_is_told_in_Welsh_that_a_section_is_too_long_and_nothing_is_stored()
    {
        await using var squad = new TestSquad(tables, "hirhir", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync(("29:ada", "Ada Lovelace"), "shwmae", "cy-GB");
        var longText = "Stori hir " + new string('x', AnswerText.MaxSectionLength - 9);

        var (status, body) = await host.InvokeAsync(Activities.InLocale(Activities.Execute("29:ada", "Ada Lovelace", Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = "2026-W48", ["s_highlights"] = longText }), "cy-GB"));

        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        var card = FakeTeams.Text(body!["value"]);
        Assert.Contains("Mae'r adran Highlights yn 2,001 nod o hyd; y terfyn yw 2,000.", card, StringComparison.Ordinal);
        Assert.DoesNotContain("characters; the limit", card, StringComparison.Ordinal);
        Assert.Contains(longText, card, StringComparison.Ordinal);
        Assert.Empty(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, IsoWeek.Parse("2026-W48"), CancellationToken.None));

        // Typed in the chat, the same words: the chat's first section would pass its limit.
        await host.SayAsync(("29:ada", "Ada Lovelace"), longText, "cy-GB");
        Assert.Contains("Mae'r adran Highlights yn 2,001 nod o hyd", squad.LastTextTo("29:ada"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Welsh_speaking_member_is_told_in_Welsh_when_the_whole_update_is_too_large_to_store()
    {
        await using var squad = new TestSquad(tables, "emoji", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync(("29:bo", "Bo Diddley"), "shwmae", "cy-GB");

        // Each section within its limit, all of them together past what storage holds (MemberWordsTests has the English).
        var emoji = string.Concat(Enumerable.Repeat("🎉", AnswerText.MaxSectionLength / 2));
        var values = new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = "2026-W48" };
        foreach (var section in seeded.Settings.Sections)
        {
            values[PromptCards.SectionInput(section.Id)] = emoji;
        }

        var (_, body) = await host.InvokeAsync(Activities.InLocale(Activities.Execute("29:bo", "Bo Diddley", Verbs.PromptSubmit, values), "cy-GB"));

        var card = FakeTeams.Text(body!["value"]);
        Assert.Contains("Mae eich diweddariad yn rhy hir i'w storio'n gyfan", card, StringComparison.Ordinal);
        Assert.DoesNotContain("too long to store", card, StringComparison.Ordinal);
        Assert.Null(await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, IsoWeek.Parse("2026-W48"), "29:bo", CancellationToken.None));
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_gets_the_setup_cards_problems_in_Welsh_and_nothing_is_saved()
    {
        await using var squad = new TestSquad(tables, "gosod", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");
        var values = SetupCardValues.Filled(seeded.SettingsVersion, "Europe/Lodnon", sections: "Highlights\nhighlights", name: "Platform");

        var (_, body) = await host.InvokeAsync(Activities.InLocale(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, values, TestSquad.TeamId), "cy-GB"));

        var form = FakeTeams.Text(body!["value"]);
        Assert.Contains("Cylchfa amser anhysbys 'Europe/Lodnon'. Defnyddiwch enw IANA fel Europe/London.", form, StringComparison.Ordinal);
        Assert.Contains("Mae'r adran 'highlights' wedi'i rhestru ddwywaith.", form, StringComparison.Ordinal);
        Assert.DoesNotContain("Unknown time zone", form, StringComparison.Ordinal);
        Assert.Equal(seeded.SettingsVersion, (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.SettingsVersion);
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_is_told_in_Welsh_when_glossary_cannot_read_an_acronym()
    {
        await using var squad = new TestSquad(tables, "acronym", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "geirfa add B.I.P = bwrdd iechyd prifysgol", "cy-GB");
        Assert.Equal("Dydy “B.I.P” ddim yn acronym y galla i chwilio amdano: defnyddiwch hyd at 10 o lythrennau a digidau, fel ICB.", squad.LastTextTo(TestSquad.Lead).Trim());

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "geirfa add BIP =", "cy-GB");
        Assert.Contains("Dywedwch beth yw ystyr BIP ar ôl yr “=”", squad.LastTextTo(TestSquad.Lead), StringComparison.Ordinal);
        Assert.Empty((await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.Settings.Glossary);
    }

    [Fact]
    public async Task A_Welsh_speaking_leads_desk_gives_plain_english_advice_in_Welsh_quoting_the_words_as_written()
    {
        await using var squad = new TestSquad(tables, "cyngor", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");
        await host.SayAsync(("29:ada", "Ada Lovelace"), "As discussed, we met the PCN.");

        // The desk the scheduler sends at compile time.
        await squad.TickThroughAsync(host, new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30));
        var desk = string.Concat(squad.Reviews(TestSquad.Lead).Select(r => FakeTeams.Text(r.Json)));
        Assert.Contains("As discussed, we met the PCN.", desk, StringComparison.Ordinal);
        Assert.Contains("✎ Saesneg clir: Dydy PCN ddim wedi'i esbonio", desk, StringComparison.Ordinal);
        Assert.Contains("geirfa ychwanegu PCN = …", desk, StringComparison.Ordinal);
        Assert.Contains("Dim ond y tîm fydd yn deall “as discussed”", desk, StringComparison.Ordinal);
        Assert.DoesNotContain(ReviewCards.PlainEnglishPrefix, desk, StringComparison.Ordinal);
        Assert.DoesNotContain("only makes sense inside the team", desk, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_is_told_in_Welsh_that_an_edited_item_or_intro_is_too_long()
    {
        await using var squad = new TestSquad(tables, "golygu", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");
        await host.SayAsync(("29:ada", "Ada Lovelace"), "Shipped the referral pilot");
        await squad.TickThroughAsync(host, new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30));
        var desk = squad.Reviews(TestSquad.Lead);
        var tooLong = new string('y', AnswerText.MaxSectionLength + 1);
        var before = squad.Teams.SendsTo(TestSquad.Lead).Count;

        var edit = desk.Select(r => FindExecute(r.Json, Verbs.DigestEdit)).First(d => d is not null)!;
        edit[(string)edit["inputId"]!] = tooLong;
        var (_, edited) = await host.InvokeAsync(Activities.InLocale(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestEdit, edit), "cy-GB"));
        Assert.Contains("Mae'r eitem hon yn 2,001 nod o hyd; y terfyn yw 2,000.", Told(edited), StringComparison.Ordinal);

        var intro = desk.Select(r => FindExecute(r.Json, Verbs.DigestIntro)).First(d => d is not null)!;
        intro[ReviewCards.IntroInput] = tooLong;
        var (_, introduced) = await host.InvokeAsync(Activities.InLocale(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestIntro, intro), "cy-GB"));
        Assert.Contains("Mae'r cyflwyniad yn 2,001 nod o hyd; y terfyn yw 2,000.", Told(introduced), StringComparison.Ordinal);

        // The card comes back, and the problem is sent alongside it in the chat.
        string Told(JsonNode? response)
        {
            var told = FakeTeams.Text(response) + string.Concat(squad.Teams.SendsTo(TestSquad.Lead).Skip(before).Select(r => FakeTeams.Text(r.Json)));
            before = squad.Teams.SendsTo(TestSquad.Lead).Count;
            return told;
        }
    }

    private static JsonObject? FindExecute(JsonNode? node, string verb) => node switch
    {
        JsonObject o when (string?)o["type"] == "Action.Execute" && (string?)o["verb"] == verb && o["data"] is JsonObject data => (JsonObject)data.DeepClone(),
        JsonObject o => o.Select(p => FindExecute(p.Value, verb)).FirstOrDefault(found => found is not null),
        JsonArray a => a.Select(child => FindExecute(child, verb)).FirstOrDefault(found => found is not null),
        _ => null,
    };

    /// <summary>Each reason, with the English the service stored for it before reasons had codes.</summary>
    public static TheoryData<DeliveryReason, string> ReasonsInEnglish => new()
    {
        { new DeliveryReason(ReasonCode.UnconfirmedUnreadable), "Delivery unconfirmed: Teams accepted the message but its answer could not be read, so it may have arrived. It is not sent again automatically." },
        { new DeliveryReason(ReasonCode.UnconfirmedTimeout), "Delivery unconfirmed: Teams did not answer in time, so it may have arrived. It is not sent again automatically." },
        { new DeliveryReason(ReasonCode.UnconfirmedCancelled), "Delivery unconfirmed: the service stopped before Teams answered, so it may have arrived. It is not sent again automatically." },
        { new DeliveryReason(ReasonCode.UnconfirmedTransport), "Delivery unconfirmed: the connection to Teams broke before it answered, so it may have arrived. It is not sent again automatically." },
        { new DeliveryReason(ReasonCode.UnconfirmedError, "502"), "Delivery unconfirmed: Teams answered with an error (502), so it may have arrived. It is not sent again automatically." },
        { new DeliveryReason(ReasonCode.UnconfirmedRestart), "Delivery unconfirmed: a restart interrupted this send; it may not have arrived." },
        { new DeliveryReason(ReasonCode.TokenUnavailable), "The bot could not get its access token to call Teams; retrying automatically." },
        { new DeliveryReason(ReasonCode.Unauthorized), "Teams refused the bot's credentials (401, even with a fresh token); retrying automatically." },
        { new DeliveryReason(ReasonCode.UntrustedAddress), "The Teams address stored for this chat is not one the bot trusts." },
        { new DeliveryReason(ReasonCode.ChatGone), "Teams says the chat no longer exists (the app may have been removed)." },
        { new DeliveryReason(ReasonCode.Throttled), "Teams asked us to slow down; retrying automatically." },
        { new DeliveryReason(ReasonCode.Refused, "413 MessageSizeTooBig"), "Teams refused the message (413 MessageSizeTooBig); it is not sent again automatically." },
        { new DeliveryReason(ReasonCode.Unreachable, "503"), "Teams could not be reached (503); retrying automatically." },
        { new DeliveryReason(ReasonCode.UnreachableNoResponse), "Teams could not be reached (no response); retrying automatically." },
        { new DeliveryReason(ReasonCode.Blocked), "They have blocked or muted the bot." },
        { new DeliveryReason(ReasonCode.NotInstalled), "The app is not installed for them." },
        { new DeliveryReason(ReasonCode.AdminBlocked), "A Teams admin has blocked the app." },
        { new DeliveryReason(ReasonCode.MayNotBeInstalled), "Teams would not let the bot message them (the app may not be installed for them)." },
        { new DeliveryReason(ReasonCode.SendAgain), "A lead asked to send it again." },
        { new DeliveryReason(ReasonCode.InterruptedBeforeSend), "Interrupted before it was sent; it will be sent on a later attempt." },
        { new DeliveryReason(ReasonCode.NoLongerMember), "No longer a member of the team." },
        { new DeliveryReason(ReasonCode.LeftTeam), "Left the team." },
    };

    [Theory]
    [MemberData(nameof(ReasonsInEnglish))]
    public void A_reason_reads_in_English_as_it_was_stored_and_round_trips_through_its_code(DeliveryReason reason, string english)
    {
        Assert.Equal(english, English.Reason(reason));
        Assert.Equal(reason, DeliveryReason.Read(reason.Stored));
        Assert.Equal(Welsh.Reason(reason), Welsh.Reason(reason.Stored, english));
        Assert.NotEqual(english, Welsh.Reason(reason));
    }

    [Fact]
    public void Every_reason_has_words_and_a_reason_without_a_known_code_is_shown_as_recorded()
    {
        Assert.Equal(Enum.GetValues<ReasonCode>().Order(), ReasonsInEnglish.Select(row => ((DeliveryReason)row[0]).Code).Order());
        Assert.Equal("Maen nhw wedi rhwystro neu dewi'r bot.", Welsh.Reason(new DeliveryReason(ReasonCode.Blocked).Stored, "They have blocked or muted the bot."));

        // Rows from before codes were kept, and codes a later version added, show the English as recorded.
        Assert.Equal("Written by an earlier version.", Welsh.Reason(null, "Written by an earlier version."));
        Assert.Equal("Written by a later version.", Welsh.Reason("SomethingNew:1", "Written by a later version."));
        Assert.Null(DeliveryReason.Read("7"));
        Assert.Null(Welsh.Reason(null, null));
    }

    [Fact]
    public async Task A_Welsh_speaking_lead_reads_why_a_member_cannot_be_reached_in_Welsh_and_an_older_rows_reason_as_recorded()
    {
        await using var squad = new TestSquad(tables, "rheswm", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "shwmae", "cy-GB");
        squad.Teams.Behave("29:bo", new UserBehaviour(System.Net.HttpStatusCode.Forbidden, "ConversationBlockedByUser"));
        await host.TickAsync();

        // Cy's row as an earlier version left it: unreachable, the reason in English and no code beside it.
        var rows = host.Get<Tables>().Members;
        var cy = (await rows.GetEntityAsync<MemberRow>(TableKey.Encode(TestSquad.TeamId), TableKey.Encode("29:cy"))).Value;
        (cy.Reach, cy.ReachDetail, cy.ReachDetailCode) = (nameof(ReachStatus.NotInstalled), "Recorded in English by an earlier version.", null);
        await rows.UpdateEntityAsync(cy, cy.ETag);

        await host.SayAsync((TestSquad.Lead, "Lena Lead"), "statws", "cy-GB");
        var status = squad.LastTextTo(TestSquad.Lead);
        Assert.Contains("Maen nhw wedi rhwystro neu dewi'r bot.", status, StringComparison.Ordinal);
        Assert.DoesNotContain("They have blocked or muted the bot.", status, StringComparison.Ordinal);
        Assert.Contains("Recorded in English by an earlier version.", status, StringComparison.Ordinal);

        // What is stored: the English, as earlier versions read it, and the code beside it.
        var bo = (await rows.GetEntityAsync<MemberRow>(TableKey.Encode(TestSquad.TeamId), TableKey.Encode("29:bo"))).Value;
        Assert.Equal(("They have blocked or muted the bot.", "Blocked"), (bo.ReachDetail, bo.ReachDetailCode));
    }

    [Fact]
    public void A_publish_Teams_refused_gives_its_reason_in_the_leads_language_and_an_older_markers_as_recorded()
    {
        var reason = new DeliveryReason(ReasonCode.Refused, "403 BotNotInConversationRoster");
        var refused = new Digests.PublishResult(Digests.PublishState.Refused, 3, English.Reason(reason)) { DetailCode = reason.Stored };

        Assert.Contains("Gwrthododd Teams y neges (403 BotNotInConversationRoster); dydy hi ddim yn cael ei hanfon eto'n awtomatig.", refused.Describe(Welsh), StringComparison.Ordinal);
        Assert.Contains("Teams refused the message (403 BotNotInConversationRoster); it is not sent again automatically.", refused.Describe(English), StringComparison.Ordinal);
        Assert.Contains("Recorded by an earlier version.", (refused with { DetailCode = null, Detail = "Recorded by an earlier version." }).Describe(Welsh), StringComparison.Ordinal);

        var unconfirmed = new Digests.PublishResult(Digests.PublishState.Unconfirmed, 3, "x") { DetailCode = new DeliveryReason(ReasonCode.UnconfirmedTimeout).Stored };
        Assert.Contains("wnaeth Teams ddim ateb mewn pryd", unconfirmed.Describe(Welsh), StringComparison.Ordinal);
        Assert.Equal(Welsh.Reason(new DeliveryReason(ReasonCode.UnconfirmedTimeout)), unconfirmed.Details(Welsh));
    }
}
