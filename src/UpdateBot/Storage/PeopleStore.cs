using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using UpdateBot.Domain;

namespace UpdateBot.Storage;

/// <summary>
/// The per-person index (<see cref="Tables.People"/>): which squads someone is on or leads, kept in step with the roster
/// and the settings, so that finding a person's squads is one partition query; and the squad choices waiting for a tap.
/// A link says "look at this squad", never "is a member": the squad and roster rows stay the truth.
/// </summary>
public sealed class PeopleStore(Tables tables, TimeProvider time)
{
    private const string SquadPrefix = "squad|";
    private const string ChoicePrefix = "choice|";
    private const string ProfileKey = "profile";

    /// <summary>How long a squad choice waits for its tap.</summary>
    public static readonly TimeSpan ChoiceLifetime = TimeSpan.FromDays(1);

    public Task LinkAsync(string userId, string squadId, CancellationToken cancellationToken) =>
        tables.People.UpsertEntityAsync(
            new SquadLinkRow { PartitionKey = TableKey.Encode(userId), RowKey = SquadPrefix + TableKey.Encode(squadId), SquadId = squadId },
            TableUpdateMode.Replace,
            cancellationToken);

    public async Task UnlinkAsync(string userId, string squadId, CancellationToken cancellationToken) =>
        await tables.People.DeleteEntityAsync(TableKey.Encode(userId), SquadPrefix + TableKey.Encode(squadId), ETag.All, cancellationToken);

    /// <summary>The squads linked to this person (one partition query).</summary>
    public async Task<IReadOnlyList<string>> SquadIdsAsync(string userId, CancellationToken cancellationToken) =>
        (await QueryAsync<SquadLinkRow>(userId, SquadPrefix, cancellationToken)).Select(r => r.SquadId).ToList();

    /// <summary>How the person chose to be named in open weeknotes; null until they chose (then "a member of the team" is used).</summary>
    public async Task<PublicName?> GetPublicNameAsync(string userId, CancellationToken cancellationToken) =>
        await tables.People.FindAsync<ProfileRow>(TableKey.Encode(userId), ProfileKey, cancellationToken) is { } row && Enum.TryParse<PublicName>(row.PublicName, out var name)
            ? name
            : null;

    public Task SetPublicNameAsync(string userId, PublicName name, CancellationToken cancellationToken) =>
        tables.People.UpsertEntityAsync(
            new ProfileRow { PartitionKey = TableKey.Encode(userId), RowKey = ProfileKey, PublicName = name.ToString() },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Erasure: the choice goes with the rest of the person's data (a later open edition names them "a member of the team").</summary>
    public async Task ForgetPublicNameAsync(string userId, CancellationToken cancellationToken) =>
        await tables.People.DeleteEntityAsync(TableKey.Encode(userId), ProfileKey, ETag.All, cancellationToken);

    /// <summary>Keeps a message until the person says which squad it is for. Returns the token the choice card carries.</summary>
    public async Task<string> SaveChoiceAsync(string userId, string text, CancellationToken cancellationToken)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        await tables.People.AddEntityAsync(
            new PendingChoiceRow { PartitionKey = TableKey.Encode(userId), RowKey = ChoicePrefix + token, Text = text, CreatedAt = time.GetUtcNow() },
            cancellationToken);
        return token;
    }

    /// <summary>
    /// Takes the message waiting for a choice, once: a second tap (another device, a retried invoke, another instance)
    /// finds nothing. Null when it was taken, expired or never existed.
    /// </summary>
    public async Task<string?> TakeChoiceAsync(string userId, string token, CancellationToken cancellationToken)
    {
        if (token.Length is 0 or > 64 || token.Any(c => !char.IsAsciiHexDigit(c)))
        {
            return null;
        }

        var row = await tables.People.FindAsync<PendingChoiceRow>(TableKey.Encode(userId), ChoicePrefix + token, cancellationToken);
        if (row is null || time.GetUtcNow() - row.CreatedAt > ChoiceLifetime)
        {
            return null;
        }

        try
        {
            await tables.People.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
            return row.Text;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>The messages of this person still waiting for a squad choice.</summary>
    public async Task<IReadOnlyList<PendingChoiceRow>> ListChoicesAsync(string userId, CancellationToken cancellationToken) =>
        await QueryAsync<PendingChoiceRow>(userId, ChoicePrefix, cancellationToken);

    public async Task<int> DeleteChoicesAsync(string userId, CancellationToken cancellationToken) =>
        await tables.People.DeleteInBatchesAsync(await ListChoicesAsync(userId, cancellationToken), cancellationToken);

    /// <summary>The person's rows of one kind: one partition, a row-key range.</summary>
    private async Task<List<T>> QueryAsync<T>(string userId, string prefix, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var upper = prefix[..^1] + "}";
        var rows = new List<T>();
        await foreach (var row in tables.People.QueryAsync<T>(
            TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(userId)} and RowKey ge {prefix} and RowKey lt {upper}"), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }
}
