using System.Globalization;

namespace UpdateBot.Benchmarks;

/// <summary>
/// This process's resident memory as Linux reports it in <c>/proc/self/status</c>: <c>VmRSS</c> (now) and <c>VmHWM</c>
/// (the peak, the "high water mark"). Writing 5 to <c>/proc/self/clear_refs</c> resets the peak to the current
/// resident set (Linux 4.0+, proc(5)), so a peak can be taken over one phase of a run. Zero where there is no /proc.
/// </summary>
internal static class ProcessMemory
{
    public static long ResidentBytes() => Read("VmRSS:");

    public static long PeakResidentBytes() => Read("VmHWM:");

    /// <summary>Starts a new peak from the current resident set. False when the kernel does not allow it here.</summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Read(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    // "VmRSS:	  151234 kB"
                    var kb = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
