namespace UpdateBot.Storage;

/// <summary>What is needed to message someone or somewhere later (docs/protocol.md, "Conversation references").</summary>
public sealed record ConversationReference(string Kind, string Key, string ConversationId, string ServiceUrl, string TenantId, string? BotId, string? Name, string? AadObjectId, string? TeamId, bool Active);

/// <summary>
/// Conversation references per user (their 1:1 chat), per team and per channel, refreshed from every inbound
/// activity so the newest serviceUrl is always the one used (docs/protocol.md, "Service URL").
/// </summary>
public sealed class ConversationStore(Tables tables, TimeProvider time)
{
    public const string User = "user";
    public const string Team = "team";
    public const string Channel = "channel";

    public async Task<ConversationReference?> GetAsync(string kind, string key, CancellationToken cancellationToken)
    {
        var row = await tables.Conversations.FindAsync<ConversationRow>(kind, TableKey.Encode(key), cancellationToken);
        return row is null ? null : ToReference(row);
    }

    /// <summary>Creates or refreshes a reference. Only writes when something changed, so hot paths stay cheap.</summary>
    public async Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken)
    {
        var key = TableKey.Encode(reference.Key);
        var row = await tables.Conversations.FindAsync<ConversationRow>(reference.Kind, key, cancellationToken);
        if (row is not null
            && row.ConversationId == reference.ConversationId
            && row.ServiceUrl == reference.ServiceUrl
            && row.Active == reference.Active
            && (reference.Name is null || row.Name == reference.Name)
            && (reference.AadObjectId is null || row.AadObjectId == reference.AadObjectId))
        {
            return;
        }

        var updated = new ConversationRow
        {
            PartitionKey = reference.Kind,
            RowKey = key,
            ConversationId = reference.ConversationId,
            ServiceUrl = reference.ServiceUrl,
            TenantId = reference.TenantId,
            BotId = reference.BotId ?? row?.BotId,
            Name = reference.Name ?? row?.Name,
            AadObjectId = reference.AadObjectId ?? row?.AadObjectId,
            TeamId = reference.TeamId ?? row?.TeamId,
            Active = reference.Active,
            UpdatedAt = time.GetUtcNow(),
        };
        await tables.Conversations.UpsertEntityAsync(updated, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
    }

    public Task MarkInactiveAsync(string kind, string key, CancellationToken cancellationToken) =>
        tables.Conversations.UpdateAsync<ConversationRow>(kind, TableKey.Encode(key), row =>
        {
            if (!row.Active)
            {
                return false;
            }

            row.Active = false;
            row.UpdatedAt = time.GetUtcNow();
            return true;
        }, cancellationToken);

    /// <summary>Forgets a reference entirely (erasure on the person's request). True when there was one.</summary>
    public async Task<bool> DeleteAsync(string kind, string key, CancellationToken cancellationToken)
    {
        var response = await tables.Conversations.DeleteEntityAsync(kind, TableKey.Encode(key), Azure.ETag.All, cancellationToken);
        return response.Status != 404;
    }

    private static ConversationReference ToReference(ConversationRow row) =>
        new(row.PartitionKey, TableKey.Decode(row.RowKey), row.ConversationId, row.ServiceUrl, row.TenantId, row.BotId, row.Name, row.AadObjectId, row.TeamId, row.Active);
}
