using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace UpdateBot.TestSupport;

/// <summary>The verdict on one card from tools/cards/validate-cards.mjs.</summary>
public sealed record CardValidationResult(string Name, bool Ok, IReadOnlyList<string> Errors);

/// <summary>
/// Validates Adaptive Card JSON with the renderer Teams' web client uses: writes the cards to a temp directory and
/// runs <c>node tools/cards/validate-cards.mjs &lt;dir&gt;</c> (one JSON line per card:
/// <c>{"file","ok","errors"}</c>; exit 1 when any card fails). Shared by all test projects through
/// <c>&lt;Compile Include="..\Shared\**\*.cs" LinkBase="Shared" /&gt;</c>.
/// Needs Node on PATH (or env <c>UPDATEBOT_NODE</c>) and the repo's npm tools installed (<c>npm ci</c>).
/// </summary>
public static class AdaptiveCardValidator
{
    private const string Script = "tools/cards/validate-cards.mjs";

    /// <summary>Validates each card (bare AdaptiveCard JSON, or an attachment with contentType/content).</summary>
    public static async Task<IReadOnlyList<CardValidationResult>> ValidateAsync(
        IEnumerable<(string Name, string Json)> cards, CancellationToken cancellationToken = default)
    {
        var list = cards.ToList();
        if (list.Count == 0)
        {
            return [];
        }

        var root = RepoPaths.Root;
        var directory = Directory.CreateTempSubdirectory("updatebot-cards-");
        try
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < list.Count; i++)
            {
                var file = Path.Combine(directory.FullName, $"{i.ToString("D4", CultureInfo.InvariantCulture)}-{Sanitize(list[i].Name)}.json");
                await File.WriteAllTextAsync(file, list[i].Json, cancellationToken);
                names[Path.GetFullPath(file)] = list[i].Name;
            }

            var (exitCode, stdout, stderr) = await RunNodeAsync(root, directory.FullName, cancellationToken);
            var results = new List<CardValidationResult>();
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                using var document = JsonDocument.Parse(line);
                var r = document.RootElement;
                var file = Path.GetFullPath(r.GetProperty("file").GetString()!);
                var errors = r.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
                    ? e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText()).ToList()
                    : [];
                results.Add(new CardValidationResult(names.GetValueOrDefault(file, file), r.GetProperty("ok").GetBoolean(), errors));
            }

            var anyFailed = results.Exists(r => !r.Ok);
            if (results.Count != list.Count || (exitCode != 0) != anyFailed)
            {
                throw new InvalidOperationException(
                    $"{Script} misbehaved: exit {exitCode}, {results.Count} results for {list.Count} cards.\nstdout:\n{stdout}\nstderr:\n{stderr}");
            }

            return results;
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static Task<IReadOnlyList<CardValidationResult>> ValidateAsync(params JsonElement[] cards) =>
        ValidateAsync(cards.Select((c, i) => ($"card{i.ToString(CultureInfo.InvariantCulture)}", c.GetRawText())));

    /// <summary>Fails (xUnit assertion) listing every invalid card with its errors and JSON.</summary>
    public static async Task AssertValidAsync(IEnumerable<(string Name, string Json)> cards, CancellationToken cancellationToken = default)
    {
        var list = cards.ToList();
        var results = await ValidateAsync(list, cancellationToken);
        var failures = results.Where(r => !r.Ok).ToList();
        if (failures.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"{failures.Count} of {results.Count} Adaptive Card(s) are invalid:\n");
        foreach (var failure in failures)
        {
            message.Append("- ").Append(failure.Name).Append('\n');
            foreach (var error in failure.Errors)
            {
                message.Append("    ").Append(error).Append('\n');
            }

            var json = list.FirstOrDefault(c => c.Name == failure.Name).Json;
            message.Append("    JSON: ").Append(json is { Length: > 2000 } ? json[..2000] + "…" : json).Append('\n');
        }

        throw new Xunit.Sdk.XunitException(message.ToString());
    }

    public static Task AssertValidAsync(params JsonElement[] cards) =>
        AssertValidAsync(cards.Select((c, i) => ($"card{i.ToString(CultureInfo.InvariantCulture)}", c.GetRawText())));

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(
        string root, string directory, CancellationToken cancellationToken)
    {
        var script = Path.Combine(root, Script);
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{script} not found.");
        }

        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("UPDATEBOT_NODE") ?? "node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add(script);
        startInfo.ArgumentList.Add(directory);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Cannot start node.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Script} did not finish within 120 s.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(60).ToArray();
        return chars.Length == 0 ? "card" : new string(chars);
    }
}
