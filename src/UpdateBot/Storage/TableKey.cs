using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace UpdateBot.Storage;

/// <summary>
/// The one place an id becomes (part of) a PartitionKey or RowKey. Any string maps to a valid key part: Azure Table keys
/// must not contain '/', '\', '#', '?' or control characters (U+0000–U+001F, U+007F–U+009F) and are at most 1 KiB
/// (Azurite allows 512 characters) — https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model.
/// Those characters, '%' and the '|' of <see cref="Join"/> are percent-encoded as UTF-8, so <see cref="Decode"/>
/// reverses the encoding. Teams ids contain none of them and are far shorter than <see cref="MaxPartLength"/>, so they
/// are stored as they are. A part that would still be longer (only hostile input) is cut and suffixed with a hash of
/// the whole: a valid, distinct key, but one <see cref="Decode"/> cannot reverse.
/// </summary>
public static class TableKey
{
    /// <summary>The longest encoded part; composite keys add at most a few dozen characters to it and stay under 512.</summary>
    public const int MaxPartLength = 400;

    // Never produced by the percent-encoding (every '%' it writes is followed by two hex digits), so a hashed part
    // cannot equal an encoded one.
    private const string HashMarker = "%~";

    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? builder = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder?.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }

            var unsafeChar = c is '/' or '\\' or '#' or '?' or '%' or '|' || char.IsControl(c) || char.IsSurrogate(c);
            if (unsafeChar)
            {
                builder ??= new StringBuilder(value, 0, i, value.Length + 8);

                // An unpaired surrogate has no UTF-8 form; it is written as U+FFFD's (still distinct from a literal U+FFFD).
                foreach (var b in Encoding.UTF8.GetBytes(char.IsSurrogate(c) ? "\uFFFD" : c.ToString()))
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                builder?.Append(c);
            }
        }

        var encoded = builder?.ToString() ?? value;
        return encoded.Length <= MaxPartLength ? encoded : Hashed(encoded);
    }

    public static string Decode(string key) => Uri.UnescapeDataString(key);

    /// <summary>Joins encoded parts with '|'; <see cref="Encode"/> escapes '|' so the join is unambiguous.</summary>
    public static string Join(params string[] parts) => string.Join('|', parts.Select(Encode));

    private static string Hashed(string encoded)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(encoded)));
        var cut = MaxPartLength - HashMarker.Length - hash.Length;

        // Never end inside a %XX escape or between the halves of a surrogate pair.
        if (encoded[cut - 1] == '%')
        {
            cut -= 1;
        }
        else if (encoded[cut - 2] == '%')
        {
            cut -= 2;
        }

        if (char.IsHighSurrogate(encoded[cut - 1]))
        {
            cut -= 1;
        }

        return string.Concat(encoded.AsSpan(0, cut), HashMarker, hash);
    }
}
