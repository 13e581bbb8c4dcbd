using System.Text;
using System.Text.Json;
using UpdateBot.Teams.Authentication;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Hosting;

/// <summary>
/// What an authenticated activity must be before anything acts on it (docs/protocol.md, "The activity boundary"):
/// from Teams (<c>channelId</c> exactly <c>msteams</c>), for our tenant when one is configured, and in a shape the
/// service can use safely — every id it relies on present, bounded and free of control characters, an absolute
/// http(s) <c>serviceUrl</c>, an invoke with a name and, for Universal Actions, a well-formed <c>value</c>.
/// Names are cleaned and bounded here, in place, so storage never sees an oversized one.
/// </summary>
internal static class ActivityBoundary
{
    public const string TeamsChannelId = "msteams";

    /// <summary>Teams ids are opaque but short (user and conversation ids run to ~150–300 characters).</summary>
    public const int MaxIdLength = 400;

    /// <summary>Short protocol words: <c>type</c>, invoke <c>name</c>, <c>action</c>, <c>conversationType</c>, a card verb.</summary>
    public const int MaxWordLength = 128;

    public const int MaxServiceUrlLength = 2048;

    /// <summary>Display names (people, teams, channels) are cut to this many characters.</summary>
    public const int MaxNameLength = 256;

    private const string AdaptiveCardActionInvoke = "adaptiveCard/action";

    /// <param name="expectedTenantId">
    /// <c>Bot:TenantId</c>; null or empty in development mode, where the Agents Playground sends a tenant of its own.
    /// </param>
    public static BoundaryVerdict Admit(Activity activity, string? expectedTenantId)
    {
        if (!string.Equals(activity.ChannelId, TeamsChannelId, StringComparison.Ordinal))
        {
            return BoundaryVerdict.Forbid("channelId is not msteams");
        }

        if (!string.IsNullOrWhiteSpace(expectedTenantId) && TenantProblem(activity, expectedTenantId) is { } tenantProblem)
        {
            return BoundaryVerdict.Forbid(tenantProblem);
        }

        if (ShapeProblem(activity) is { } shapeProblem)
        {
            return BoundaryVerdict.Reject(shapeProblem);
        }

        CleanNames(activity);
        return BoundaryVerdict.Admitted;
    }

    /// <summary>
    /// Teams puts the tenant in <c>channelData.tenant.id</c> on every activity, and usually in
    /// <c>conversation.tenantId</c> too: every tenant present must be ours, and at least one must be present.
    /// </summary>
    private static string? TenantProblem(Activity activity, string expectedTenantId)
    {
        var conversationTenant = activity.Conversation?.TenantId;
        var channelDataTenant = activity.ChannelData?.Tenant?.Id;
        if (conversationTenant is null && channelDataTenant is null)
        {
            return "no tenant";
        }

        return (conversationTenant is null || IsSameTenant(conversationTenant, expectedTenantId))
               && (channelDataTenant is null || IsSameTenant(channelDataTenant, expectedTenantId))
            ? null
            : "another tenant";
    }

    private static bool IsSameTenant(string candidate, string expected) =>
        Guid.TryParse(candidate, out var a) && Guid.TryParse(expected, out var b)
            ? a == b
            : string.Equals(candidate.Trim(), expected.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string? ShapeProblem(Activity activity)
    {
        var problem = Word(activity.Type, "type", required: true)
            ?? Id(activity.Id, "id", required: false)
            ?? ServiceUrl(activity.ServiceUrl)
            ?? Id(activity.From?.Id, "from.id", required: true)
            ?? Id(activity.From?.AadObjectId, "from.aadObjectId", required: false)
            ?? Id(activity.Recipient?.Id, "recipient.id", required: true)
            ?? Id(activity.Conversation?.Id, "conversation.id", required: true)
            ?? Id(activity.Conversation?.TenantId, "conversation.tenantId", required: false)
            ?? Word(activity.Conversation?.ConversationType, "conversation.conversationType", required: false)
            ?? Id(activity.ReplyToId, "replyToId", required: false)
            ?? Word(activity.Action, "action", required: false)
            ?? ChannelDataProblem(activity.ChannelData)
            ?? Members(activity.MembersAdded, "membersAdded")
            ?? Members(activity.MembersRemoved, "membersRemoved");
        if (problem is not null || !string.Equals(activity.Type, ActivityTypes.Invoke, StringComparison.Ordinal))
        {
            return problem;
        }

        // An invoke's name selects the schema of its value (docs/protocol.md, "Invoke responses").
        return Word(activity.Name, "name", required: true)
            ?? (string.Equals(activity.Name, AdaptiveCardActionInvoke, StringComparison.Ordinal) ? AdaptiveCardActionProblem(activity.Value) : null);
    }

    private static string? ChannelDataProblem(TeamsChannelData? data) =>
        data is null
            ? null
            : Id(data.Tenant?.Id, "channelData.tenant.id", required: false)
              ?? Id(data.Team?.Id, "channelData.team.id", required: false)
              ?? Id(data.Team?.AadGroupId, "channelData.team.aadGroupId", required: false)
              ?? Id(data.Channel?.Id, "channelData.channel.id", required: false)
              ?? Id(data.Settings?.SelectedChannel?.Id, "channelData.settings.selectedChannel.id", required: false)
              ?? Word(data.EventType, "channelData.eventType", required: false);

    private static string? Members(List<ChannelAccount>? members, string field)
    {
        if (members is null)
        {
            return null;
        }

        foreach (var member in members)
        {
            if (member is null)
            {
                return field + " has an empty entry";
            }

            if ((Id(member.Id, field + "[].id", required: true) ?? Id(member.AadObjectId, field + "[].aadObjectId", required: false)) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>
    /// The Universal Actions invoke value: <c>{ action: { type: "Action.Execute", verb, id?, data? }, trigger? }</c>
    /// (docs/protocol.md, "Universal Actions"). Anything else is the client's error, answered 400 with the error body.
    /// </summary>
    private static string? AdaptiveCardActionProblem(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.Object } root)
        {
            return "value is not an object";
        }

        if (root.TryGetProperty("trigger", out var trigger) && trigger.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            return "value.trigger is not a string";
        }

        if (!TryGetProperty(root, "action", out var action) || action.ValueKind != JsonValueKind.Object)
        {
            return "value.action is not an object";
        }

        if (!TryGetProperty(action, "type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Action.Execute")
        {
            return "value.action.type is not Action.Execute";
        }

        if (!TryGetProperty(action, "verb", out var verb) || verb.ValueKind != JsonValueKind.String)
        {
            return "value.action.verb is not a string";
        }

        if (Word(verb.GetString(), "value.action.verb", required: true) is { } verbProblem)
        {
            return verbProblem;
        }

        if (TryGetProperty(action, "id", out var id) && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            return "value.action.id is not a string";
        }

        return TryGetProperty(action, "data", out var data) && data.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)
            ? "value.action.data is not an object"
            : null;
    }

    /// <summary>Property lookup as the schema reads it (case-insensitive, like <see cref="ProtocolJson.Options"/>).</summary>
    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static string? ServiceUrl(string? serviceUrl)
    {
        if (string.IsNullOrEmpty(serviceUrl))
        {
            return "serviceUrl is missing";
        }

        return serviceUrl.Length <= MaxServiceUrlLength
               && !HasUnsafeCharacter(serviceUrl)
               && TrustedServiceUrls.TryParse(serviceUrl, out _)
            ? null
            : "serviceUrl is not an absolute http(s) URL";
    }

    private static string? Id(string? value, string field, bool required) => Text(value, field, required, MaxIdLength);

    private static string? Word(string? value, string field, bool required) => Text(value, field, required, MaxWordLength);

    /// <summary>
    /// Absent is fine unless required; present means non-blank, bounded, with no control characters and no unpaired
    /// surrogates (Teams does not send empty values, and such characters are refused in Azure Table keys or mangled
    /// by JSON writers).
    /// </summary>
    private static string? Text(string? value, string field, bool required, int maxLength)
    {
        if (value is null)
        {
            return required ? field + " is missing" : null;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return field + " is empty";
        }

        if (value.Length > maxLength)
        {
            return field + " is too long";
        }

        return HasUnsafeCharacter(value) ? field + " has control characters" : null;
    }

    private static bool HasUnsafeCharacter(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                return true;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static void CleanNames(Activity activity)
    {
        CleanName(activity.From);
        CleanName(activity.Recipient);
        if (activity.Conversation is { } conversation)
        {
            conversation.Name = BoundedName(conversation.Name);
        }

        if (activity.ChannelData?.Team is { } team)
        {
            team.Name = BoundedName(team.Name);
        }

        if (activity.ChannelData?.Channel is { } channel)
        {
            channel.Name = BoundedName(channel.Name);
        }

        foreach (var member in (activity.MembersAdded ?? []).Concat(activity.MembersRemoved ?? []))
        {
            CleanName(member);
        }
    }

    private static void CleanName(ChannelAccount? account)
    {
        if (account is not null)
        {
            account.Name = BoundedName(account.Name);
        }
    }

    /// <summary>A display name without control characters or unpaired surrogates, cut to <see cref="MaxNameLength"/> without splitting a pair.</summary>
    internal static string? BoundedName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var kept = new StringBuilder(Math.Min(name.Length, MaxNameLength));
        for (var i = 0; i < name.Length && kept.Length < MaxNameLength; i++)
        {
            var c = name[i];
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                if (kept.Length + 2 > MaxNameLength)
                {
                    break;
                }

                kept.Append(c).Append(name[++i]);
            }
            else if (!char.IsControl(c) && !char.IsSurrogate(c))
            {
                kept.Append(c);
            }
        }

        return kept.ToString().Trim();
    }
}
