using System.Text;

namespace UpdateBot.EndToEnd.Tests.Infrastructure;

public sealed record MockUser(string Id, string Name, string Upn, string AadObjectId, string GivenName, string Surname);

/// <summary>
/// The Playground's mock tenant: written as <c>.m365agentsplayground.yml</c> (schema 0.1.1: exactly 5 users besides
/// the current user, one personal chat, one group chat, one team with at most one extra channel; the General
/// channel id equals the team id).
/// </summary>
public sealed record PlaygroundMockData
{
    public string TenantId { get; init; } = "tenant-contoso";

    public string BotId { get; init; } = "28:updatebot-e2e";

    public string BotName { get; init; } = "UpdateBot";

    /// <summary>The person "using" the Playground: the squad's delivery lead.</summary>
    public MockUser CurrentUser { get; init; } =
        new("29:priya-lead", "Priya Shah", "priya.shah@contoso.test", "aad-priya", "Priya", "Shah");

    public IReadOnlyList<MockUser> Users { get; init; } =
    [
        new("29:tom-dev", "Tom Okafor", "tom.okafor@contoso.test", "aad-tom", "Tom", "Okafor"),
        new("29:mei-ux", "Mei Lin", "mei.lin@contoso.test", "aad-mei", "Mei", "Lin"),
        new("29:jonas-qa", "Jonas Berg", "jonas.berg@contoso.test", "aad-jonas", "Jonas", "Berg"),
        new("29:amara-data", "Amara Nwosu", "amara.nwosu@contoso.test", "aad-amara", "Amara", "Nwosu"),
        new("29:luis-ops", "Luis Ortega", "luis.ortega@contoso.test", "aad-luis", "Luis", "Ortega"),
    ];

    public string PersonalChatId { get; init; } = "a:personal-priya";

    public string GroupChatId { get; init; } = "19:payments-squad-chat@thread.v2";

    public string GroupChatName { get; init; } = "Payments squad chat";

    /// <summary>The team; its General channel has the same id.</summary>
    public string TeamId { get; init; } = "19:payments-general@thread.tacv2";

    public string TeamName { get; init; } = "Payments Squad";

    public string TeamAadGroupId { get; init; } = "aad-group-payments";

    public string ExtraChannelId { get; init; } = "19:payments-weeknotes@thread.tacv2";

    public string ExtraChannelName { get; init; } = "Weeknotes";

    public string ToYaml()
    {
        if (Users.Count != 5)
        {
            throw new InvalidOperationException("The Playground's config schema requires exactly 5 users.");
        }

        var yaml = new StringBuilder();
        yaml.Append("# Written by the UpdateBot end-to-end tests.\n");
        yaml.Append("version: \"0.1.1\"\n");
        yaml.Append($"tenantId: {Q(TenantId)}\n");
        yaml.Append($"bot: {{ id: {Q(BotId)}, name: {Q(BotName)} }}\n");
        yaml.Append($"currentUser: {User(CurrentUser)}\n");
        yaml.Append("users:\n");
        foreach (var user in Users)
        {
            yaml.Append($"  - {User(user)}\n");
        }

        yaml.Append($"personalChat: {{ id: {Q(PersonalChatId)} }}\n");
        yaml.Append($"groupChat: {{ id: {Q(GroupChatId)}, name: {Q(GroupChatName)} }}\n");
        yaml.Append($"team: {{ id: {Q(TeamId)}, name: {Q(TeamName)}, aadGroupId: {Q(TeamAadGroupId)}, ");
        yaml.Append($"channels: [ {{ id: {Q(ExtraChannelId)}, name: {Q(ExtraChannelName)} }} ] }}\n");
        return yaml.ToString();
    }

    private static string User(MockUser u) =>
        $"{{ id: {Q(u.Id)}, name: {Q(u.Name)}, userPrincipleName: {Q(u.Upn)}, aadObjectId: {Q(u.AadObjectId)}, " +
        $"givenName: {Q(u.GivenName)}, surname: {Q(u.Surname)}, email: {Q(u.Upn)} }}";

    private static string Q(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
