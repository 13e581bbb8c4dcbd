using System.Globalization;
using System.Text.RegularExpressions;

namespace UpdateBot.TestSupport;

/// <summary>
/// Azure Table storage for the tests: the Azurite named by env <c>UPDATEBOT_TEST_TABLES</c> (a connection string,
/// set by ./test.sh), else one in-memory <c>azurite-table</c> shared by every fixture in this test process
/// (reference-counted: the last fixture to let go stops it). Fixtures isolate their data with a table prefix.
/// </summary>
public sealed partial class AzuriteTables : IAsyncDisposable
{
    public const string EnvironmentVariable = "UPDATEBOT_TEST_TABLES";

    // The published, well-known development account key (not a secret).
    private const string DevAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static SharedInstance? shared;
    private int released;

    private AzuriteTables(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    /// <summary>Output of the Azurite this process started, or a note that an external one is used.</summary>
    public static string DescribeShared() =>
        shared?.Process is { } p ? p.Tail(20) : $"(using Azurite from ${EnvironmentVariable} or none started)";

    public static string ConnectionStringFor(int port) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={DevAccountKey};TableEndpoint=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/devstoreaccount1;";

    public static async Task<AzuriteTables> AcquireAsync(CancellationToken cancellationToken = default)
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return new AzuriteTables(fromEnv) { released = 1 };
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            shared ??= await SharedInstance.StartAsync(cancellationToken);
            shared.References++;
            return new AzuriteTables(shared.ConnectionString);
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
            if (shared is not null && --shared.References == 0)
            {
                await shared.Process.DisposeAsync();
                TryDelete(shared.WorkingDirectory);
                shared = null;
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

    [GeneratedRegex(@"successfully (?:listening at|started on) (\S+)", RegexOptions.IgnoreCase)]
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

        public static async Task<SharedInstance> StartAsync(CancellationToken cancellationToken)
        {
            var binary = RepoPaths.RequireNodeBin("azurite-table");
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = FreePort.Next();
                var workingDirectory = Directory.CreateTempSubdirectory("updatebot-e2e-azurite-").FullName;
                var process = ExternalProcess.Start(
                    "azurite-table",
                    binary,
                    ["--tableHost", "127.0.0.1", "--tablePort", port.ToString(CultureInfo.InvariantCulture),
                     "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose"],
                    workingDirectory);
                try
                {
                    await process.WaitForLineAsync(ListeningLine(), TimeSpan.FromSeconds(60), cancellationToken);
                    return new SharedInstance(process, ConnectionStringFor(port), workingDirectory);
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

            throw new InvalidOperationException("Azurite (tables) did not start.", last);
        }
    }
}
