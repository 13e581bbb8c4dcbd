namespace UpdateBot.Domain;

/// <summary>Why a send did not simply go out, or why a member cannot be reached: the reasons a lead is shown.</summary>
public enum ReasonCode
{
    /// <summary>Teams accepted the message but its answer could not be read.</summary>
    UnconfirmedUnreadable,
    UnconfirmedTimeout,
    UnconfirmedCancelled,
    UnconfirmedTransport,

    /// <summary>Teams answered with an error after the message may have arrived; the value is the HTTP status.</summary>
    UnconfirmedError,

    /// <summary>A restart interrupted the send after it was claimed.</summary>
    UnconfirmedRestart,
    TokenUnavailable,
    Unauthorized,
    UntrustedAddress,
    ChatGone,
    Throttled,

    /// <summary>Teams refused the message for good; the value is its status and code as Teams gave them.</summary>
    Refused,

    /// <summary>Teams could not be reached; the value is the HTTP status.</summary>
    Unreachable,
    UnreachableNoResponse,
    Blocked,
    NotInstalled,
    AdminBlocked,
    MayNotBeInstalled,
    SendAgain,
    InterruptedBeforeSend,
    NoLongerMember,
    LeftTeam,
}

/// <summary>
/// A reason with the one value its message quotes (a status code), stored beside the English detail on a marker or a
/// roster row so that <c>status</c>, <c>publish</c> and the review desk can say it in the reader's language
/// (docs/localisation.md). Rows written before reasons were stored have only the English, which is shown as it is.
/// </summary>
public sealed record DeliveryReason(ReasonCode Code, string? Value = null)
{
    /// <summary>The stored form: the code's name, then ":" and the value when there is one.</summary>
    public string Stored => Value is null ? Code.ToString() : $"{Code}:{Value}";

    /// <summary>The reason a stored form names; null for none, or for a code this version does not know (the English is shown then).</summary>
    public static DeliveryReason? Read(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }

        var colon = stored.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? stored : stored[..colon];
        return Enum.TryParse<ReasonCode>(name, ignoreCase: false, out var code) && Enum.IsDefined(code) && !char.IsDigit(name[0])
            ? new DeliveryReason(code, colon < 0 ? null : stored[(colon + 1)..])
            : null;
    }
}
