using System.Text;

namespace UpdateBot.Storage;

/// <summary>
/// Makes any id safe as a PartitionKey or RowKey. Teams ids contain ':' '@' ';' (fine) but keys must not contain
/// '/', '\', '#', '?' or control characters, so those (and '%') are percent-encoded. Reversible and order-preserving
/// enough for our prefix queries.
/// </summary>
public static class TableKey
{
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? builder = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var unsafeChar = c is '/' or '\\' or '#' or '?' or '%' or '|' || char.IsControl(c);
            if (unsafeChar)
            {
                builder ??= new StringBuilder(value, 0, i, value.Length + 8);
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? value;
    }

    public static string Decode(string key) => Uri.UnescapeDataString(key);

    /// <summary>Joins encoded parts with '|'; <see cref="Encode"/> escapes '|' so the join is unambiguous.</summary>
    public static string Join(params string[] parts) => string.Join('|', parts.Select(Encode));
}
