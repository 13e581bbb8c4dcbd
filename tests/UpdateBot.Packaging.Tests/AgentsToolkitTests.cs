using System.Text.Json.Nodes;

namespace UpdateBot.Packaging.Tests;

/// <summary>
/// Issue 12: the Microsoft 365 Agents Toolkit project (m365agents*.yml, env/, manifest/) is checked by the toolkit's
/// own code from the pinned CLI, offline (tools/agents-toolkit/check.mjs says exactly what and what needs a tenant).
/// </summary>
public sealed class AgentsToolkitTests
{
    [Fact]
    public async Task The_toolkit_project_passes_the_toolkit_s_own_offline_checks()
    {
        await RepoTools.EnsureAgentsToolkitAsync();

        var result = await RepoTools.RunAsync("node", [RepoTools.PathOf("tools", "agents-toolkit", "check.mjs")], TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = JsonNode.Parse(result.StdOut.Trim())!;
        Assert.True(report["ok"]!.GetValue<bool>(), result.StdOut);
        var checks = report["checks"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Contains(checks, c => c.StartsWith("m365agents.yml: valid for the toolkit", StringComparison.Ordinal));
        Assert.Contains(checks, c => c.StartsWith("m365agents.local.yml: valid for the toolkit", StringComparison.Ordinal));
        Assert.Contains(checks, c => c.StartsWith("m365agents.playground.yml: valid for the toolkit", StringComparison.Ordinal));
        Assert.Contains(checks, c => c.StartsWith("atk validate --env dev --manifest-file", StringComparison.Ordinal));
    }
}
