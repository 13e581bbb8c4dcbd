using System.Diagnostics;
using System.Text;

namespace UpdateBot.Packaging.Tests;

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public string Output => StdOut + StdErr;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>The repository and the command-line tools the tests drive (node scripts, the Bicep CLI).</summary>
internal static class RepoTools
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);
    private static readonly SemaphoreSlim NpmGate = new(1, 1);
    private static readonly SemaphoreSlim BicepGate = new(1, 1);
    private static string? bicepPath;

    public static string Root => RootLazy.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>UPDATEBOT_REPO_ROOT, else the nearest folder above the test binaries that holds UpdateBot.sln.</summary>
    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("UPDATEBOT_REPO_ROOT");
        if (!string.IsNullOrWhiteSpace(fromEnv) && File.Exists(Path.Combine(fromEnv, "UpdateBot.sln")))
        {
            return Path.GetFullPath(fromEnv);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UpdateBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("UpdateBot.sln not found above " + AppContext.BaseDirectory);
    }

    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Root,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a Node script of the repository (npm ci first if the pinned tools are not installed).</summary>
    public static async Task<ProcessResult> NodeAsync(params string[] arguments)
    {
        await EnsureNodeModulesAsync();
        return await RunAsync("node", arguments, TimeSpan.FromMinutes(2));
    }

    private static async Task EnsureNodeModulesAsync()
    {
        await NpmGate.WaitAsync();
        try
        {
            var marker = PathOf("node_modules", ".package-lock.json");
            if (!File.Exists(marker) || File.GetLastWriteTimeUtc(marker) < File.GetLastWriteTimeUtc(PathOf("package-lock.json")))
            {
                var result = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(10));
                Assert.True(result.ExitCode == 0, "npm ci failed: " + result);
            }
        }
        finally
        {
            NpmGate.Release();
        }
    }

    /// <summary>
    /// The pinned Microsoft 365 Agents Toolkit CLI in tools/agents-toolkit (npm ci --ignore-scripts: its keytar
    /// dependency would build a native module that only sign-in uses).
    /// </summary>
    public static async Task EnsureAgentsToolkitAsync()
    {
        await NpmGate.WaitAsync();
        try
        {
            var folder = PathOf("tools", "agents-toolkit");
            var marker = Path.Combine(folder, "node_modules", ".package-lock.json");
            if (!File.Exists(marker) || File.GetLastWriteTimeUtc(marker) < File.GetLastWriteTimeUtc(Path.Combine(folder, "package-lock.json")))
            {
                var result = await RunAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(10), folder);
                Assert.True(result.ExitCode == 0, "npm ci of the Agents Toolkit CLI failed: " + result);
            }
        }
        finally
        {
            NpmGate.Release();
        }
    }

    /// <summary>The Bicep CLI from the NuGet cache, restored through tools/bicep/bicep.proj when absent.</summary>
    public static async Task<string> BicepAsync()
    {
        await BicepGate.WaitAsync();
        try
        {
            if (bicepPath is not null)
            {
                return bicepPath;
            }

            var candidate = Path.Combine(await NuGetPackagesFolderAsync(), "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
            if (!File.Exists(candidate))
            {
                var restore = await RunAsync("dotnet", ["restore", PathOf("tools", "bicep", "bicep.proj")], TimeSpan.FromMinutes(5));
                Assert.True(restore.ExitCode == 0, "restoring the Bicep CLI failed: " + restore);
            }

            Assert.True(File.Exists(candidate), "Bicep CLI not found at " + candidate);
            bicepPath = candidate;
            return candidate;
        }
        finally
        {
            BicepGate.Release();
        }
    }

    private static async Task<string> NuGetPackagesFolderAsync()
    {
        var fromEnv = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv;
        }

        var result = await RunAsync("dotnet", ["nuget", "locals", "global-packages", "--list"], TimeSpan.FromMinutes(1));
        const string Prefix = "global-packages:";
        var line = result.StdOut.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        Assert.True(line is not null, "could not find the NuGet packages folder: " + result);
        return line[Prefix.Length..].Trim();
    }
}
