namespace UpdateBot.Packaging.Tests;

/// <summary>The scripts a fresh clone depends on exist, are executable, and depend on nothing outside the repository.</summary>
public sealed class RepositoryHygieneTests
{
    private static readonly string[] SkippedFolders = ["node_modules", "bin", "obj", "artifacts", ".local", ".git", "devTools", "TestResults"];

    private static readonly string[] CheckedExtensions = [".sh", ".mjs", ".js", ".json", ".props", ".targets", ".csproj", ".proj", ".sln", ".bicep", ".bicepparam", ".yml", ".yaml"];

    [Theory]
    [InlineData("run.sh")]
    [InlineData("test.sh")]
    [InlineData(".ci/run")]
    [InlineData("scripts/package-app.sh")]
    [InlineData("scripts/trx-summary.sh")]
    [InlineData("scripts/bicep.sh")]
    public async Task Entry_scripts_are_executable_bash_that_parses(string script)
    {
        var path = RepoTools.PathOf(script);
        Assert.True(File.Exists(path), script + " is missing");
        Assert.True(OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, script + " is not executable");
        Assert.StartsWith("#!/usr/bin/env bash", await File.ReadAllTextAsync(path), StringComparison.Ordinal);

        var syntax = await RepoTools.RunAsync("bash", ["-n", path], TimeSpan.FromSeconds(30));
        Assert.True(syntax.ExitCode == 0, syntax.ToString());
    }

    [Fact]
    public void Build_run_and_test_files_do_not_reference_the_workspace_shared_folder()
    {
        var offenders = Files(RepoTools.Root)
            .Where(f => CheckedExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) || Path.GetFileName(f) == "run")
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("/work/shared", StringComparison.Ordinal) || text.Contains("../shared", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(RepoTools.Root, f))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public async Task The_trx_summary_sums_passed_and_failed_over_all_files()
    {
        using var temp = new TempFolder();
        await File.WriteAllTextAsync(temp.File("a.trx"), """<TestRun><ResultSummary outcome="Failed"><Counters total="5" executed="5" passed="3" failed="1" error="1" timeout="0" /></ResultSummary></TestRun>""");
        await File.WriteAllTextAsync(temp.File("b.trx"), """<TestRun><ResultSummary outcome="Completed"><Counters total="4" executed="4" passed="4" failed="0" error="0" timeout="0" /></ResultSummary></TestRun>""");

        var result = await RepoTools.RunAsync(RepoTools.PathOf("scripts", "trx-summary.sh"), [temp.Path], TimeSpan.FromSeconds(30));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("7 passed, 2 failed", result.StdOut.Trim());
    }

    private static IEnumerable<string> Files(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            yield return file;
        }

        foreach (var sub in Directory.EnumerateDirectories(dir).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))))
        {
            foreach (var file in Files(sub))
            {
                yield return file;
            }
        }
    }
}
