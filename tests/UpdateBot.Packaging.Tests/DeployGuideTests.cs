using System.Text.RegularExpressions;

namespace UpdateBot.Packaging.Tests;

/// <summary>
/// Issue 12: docs/deploy.md names nothing the repository does not have: the files and scripts it runs exist, the
/// deployment outputs it reads and the template parameters it tells the operator to set are the template's own.
/// </summary>
public sealed partial class DeployGuideTests(BicepFixture bicep) : IClassFixture<BicepFixture>
{
    private static readonly string Guide = File.ReadAllText(RepoTools.PathOf("docs", "deploy.md"));

    [Fact]
    public void Every_repository_path_the_guide_names_exists()
    {
        var paths = RepoPath().Matches(Guide).Select(m => m.Value.TrimEnd('.', ',', ')')).Distinct().ToList();
        Assert.NotEmpty(paths);
        Assert.All(paths, p => Assert.True(File.Exists(RepoTools.PathOf(p)) || Directory.Exists(RepoTools.PathOf(p)), $"docs/deploy.md names {p}, which does not exist"));
    }

    [Fact]
    public void Every_deployment_output_the_guide_reads_is_an_output_of_the_template()
    {
        var outputs = OutputRead().Matches(Guide).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("botAppId", outputs);
        Assert.All(outputs, o => Assert.True(bicep.Template["outputs"]?[o] is not null, $"docs/deploy.md reads output {o}, which main.bicep does not have"));
    }

    [Fact]
    public void Every_parameter_the_guide_tells_the_operator_to_set_is_a_template_parameter_and_in_the_parameters_file()
    {
        var section = Guide[Guide.IndexOf("## 2. Create the Azure resources", StringComparison.Ordinal)..Guide.IndexOf("```bash", Guide.IndexOf("## 2. Create the Azure resources", StringComparison.Ordinal), StringComparison.Ordinal)];
        var named = BacktickedIdentifier().Matches(section).Select(m => m.Groups[1].Value).Where(n => char.IsLower(n[0])).Distinct().ToList();
        var parametersFile = File.ReadAllText(RepoTools.PathOf("infra", "main.bicepparam"));
        Assert.Contains("retentionDays", named);
        Assert.All(named, n =>
        {
            Assert.True(bicep.Template["parameters"]?[n] is not null, $"docs/deploy.md names parameter {n}, which main.bicep does not have");
            Assert.Contains($"param {n} =", parametersFile, StringComparison.Ordinal);
        });
    }

    [GeneratedRegex(@"(?<![\w/.-])(?:scripts|tools|infra|manifest|src|env|docs)/[\w./-]*[\w]", RegexOptions.CultureInvariant)]
    private static partial Regex RepoPath();

    [GeneratedRegex(@"\$\(out (\w+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex OutputRead();

    [GeneratedRegex(@"`([a-z][A-Za-z]+)`", RegexOptions.CultureInvariant)]
    private static partial Regex BacktickedIdentifier();
}
