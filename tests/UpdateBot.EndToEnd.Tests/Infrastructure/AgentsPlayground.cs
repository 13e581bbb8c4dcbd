using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace UpdateBot.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A Microsoft 365 Agents Playground process (the Teams client with a mocked Bot Connector) pointed at a bot,
/// running in its own temp working directory that holds the mock-data config and <c>devTools/</c> log.
/// </summary>
public sealed partial class AgentsPlayground : IAsyncDisposable
{
    private readonly ExternalProcess process;

    private AgentsPlayground(ExternalProcess process, string workingDirectory, int port, PlaygroundMockData mockData)
    {
        this.process = process;
        WorkingDirectory = workingDirectory;
        Port = port;
        MockData = mockData;
    }

    public string WorkingDirectory { get; }

    /// <summary>The port it really listens on (it silently picks another if the requested one is busy).</summary>
    public int Port { get; }

    public PlaygroundMockData MockData { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public string LogPath => Path.Combine(WorkingDirectory, "devTools", "m365agentsplayground.log");

    public static async Task<AgentsPlayground> StartAsync(
        Uri botEndpoint, PlaygroundMockData mockData, CancellationToken cancellationToken = default)
    {
        var binary = RepoPaths.RequireNodeBin("agentsplayground");
        var workingDirectory = Directory.CreateTempSubdirectory("updatebot-e2e-playground-").FullName;
        await File.WriteAllTextAsync(
            Path.Combine(workingDirectory, ".m365agentsplayground.yml"), mockData.ToYaml(), cancellationToken);

        var process = ExternalProcess.Start(
            "agentsplayground",
            binary,
            ["-e", botEndpoint.ToString(), "-c", "msteams", "-p", FreePort.Next().ToString(CultureInfo.InvariantCulture),
             "--disable-telemetry"],
            workingDirectory,
            new Dictionary<string, string> { ["TEAMSAPPTESTER_BROWSER"] = "none" });
        try
        {
            var match = await process.WaitForLineAsync(ListeningLine(), TimeSpan.FromSeconds(60), cancellationToken);
            var port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return new AgentsPlayground(process, workingDirectory, port, mockData);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last lines of the Playground's own log (long lines cut), plus its console output.</summary>
    public string LogTail(int lineCount = 30, int maxLineLength = 1500)
    {
        var text = new StringBuilder();
        text.Append("--- agentsplayground console ---\n").Append(process.Tail(15)).Append('\n');
        text.Append("--- ").Append(LogPath).Append(" (tail) ---\n");
        try
        {
            if (File.Exists(LogPath))
            {
                using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                foreach (var line in lines.Skip(Math.Max(0, lines.Length - lineCount)))
                {
                    text.Append(line.Length > maxLineLength ? line[..maxLineLength] + " …" : line).Append('\n');
                }
            }
            else
            {
                text.Append("(no log file yet)\n");
            }
        }
        catch (IOException e)
        {
            text.Append("(cannot read log: ").Append(e.Message).Append(")\n");
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync();
        if (Environment.GetEnvironmentVariable("UPDATEBOT_E2E_KEEP") is null)
        {
            try
            {
                Directory.Delete(WorkingDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    [GeneratedRegex(@"Listening on (\d+)")]
    private static partial Regex ListeningLine();
}
