using System.Globalization;
using System.Text.RegularExpressions;

namespace UpdateBot.TestSupport;

/// <summary>
/// Azure Storage for the tests, tables and queues of one development account: <see cref="ConnectionString"/> names
/// both endpoints, as the service's <c>Storage:ConnectionString</c> needs. Dispose to let go of both.
/// </summary>
public sealed class AzuriteStorage : IAsyncDisposable
{
    private AzuriteStorage(AzuriteService tables, AzuriteService queues)
    {
        Tables = tables;
        Queues = queues;
        ConnectionString = tables.ConnectionString.TrimEnd(';') + ";" + AzuriteService.Endpoint(queues.ConnectionString, "QueueEndpoint") + ";";
    }

    public AzuriteService Tables { get; }

    public AzuriteService Queues { get; }

    /// <summary>The account with its TableEndpoint and QueueEndpoint.</summary>
    public string ConnectionString { get; }

    public static async Task<AzuriteStorage> AcquireAsync(CancellationToken cancellationToken = default)
    {
        var tables = await AzuriteService.AcquireAsync(AzuriteService.Table, cancellationToken);
        try
        {
            return new AzuriteStorage(tables, await AzuriteService.AcquireAsync(AzuriteService.Queue, cancellationToken));
        }
        catch
        {
            await tables.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Queues.DisposeAsync();
        await Tables.DisposeAsync();
    }
}

/// <summary>
/// One Azurite service for the tests: the one named by its environment variable (a connection string set by
/// ./test.sh: <c>UPDATEBOT_TEST_TABLES</c>, <c>UPDATEBOT_TEST_QUEUES</c>), else one in-memory <c>azurite-table</c> /
/// <c>azurite-queue</c> shared by every fixture in this test process (reference-counted: the last fixture to let go
/// stops it). Fixtures isolate their data with a table prefix (queue names derive from it).
/// </summary>
public sealed partial class AzuriteService : IAsyncDisposable
{
    public static readonly Kind Table = new("table", "UPDATEBOT_TEST_TABLES", "TableEndpoint");

    public static readonly Kind Queue = new("queue", "UPDATEBOT_TEST_QUEUES", "QueueEndpoint");

    // The published, well-known development account key (not a secret).
    private const string DevAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, SharedInstance> Shared = new(StringComparer.Ordinal);
    private readonly Kind kind;
    private int released;

    private AzuriteService(Kind kind, string connectionString)
    {
        this.kind = kind;
        ConnectionString = connectionString;
    }

    /// <summary>Connection string of the development account with this service's endpoint only.</summary>
    public string ConnectionString { get; }

    /// <summary>Output of the Azurite this process started for <paramref name="kind"/>, or a note that an external one is used.</summary>
    public static string DescribeShared(Kind kind) =>
        Shared.TryGetValue(kind.Service, out var s) ? s.Process.Tail(20) : $"(using Azurite from ${kind.EnvironmentVariable} or none started)";

    public static string ConnectionStringFor(Kind kind, int port) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={DevAccountKey};{kind.EndpointName}=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/devstoreaccount1;";

    /// <summary>The <c>Name=value</c> segment of a connection string (e.g. its QueueEndpoint).</summary>
    public static string Endpoint(string connectionString, string name) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(p => p.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"The connection string has no {name}.");

    public static async Task<AzuriteService> AcquireAsync(Kind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var fromEnv = Environment.GetEnvironmentVariable(kind.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return new AzuriteService(kind, fromEnv) { released = 1 };
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (!Shared.TryGetValue(kind.Service, out var shared))
            {
                shared = await SharedInstance.StartAsync(kind, cancellationToken);
                Shared[kind.Service] = shared;
            }

            shared.References++;
            return new AzuriteService(kind, shared.ConnectionString);
        }
        finally
        {
            Gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref released, 1) == 1)
        {
            return;
        }

        await Gate.WaitAsync();
        try
        {
            if (Shared.TryGetValue(kind.Service, out var shared) && --shared.References == 0)
            {
                await shared.Process.DisposeAsync();
                TryDelete(shared.WorkingDirectory);
                Shared.Remove(kind.Service);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex(@"successfully (?:listening at|started on|listens on) (\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"EADDRINUSE|address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex PortInUseLine();

    private sealed class SharedInstance
    {
        private SharedInstance(ExternalProcess process, string connectionString, string workingDirectory)
        {
            Process = process;
            ConnectionString = connectionString;
            WorkingDirectory = workingDirectory;
        }

        public ExternalProcess Process { get; }

        public string ConnectionString { get; }

        public string WorkingDirectory { get; }

        public int References { get; set; }

        public static async Task<SharedInstance> StartAsync(Kind kind, CancellationToken cancellationToken)
        {
            var binary = RepoPaths.RequireNodeBin("azurite-" + kind.Service);
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = FreePort.Next();
                var workingDirectory = Directory.CreateTempSubdirectory("updatebot-e2e-azurite-").FullName;
                var process = ExternalProcess.Start(
                    "azurite-" + kind.Service,
                    binary,
                    [$"--{kind.Service}Host", "127.0.0.1", $"--{kind.Service}Port", port.ToString(CultureInfo.InvariantCulture),
                     "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose"],
                    workingDirectory);
                try
                {
                    await process.WaitForLineAsync(ListeningLine(), TimeSpan.FromSeconds(60), cancellationToken);
                    return new SharedInstance(process, ConnectionStringFor(kind, port), workingDirectory);
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    last = e;
                    var portTaken = PortInUseLine().IsMatch(process.Tail());
                    await process.DisposeAsync();
                    TryDelete(workingDirectory);
                    if (!portTaken)
                    {
                        break;
                    }
                }
            }

            throw new InvalidOperationException($"Azurite ({kind.Service}) did not start.", last);
        }
    }

    /// <summary>An Azurite service: its name in the npm binary and options, the env var that names an external one, its endpoint key.</summary>
    public sealed record Kind(string Service, string EnvironmentVariable, string EndpointName);
}
