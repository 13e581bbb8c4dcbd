using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests.Fuzz;

/// <summary>What the generator aims at: a real squad, so that most activities get past the boundary and go deep.</summary>
public sealed record FuzzTarget(string TeamId, IReadOnlyList<string> MemberIds, string Week, IReadOnlyList<string> SectionIds);

/// <summary>
/// Generates hostile activities from a seed: every activity type Teams sends (and some it does not), built around the
/// real squad, then mutated — ids empty, null, huge, with control characters, with the characters Azure Table keys
/// forbid, unicode, unpaired surrogates; fields of the wrong JSON type; huge names and texts; random invoke values and
/// card verbs with random data; and a few broken bodies (truncated, invalid UTF-8, deep nesting, other encodings).
/// Activity <c>i</c> depends only on the seed and <c>i</c>, so a failure is reproduced by its index.
/// </summary>
public sealed class HostileActivities(int seed, FuzzTarget target)
{
    // Marks where an unpaired surrogate escape goes: JSON writers cannot write one, so it is spliced into the text.
    private const string LoneSurrogateMarker = "\u00a7LONE\u00a7";

    private static readonly JsonSerializerOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Types =
    [
        "message", "message", "message", "invoke", "invoke", "invoke", "conversationUpdate", "conversationUpdate",
        "installationUpdate", "messageReaction", "typing", "event", "messageUpdate", "messageDelete", "endOfConversation",
        "contactRelationUpdate", "someFutureType",
    ];

    private static readonly string[] InvokeNames =
    [
        "adaptiveCard/action", "adaptiveCard/action", "adaptiveCard/action", "task/fetch", "task/submit",
        "composeExtension/query", "signin/verifyState", "config/fetch", "actionableMessage/executeAction",
        "fileConsent/invoke", "tab/fetch", "healthCheck", "",
    ];

    private static readonly string[] CardVerbs =
    [
        Verbs.SetupSave, Verbs.PromptSubmit, Verbs.PromptQuiet, Verbs.PromptAway, Verbs.PromptEdit, Verbs.PromptRefresh,
        Verbs.CaptureMove, Verbs.CaptureUndo, Verbs.DigestHide, Verbs.DigestRestore, Verbs.DigestEdit, Verbs.DigestIntro,
        Verbs.DigestMoveUp, Verbs.DigestMoveDown, Verbs.DigestPublish, Verbs.DigestRefresh, "unknown.verb", "",
    ];

    private static readonly string[] Texts =
    [
        "help", "status", "my update", "quiet week", "away until 12 Dec", "away until never", "stop", "start", "preview",
        "export", "publish", "send prompts now", "setup", "my data", "history", "<at>UpdateBot</at> help",
        "<at>UpdateBot</at> status", "shipped the thing", "undo",
    ];

    private static readonly string[] DataKeys =
    [
        "squadId", "week", "sectionId", "target", "text", "itemId", "basis", "awayUntil", "intro", "verb",
        "name", "timeZone", "sections", "autoPublish", "leads", "openDay", "openTime", "publishDay", "publishTime",
    ];

    private static readonly string[] Paths =
    [
        "type", "id", "channelId", "serviceUrl", "from.id", "from.name", "from.aadObjectId", "recipient.id",
        "recipient.name", "conversation.id", "conversation.tenantId", "conversation.conversationType", "conversation.name",
        "conversation.isGroup", "channelData", "channelData.team", "channelData.team.id", "channelData.team.name",
        "channelData.team.aadGroupId", "channelData.channel.id", "channelData.channel.name", "channelData.tenant.id",
        "channelData.settings.selectedChannel.id", "channelData.eventType", "replyToId", "text", "name", "action", "value",
        "value.action", "value.action.type", "value.action.verb", "value.action.data", "value.action.data.squadId",
        "value.action.data.week", "value.action.data.text", "value.action.data.sectionId", "value.trigger",
        "membersAdded", "membersRemoved", "reactionsAdded", "entities", "attachments", "locale", "timestamp", "from", "recipient",
        "conversation",
    ];

    public const string BotId = FakeTeams.BotId;

    /// <summary>The body of hostile activity number <paramref name="index"/>.</summary>
    public byte[] Body(int index)
    {
        var random = new Random(unchecked((seed * 397) ^ index));
        var activity = Activity(random);
        var mutations = random.Next(4);
        for (var m = 0; m < mutations; m++)
        {
            Mutate(activity, Paths[random.Next(Paths.Length)], random);
        }

        var text = activity.ToJsonString(Writer).Replace(LoneSurrogateMarker, LoneSurrogate(random), StringComparison.Ordinal);
        return random.Next(100) < 6 ? BreakBody(text, random) : Encoding.UTF8.GetBytes(text);
    }

    private JsonObject Activity(Random random)
    {
        var type = Pick(random, Types);
        var inTeam = random.Next(3) == 0;
        var user = random.Next(8) == 0 ? HostileString(random) : Pick(random, target.MemberIds);
        var activity = new JsonObject
        {
            ["type"] = type,
            ["id"] = "fuzz-" + random.Next().ToString(CultureInfo.InvariantCulture),
            ["channelId"] = "msteams",
            ["serviceUrl"] = FakeTeams.ServiceUrl,
            ["timestamp"] = "2026-11-26T12:00:00Z",
            ["from"] = new JsonObject { ["id"] = user, ["name"] = "Fuzz " + random.Next(100).ToString(CultureInfo.InvariantCulture), ["aadObjectId"] = RandomGuid(random) },
            ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "UpdateBot" },
            ["conversation"] = inTeam
                ? new JsonObject { ["id"] = BotTestHost.ChannelOf(target.TeamId), ["conversationType"] = "channel", ["isGroup"] = true, ["tenantId"] = FakeTeams.TenantId }
                : new JsonObject { ["id"] = FakeTeams.PersonalConversationId(user), ["conversationType"] = "personal", ["tenantId"] = FakeTeams.TenantId },
            ["channelData"] = inTeam
                ? new JsonObject
                {
                    ["team"] = new JsonObject { ["id"] = target.TeamId, ["name"] = "Platform", ["aadGroupId"] = RandomGuid(random) },
                    ["channel"] = new JsonObject { ["id"] = BotTestHost.ChannelOf(target.TeamId) },
                    ["tenant"] = new JsonObject { ["id"] = FakeTeams.TenantId },
                }
                : new JsonObject { ["tenant"] = new JsonObject { ["id"] = FakeTeams.TenantId } },
        };

        switch (type)
        {
            case "message":
                activity["text"] = random.Next(4) == 0 ? HostileString(random) : Pick(random, Texts);
                if (random.Next(3) == 0)
                {
                    // Action.Submit: the card's data arrives as the message value, an object or a JSON string.
                    var data = CardData(random);
                    data["verb"] = Pick(random, CardVerbs);
                    activity["value"] = random.Next(3) == 0 ? JsonValue.Create(data.ToJsonString()) : data;
                    activity["replyToId"] = "1:card-" + random.Next(1000).ToString(CultureInfo.InvariantCulture);
                }

                break;
            case "invoke":
                activity["name"] = Pick(random, InvokeNames);
                activity["value"] = new JsonObject
                {
                    ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = "a1", ["verb"] = Pick(random, CardVerbs), ["data"] = CardData(random) },
                    ["trigger"] = random.Next(4) == 0 ? "automatic" : "manual",
                };
                if (random.Next(2) == 0)
                {
                    activity["replyToId"] = "1:card-" + random.Next(1000).ToString(CultureInfo.InvariantCulture);
                }

                break;
            case "conversationUpdate":
                activity["membersAdded"] = Members(random);
                activity["membersRemoved"] = random.Next(3) == 0 ? Members(random) : null;
                if (activity["channelData"] is JsonObject channelData)
                {
                    channelData["eventType"] = Pick(random, ["teamMemberAdded", "teamMemberRemoved", "channelCreated", "teamRenamed", "teamDeleted", "whatever"]);
                }

                break;
            case "installationUpdate":
                activity["action"] = Pick(random, ["add", "remove", "add-upgrade", "remove-upgrade", "??"]);
                if (inTeam && activity["channelData"] is JsonObject install)
                {
                    install["settings"] = new JsonObject { ["selectedChannel"] = new JsonObject { ["id"] = BotTestHost.ChannelOf(target.TeamId) } };
                }

                break;
            case "messageReaction":
                activity["reactionsAdded"] = new JsonArray(new JsonObject { ["type"] = Pick(random, ["like", "heart", "laugh", ""]) });
                activity["replyToId"] = "1:reacted";
                break;
            case "event":
                activity["name"] = Pick(random, ["application/vnd.microsoft.meetingStart", "", "x"]);
                break;
            default:
                break;
        }

        return activity;
    }

    private JsonArray Members(Random random)
    {
        var members = new JsonArray();
        var count = random.Next(4);
        for (var i = 0; i < count; i++)
        {
            var id = random.Next(5) switch
            {
                0 => BotId,
                1 => HostileString(random),
                _ => Pick(random, target.MemberIds),
            };
            members.Add(new JsonObject { ["id"] = id, ["name"] = random.Next(3) == 0 ? HostileString(random) : "New Member", ["aadObjectId"] = RandomGuid(random) });
        }

        return members;
    }

    private JsonObject CardData(Random random)
    {
        var data = new JsonObject
        {
            ["squadId"] = random.Next(5) == 0 ? HostileString(random) : target.TeamId,
            ["week"] = random.Next(5) == 0 ? HostileString(random) : target.Week,
        };
        var extra = random.Next(6);
        for (var i = 0; i < extra; i++)
        {
            var key = random.Next(3) == 0 ? "s_" + Pick(random, target.SectionIds) : Pick(random, DataKeys);
            data[key] = random.Next(3) == 0 ? HostileNode(random) : JsonValue.Create(HostileString(random));
        }

        return data;
    }

    /// <summary>Replaces, removes or retypes the value at a dotted path (when the parent is an object).</summary>
    private void Mutate(JsonObject activity, string path, Random random)
    {
        var parts = path.Split('.');
        JsonObject? parent = activity;
        foreach (var part in parts[..^1])
        {
            parent = parent?[part] as JsonObject;
        }

        if (parent is null)
        {
            return;
        }

        var leaf = parts[^1];
        switch (random.Next(10))
        {
            case 0:
                parent.Remove(leaf);
                break;
            case 1 or 2:
                parent[leaf] = HostileNode(random);
                break;
            default:
                parent[leaf] = HostileString(random);
                break;
        }
    }

    /// <summary>A value of any JSON type, sometimes deeply nested.</summary>
    private JsonNode? HostileNode(Random random) => random.Next(9) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        2 => JsonValue.Create(random.NextDouble() * 1e300),
        3 => JsonValue.Create(random.Next(2) == 0),
        4 => new JsonArray(JsonValue.Create(HostileString(random)), JsonValue.Create(1), null),
        5 => new JsonObject { ["id"] = HostileString(random), ["name"] = HostileString(random), ["type"] = HostileString(random) },
        6 => Nested(random.Next(2, 60)),
        7 => new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = HostileString(random), ["data"] = HostileNode(random) } },
        _ => JsonValue.Create(HostileString(random)),
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonObject { ["leaf"] = "x" };
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["n"] = node };
        }

        return node;
    }

    /// <summary>A string meant to hurt: empty, blank, huge, control characters, table-key characters, unicode, unpaired surrogates.</summary>
    private string HostileString(Random random) => random.Next(16) switch
    {
        0 => "",
        1 => "   \t ",
        2 => new string((char)('a' + random.Next(26)), random.Next(401, 70_000)),
        3 => "29:" + new string('x', random.Next(200, 400)),
        4 => "29:" + ControlCharacter(random) + "id",
        5 => KeyHostile(random, random.Next(1, 400)),
        6 => "29:" + KeyHostile(random, random.Next(1, 140)),
        7 => "29:ü😀\u202e\u0301中文\uffff\ufeff" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
        8 => "29:" + LoneSurrogateMarker + "x",
        9 => "%2F%25%7C%~" + new string('f', 64),
        10 => Pick(random, target.MemberIds) + Pick(random, ["/", "\\", "#", "?", "%", "|", "'", "\"", "%00"]),
        11 => target.TeamId + Pick(random, ["", ";messageid=1", "/x", "#", " "]),
        12 => "<at>UpdateBot</at> " + Pick(random, Texts) + new string(' ', random.Next(3)),
        13 => "'; DROP TABLE Squads; --",
        14 => "http://127.0.0.1:1/" + KeyHostile(random, 10),
        _ => Pick(random, Texts),
    };

    private static string KeyHostile(Random random, int length)
    {
        const string alphabet = "/\\#?%|~:;@=&+ aZ09ü";
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }

    private static char ControlCharacter(Random random) => random.Next(3) switch
    {
        0 => (char)random.Next(0, 0x20),
        1 => '\u007f',
        _ => (char)random.Next(0x80, 0xa0),
    };

    private static string LoneSurrogate(Random random) => random.Next(2) == 0 ? "\\ud800" : "\\udfff";

    /// <summary>A body that is not a clean JSON activity: truncated, invalid UTF-8, other encodings, odd top levels, deep nesting.</summary>
    private static byte[] BreakBody(string json, Random random)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        switch (random.Next(8))
        {
            case 0:
                return utf8[..random.Next(utf8.Length)];
            case 1:
                var broken = (byte[])utf8.Clone();
                for (var i = 0; i < 5; i++)
                {
                    broken[random.Next(broken.Length)] = (byte)random.Next(0x80, 0x100);
                }

                return broken;
            case 2:
                return Encoding.Unicode.GetBytes(json);
            case 3:
                return [0xEF, 0xBB, 0xBF, .. utf8];
            case 4:
                return Encoding.UTF8.GetBytes(Pick(random, ["", "null", "[]", "\"message\"", "42", "{}", "{\"type\":null}", "{\"type\":\"message\",\"type\":7}"]));
            case 5:
                return Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000));
            case 6:
                return Encoding.UTF8.GetBytes("{\"type\":\"message\",\"value\":" + new string('[', 200) + new string(']', 200) + "}");
            default:
                return Encoding.Latin1.GetBytes(json);
        }
    }

    private static string RandomGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
