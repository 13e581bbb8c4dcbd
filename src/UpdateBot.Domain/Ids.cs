namespace UpdateBot.Domain;

/// <summary>
/// A squad: the Teams team id it was installed in (docs/protocol.md, "Install lifecycle"). Never empty, never longer
/// than <see cref="MaxLength"/>, no control characters, so it is always safe as part of a table key.
/// </summary>
public readonly record struct SquadId
{
    public const int MaxLength = 256;

    public SquadId(string value) => Value = Id.Checked(value, MaxLength, nameof(SquadId));

    public string Value { get => field ?? ""; }

    public static bool TryCreate(string? value, out SquadId id) => Id.TryCreate(value, MaxLength, v => new SquadId(v), out id);

    public override string ToString() => Value;
}

/// <summary>A person: their Teams user id (<c>29:…</c>). The same rules as <see cref="SquadId"/>.</summary>
public readonly record struct UserId
{
    public const int MaxLength = 256;

    public UserId(string value) => Value = Id.Checked(value, MaxLength, nameof(UserId));

    public string Value { get => field ?? ""; }

    public static bool TryCreate(string? value, out UserId id) => Id.TryCreate(value, MaxLength, v => new UserId(v), out id);

    public override string ToString() => Value;
}

/// <summary>A person writing their own update: their id, and the name Teams gave with it (a name may change; the id does not).</summary>
public sealed record Author(UserId Id, string Name);

internal static class Id
{
    public static bool IsValid(string? value, int maxLength) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= maxLength && !value.Any(char.IsControl);

    public static string Checked(string value, int maxLength, string kind) =>
        IsValid(value, maxLength) ? value : throw new ArgumentException($"A {kind} is 1–{maxLength} characters, not blank, without control characters.", nameof(value));

    public static bool TryCreate<T>(string? value, int maxLength, Func<string, T> create, out T id)
    {
        id = IsValid(value, maxLength) ? create(value!) : default!;
        return IsValid(value, maxLength);
    }
}
