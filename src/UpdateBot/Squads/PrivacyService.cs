using System.Text;
using UpdateBot.Storage;

namespace UpdateBot.Squads;

/// <summary>A member's own data: what is held about them, and erasure on request (README, "What it promises, exactly").</summary>
public sealed class PrivacyService(EntryStore entries, CycleStore cycle, Tables tables, ConversationStore conversations)
{
    public async Task<string> DescribeAsync(string userId, CancellationToken cancellationToken)
    {
        var rows = await entries.ListForMemberAsync(userId, cancellationToken);
        var builder = new StringBuilder();
        builder.AppendLine("**What UpdateBot holds about you**").AppendLine();
        builder.AppendLine("- Your Teams id and display name, and which squads you are on (from the team roster).");
        builder.AppendLine("- How to reach you 1:1 (the chat id Teams gave the bot).");
        builder.Append("- Your weekly answers: ").Append(rows.Count).AppendLine(rows.Count == 1 ? " week." : " weeks.");
        foreach (var (partition, row) in rows.OrderByDescending(r => r.Partition, StringComparer.Ordinal).Take(20))
        {
            var week = TableKey.Decode(partition[(partition.LastIndexOf('|') + 1)..]);
            builder.Append("  - ").Append(week).Append(": ").Append(row.Status).AppendLine();
        }

        builder.AppendLine().Append("Answers are deleted automatically after the retention period. Say **erase my data** to delete them all now (published weeknotes already in the channel stay there).");
        return builder.ToString();
    }

    /// <summary>Deletes the member's answers (with the leads' edits of them), roster rows and conversation reference.</summary>
    public async Task<int> EraseAsync(string userId, CancellationToken cancellationToken)
    {
        var rows = await entries.ListForMemberAsync(userId, cancellationToken);
        foreach (var (partition, row) in rows)
        {
            await cycle.DeleteLeadEditsOfMemberAsync(partition, userId, cancellationToken);
            await entries.DeleteAsync(row, cancellationToken);
        }

        // Roster rows stay (Teams lists them anyway, and an opt-out must survive erasure), minus what is not needed.
        var key = TableKey.Encode(userId);
        await foreach (var member in tables.Members.QueryAsync<MemberRow>(r => r.RowKey == key, cancellationToken: cancellationToken))
        {
            await tables.Members.UpdateAsync<MemberRow>(member.PartitionKey, member.RowKey, row =>
            {
                row.Email = null;
                row.AadObjectId = null;
                row.AwayUntil = null;
                return true;
            }, cancellationToken);
        }

        await conversations.MarkInactiveAsync(ConversationStore.User, userId, cancellationToken);
        return rows.Count;
    }
}
