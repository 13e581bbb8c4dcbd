using System.ComponentModel.DataAnnotations;

namespace UpdateBot.Cycle;

/// <summary>How the weekly cycle's work items travel through the work queue (README, "Configuration").</summary>
public sealed class WorkQueueOptions
{
    public const string Section = "WorkQueue";

    /// <summary>How long a dequeued work item stays hidden from other instances; renewed every third of it while the work runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A work item dequeued more than this many times (failures and crashes alike) moves to the poison queue.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>After a failed attempt the item reappears after this delay, doubled on each further attempt (1, 2, 4, 8 … minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an idle instance waits before looking at the queue again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A step queued longer than this without finishing is enqueued again (its message expired or was lost); a duplicate is harmless.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromHours(1);
}
