using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace UpdateBot.Tests.Infrastructure;

/// <summary>
/// Storage faults and signals for the integration tests: a policy in the Azure SDK pipeline of the service's tables and
/// queues that fails chosen calls, once the SDK's own retries are spent (it sits per call, outside them). Several hosts
/// may share one instance.
/// </summary>
public sealed class StorageFaults
{
    private readonly Lock gate = new();
    private readonly List<Rule> rules = [];
    private readonly List<Observer> observers = [];
    private readonly List<Hold> holds = [];

    /// <summary>The calls failed so far, as "METHOD path".</summary>
    public List<string> Injected { get; } = [];

    /// <summary>Every call so far, as "METHOD path" (the path names the table and, for a row, its keys).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The calls so far that change something (not a GET).</summary>
    public IReadOnlyList<string> Writes() => Calls.Where(c => !c.StartsWith("GET ", StringComparison.Ordinal)).ToList();

    /// <summary>Every table query (a GET of <c>Table()</c>, not a point read) so far, as "table ? $filter".</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Queries { get; } = new();

    /// <summary>The number of operations in each entity-group transaction (<c>$batch</c>) so far.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<int> Batches { get; } = new();

    /// <summary>The queries whose filter does not pin the partition key (equal to one value, or a range of them): table scans.</summary>
    public IReadOnlyList<string> QueriesWithoutPartitionKey() =>
        Queries.Where(q => !q.Contains("PartitionKey eq '", StringComparison.Ordinal) && !(q.Contains("PartitionKey ge '", StringComparison.Ordinal) && q.Contains("PartitionKey lt '", StringComparison.Ordinal))).ToList();

    /// <summary>
    /// Fails the next <paramref name="times"/> calls whose method is <paramref name="method"/> and whose decoded URI and
    /// body contain every one of <paramref name="contains"/> (e.g. a table name and a row key) with a 503.
    /// </summary>
    public void FailNext(string method, int times, params string[] contains) => AnswerNext(503, method, times, contains);

    /// <summary>
    /// Answers the next <paramref name="times"/> matching calls with <paramref name="status"/> without sending them:
    /// 412 stands for a row another writer changed in between (its ETag moved on).
    /// </summary>
    public void AnswerNext(int status, string method, int times, params string[] contains)
    {
        lock (gate)
        {
            rules.Add(new Rule(method, contains, times, status));
        }
    }

    /// <summary>
    /// Slow storage: the next call of <paramref name="method"/> whose URI and body contain every one of
    /// <paramref name="contains"/> waits, before it is sent, until <paramref name="release"/> completes.
    /// The task returned completes when that call has started waiting.
    /// </summary>
    public Task HoldNextAsync(string method, Task release, params string[] contains)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            holds.Add(new Hold(method, contains, entered, release));
        }

        return entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Removes every rule still pending (storage is healthy again).</summary>
    public void Clear()
    {
        lock (gate)
        {
            rules.Clear();
        }
    }

    /// <summary>Completes once the next call of <paramref name="method"/> whose URI and body contain every one of <paramref name="contains"/> has been answered.</summary>
    public Task NextCallAsync(string method, params string[] contains)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            observers.Add(new Observer(method, contains, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public TableClientOptions ClientOptions()
    {
        var options = new TableClientOptions();
        options.AddPolicy(new Policy(this), HttpPipelinePosition.PerCall);
        return options;
    }

    /// <summary>The same policy for the work queues (a queue call's URI names the queue and, for messages, "/messages").</summary>
    public QueueClientOptions QueueClientOptions()
    {
        var options = new QueueClientOptions();
        options.AddPolicy(new Policy(this), HttpPipelinePosition.PerCall);
        return options;
    }

    private static (string Method, string Text) Describe(HttpMessage message)
    {
        var uri = Uri.UnescapeDataString(message.Request.Uri.ToString());
        var body = message.Request.Content is { } content && content.TryComputeLength(out var length) && length < 1_000_000 ? Read(content) : "";
        // A conditional write says so ("If-Match: W/…"), so a rule can tell it from an unconditional one.
        var condition = message.Request.Headers.TryGetValue("If-Match", out var ifMatch) ? "\nIf-Match: " + ifMatch : "";
        return (message.Request.Method.ToString(), uri + condition + "\n" + body);
    }

    private static bool Matches(string method, string[] contains, (string Method, string Text) call) =>
        string.Equals(method, call.Method, StringComparison.OrdinalIgnoreCase) && contains.All(c => call.Text.Contains(c, StringComparison.Ordinal));

    private void RecordQuery(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        Calls.Enqueue(message.Request.Method + " " + Uri.UnescapeDataString(uri.AbsolutePath));
        if (message.Request.Method == RequestMethod.Get && uri.AbsolutePath.EndsWith("()", StringComparison.Ordinal))
        {
            var filter = System.Web.HttpUtility.ParseQueryString(uri.Query)["$filter"] ?? "";
            Queries.Enqueue(uri.AbsolutePath[(uri.AbsolutePath.LastIndexOf('/') + 1)..] + " ? " + filter);
        }
        else if (uri.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal))
        {
            var body = Describe(message).Text;
            Batches.Enqueue(System.Text.RegularExpressions.Regex.Count(body, "^(DELETE|POST|PUT|PATCH|MERGE) ", System.Text.RegularExpressions.RegexOptions.Multiline));
        }
    }

    private int? InjectedStatus(HttpMessage message)
    {
        var call = Describe(message);
        lock (gate)
        {
            if (rules.FirstOrDefault(r => r.Remaining > 0 && Matches(r.Method, r.Contains, call)) is { } rule)
            {
                rule.Remaining--;
                Injected.Add($"{call.Method} {call.Text}");
                return rule.Status;
            }
        }

        return null;
    }

    private Task? HeldBy(HttpMessage message)
    {
        var call = Describe(message);
        lock (gate)
        {
            if (holds.FirstOrDefault(h => Matches(h.Method, h.Contains, call)) is not { } hold)
            {
                return null;
            }

            holds.Remove(hold);
            hold.Entered.TrySetResult();
            return hold.Release;
        }
    }

    private void Answered(HttpMessage message)
    {
        var call = Describe(message);
        lock (gate)
        {
            foreach (var observer in observers.Where(o => Matches(o.Method, o.Contains, call)).ToList())
            {
                observers.Remove(observer);
                observer.Done.TrySetResult();
            }
        }
    }

    private static string Read(RequestContent content)
    {
        using var stream = new MemoryStream();
        content.WriteTo(stream, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed class Rule(string method, string[] contains, int times, int status)
    {
        public int Status { get; } = status;

        public string Method { get; } = method;

        public string[] Contains { get; } = contains;

        public int Remaining { get; set; } = times;
    }

    private sealed record Observer(string Method, string[] Contains, TaskCompletionSource Done);

    private sealed record Hold(string Method, string[] Contains, TaskCompletionSource Entered, Task Release);

    private sealed class Policy(StorageFaults faults) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Fail(message);
            ProcessNext(message, pipeline);
            faults.Answered(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (faults.HeldBy(message) is { } release)
            {
                await release.WaitAsync(TimeSpan.FromSeconds(60));
            }

            Fail(message);
            await ProcessNextAsync(message, pipeline);
            faults.Answered(message);
        }

        private void Fail(HttpMessage message)
        {
            faults.RecordQuery(message);
            if (faults.InjectedStatus(message) is { } status)
            {
                throw new RequestFailedException(status, status == 503
                    ? "Injected storage fault (the storage account is unavailable)"
                    : $"Injected storage answer {status}");
            }
        }
    }
}
