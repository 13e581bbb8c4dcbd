using System.Text.Json;
using System.Text.Json.Serialization;
using UpdateBot.Teams.Connector;

namespace UpdateBot.Teams.Schema;

/// <summary>
/// Source-generated metadata for the wire types read and written on every turn and every connector call, so that
/// <see cref="ProtocolJson.Options"/> needs no reflection for them. The options themselves stay in
/// <see cref="ProtocolJson"/>; anything not listed here falls back to reflection there.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Activity))]
[JsonSerializable(typeof(AdaptiveCardInvokeValue))]
[JsonSerializable(typeof(AdaptiveCardInvokeResponse))]
[JsonSerializable(typeof(InvokeError))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ResourceResponse))]
[JsonSerializable(typeof(ConversationResourceResponse))]
[JsonSerializable(typeof(ConversationParameters))]
[JsonSerializable(typeof(TeamsChannelAccount))]
[JsonSerializable(typeof(PagedMembersResult))]
[JsonSerializable(typeof(TeamDetails))]
[JsonSerializable(typeof(ConversationList))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
