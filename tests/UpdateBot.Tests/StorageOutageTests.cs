using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using UpdateBot.Hosting;
using UpdateBot.Storage;

namespace UpdateBot.Tests;

/// <summary>
/// Storage that cannot be reached at all (nothing listening, DNS gone) surfaces from the Azure SDK as an
/// AggregateException once its retries are spent, not as a RequestFailedException. Start-up must keep retrying and
/// readiness must say "not ready"; neither may stop the host (liveness never depends on storage).
/// </summary>
public sealed class StorageOutageTests
{
    // Port 9 (discard) on loopback: nothing listens, every call is refused before a request is written.
    private const string Unreachable = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    private static (Tables, WorkQueues) UnreachableStorage()
    {
        var options = Options.Create(new StorageOptions { ConnectionString = Unreachable, TablePrefix = "outage" });
        var tableOptions = new TableClientOptions();
        tableOptions.Retry.MaxRetries = 1;
        tableOptions.Retry.Delay = TimeSpan.FromMilliseconds(1);
        var queueOptions = new QueueClientOptions();
        queueOptions.Retry.MaxRetries = 1;
        queueOptions.Retry.Delay = TimeSpan.FromMilliseconds(1);
        return (new Tables(options, tableOptions), new WorkQueues(options, queueOptions));
    }

    [Fact]
    public async Task Start_up_keeps_retrying_while_storage_is_unreachable_and_never_stops_the_host()
    {
        var (tables, queues) = UnreachableStorage();
        var logger = new FirstWarning();
        using var initializer = new StorageInitializer(tables, queues, new FakeTimeProvider(), logger);
        await initializer.StartAsync(CancellationToken.None);

        // The first attempt fails inside ExecuteAsync: either it is logged as "not ready" and retried, or it escaped.
        var attempt = initializer.ExecuteTask!;
        await Task.WhenAny(attempt, logger.Logged);
        Assert.False(attempt.IsFaulted, attempt.Exception?.ToString());
        Assert.True(logger.Logged.IsCompleted);
        Assert.False(initializer.Created.IsCompleted);
        await initializer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Readiness_reports_unreachable_storage_as_unhealthy_instead_of_throwing()
    {
        var (tables, queues) = UnreachableStorage();
        var result = await new StorageHealthCheck(tables, queues).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    /// <summary>Records the first warning (the initializer's "not ready yet; retrying").</summary>
    private sealed class FirstWarning : ILogger<StorageInitializer>
    {
        private readonly TaskCompletionSource logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Logged => logged.Task;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                logged.TrySetResult();
            }
        }
    }
}
