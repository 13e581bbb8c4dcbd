using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace UpdateBot.Packaging.Tests;

/// <summary>Builds and lints infra/main.bicep once (Bicep CLI from NuGet) and checks the compiled ARM template.</summary>
public sealed partial class BicepFixture : IAsyncLifetime
{
    private readonly TempFolder temp = new();

    public ProcessResult Build { get; private set; } = null!;

    public ProcessResult Lint { get; private set; } = null!;

    public ProcessResult BuildParams { get; private set; } = null!;

    public JsonNode Template { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var bicep = await RepoTools.BicepAsync();
        var timeout = TimeSpan.FromMinutes(3);
        var outFile = temp.File("main.json");
        Build = await RepoTools.RunAsync(bicep, ["build", RepoTools.PathOf("infra", "main.bicep"), "--outfile", outFile], timeout);
        Lint = await RepoTools.RunAsync(bicep, ["lint", RepoTools.PathOf("infra", "main.bicep")], timeout);
        BuildParams = await RepoTools.RunAsync(bicep, ["build-params", RepoTools.PathOf("infra", "main.bicepparam"), "--outfile", temp.File("main.parameters.json")], timeout);
        Template = File.Exists(outFile) ? JsonNode.Parse(await File.ReadAllTextAsync(outFile))! : new JsonObject();
    }

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Every resource declaration of the given type, at any depth (modules compile to nested deployments).</summary>
    public IReadOnlyList<JsonObject> Resources(string type) => Walk(Template)
        .Where(o => o["type"] is JsonValue v && v.TryGetValue<string>(out var t) && string.Equals(t, type, StringComparison.OrdinalIgnoreCase) && o["properties"] is not null)
        .ToList();

    /// <summary>
    /// Resolves an ARM expression as far as the tests need: "[parameters('x')]" becomes the value the enclosing module
    /// deployment passes, and variables('x') inside an expression becomes the enclosing template's literal.
    /// </summary>
    public static string Resolve(JsonNode valueNode)
    {
        var value = (string)valueNode!;
        var parameter = ParameterReference().Match(value);
        if (parameter.Success)
        {
            for (var node = valueNode.Parent; node is not null; node = node.Parent)
            {
                if (node is JsonObject o && (string?)o["type"] == "Microsoft.Resources/deployments"
                    && o["properties"]?["parameters"]?[parameter.Groups[1].Value]?["value"] is JsonNode passed)
                {
                    return Resolve(passed);
                }
            }
        }

        // A whole value that is one variable (loadTextContent compiles to one) becomes that variable's literal.
        var whole = WholeVariableReference().Match(value);
        if (whole.Success)
        {
            for (var node = valueNode.Parent; node is not null; node = node.Parent)
            {
                if (node is JsonObject o && o["variables"]?[whole.Groups[1].Value] is JsonValue literal)
                {
                    return (string)literal!;
                }
            }
        }

        return VariableReference().Replace(value, m =>
        {
            for (var node = valueNode.Parent; node is not null; node = node.Parent)
            {
                if (node is JsonObject o && o["variables"]?[m.Groups[1].Value] is JsonValue literal)
                {
                    return (string)literal!;
                }
            }

            return m.Value;
        });
    }

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"variables\('([^']+)'\)", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex WholeVariableReference();

    private static IEnumerable<JsonObject> Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var child in obj.SelectMany(p => Walk(p.Value)))
                {
                    yield return child;
                }

                break;
            case JsonArray array:
                foreach (var child in array.SelectMany(Walk))
                {
                    yield return child;
                }

                break;
        }
    }
}

public sealed partial class InfraTemplateTests(BicepFixture bicep) : IClassFixture<BicepFixture>
{
    [GeneratedRegex(@": (Warning|Error) ", RegexOptions.CultureInvariant)]
    private static partial Regex Diagnostic();

    [Fact]
    public void Bicep_build_succeeds_with_no_warnings()
    {
        Assert.True(bicep.Build.ExitCode == 0, bicep.Build.ToString());
        Assert.False(Diagnostic().IsMatch(bicep.Build.Output), bicep.Build.ToString());
    }

    [Fact]
    public void Bicep_lint_is_clean()
    {
        Assert.True(bicep.Lint.ExitCode == 0, bicep.Lint.ToString());
        Assert.False(Diagnostic().IsMatch(bicep.Lint.Output), bicep.Lint.ToString());
    }

    [Fact]
    public void The_parameters_file_compiles_against_the_template()
    {
        Assert.True(bicep.BuildParams.ExitCode == 0, bicep.BuildParams.ToString());
        Assert.False(Diagnostic().IsMatch(bicep.BuildParams.Output), bicep.BuildParams.ToString());
    }

    [Fact]
    public void Modules_are_local_files_not_registry_references()
    {
        var files = Directory.GetFiles(RepoTools.PathOf("infra"), "*.bicep*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("'br:", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'br/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'ts:", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_storage_account_allows_only_identity_based_TLS_1_2_HTTPS_access()
    {
        var storage = Assert.Single(bicep.Resources("Microsoft.Storage/storageAccounts"));
        var p = storage["properties"]!;
        Assert.Equal("StorageV2", (string?)storage["kind"]);
        Assert.False(p["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", (string?)p["minimumTlsVersion"]);
        Assert.True(p["supportsHttpsTrafficOnly"]!.GetValue<bool>());
        Assert.False(p["allowBlobPublicAccess"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3")] // Storage Table Data Contributor
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88")] // Storage Queue Data Contributor
    public void The_identity_is_granted_the_storage_data_role(string roleDefinitionId)
    {
        var assignment = RoleAssignment(roleDefinitionId);
        var p = assignment["properties"]!;
        Assert.Equal("ServicePrincipal", (string?)p["principalType"]);
        Assert.Contains("principalId", (string)p["principalId"]!, StringComparison.Ordinal);
        Assert.StartsWith("[resourceId('Microsoft.Storage/storageAccounts', ", (string?)assignment["scope"], StringComparison.Ordinal);
        // Named after the role, so the assignments are distinct and idempotent across deployments.
        Assert.Contains(roleDefinitionId, BicepFixture.Resolve(assignment["name"]!), StringComparison.Ordinal);
    }

    [Fact]
    public void The_work_queues_exist_under_the_names_the_service_derives_from_its_default_prefix()
    {
        // Storage:TablePrefix defaults to "UpdateBot": the service uses "updatebot-work" and "updatebot-work-poison".
        var json = bicep.Template.ToJsonString();
        Assert.Contains("Microsoft.Storage/storageAccounts/queueServices/queues", json, StringComparison.Ordinal);
        Assert.Contains("\"updatebot-work\"", json, StringComparison.Ordinal);
        Assert.Contains("\"updatebot-work-poison\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_instance_gets_its_share_of_the_global_send_budget_and_the_plan_runs_that_many_instances()
    {
        // The app settings are one expression (the base list plus the optional ones); the budget is in the base list.
        Assert.Contains("createObject('name', 'Bot__Connector__GlobalRequestsPerSecond', 'value', string(variables('perInstanceRequestsPerSecond')))", AppSettingsExpression(), StringComparison.Ordinal);
        var module = bicep.Resources("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == "webapp");
        Assert.Equal("[max(1, div(parameters('globalRequestsPerSecond'), parameters('instanceCount')))]", (string?)module["properties"]!["template"]!["variables"]!["perInstanceRequestsPerSecond"]);
        Assert.DoesNotContain("Bot__Connector__GlobalRequestsPerSecond", OptionalSettingsExpression(), StringComparison.Ordinal);

        var plan = Assert.Single(bicep.Resources("Microsoft.Web/serverfarms"));
        Assert.Equal("[parameters('instanceCount')]", (string?)plan["sku"]!["capacity"]);

        // The template's own parameters reach the module: the budget Teams allows and the number of instances.
        var main = bicep.Template["parameters"]!;
        Assert.Equal(30, main["teamsGlobalRequestsPerSecond"]!["defaultValue"]!.GetValue<int>());
        Assert.Equal(1, main["instanceCount"]!["defaultValue"]!.GetValue<int>());
        Assert.Equal("[parameters('instanceCount')]", (string?)module["properties"]!["parameters"]!["instanceCount"]!["value"]);
        Assert.Equal("[parameters('teamsGlobalRequestsPerSecond')]", (string?)module["properties"]!["parameters"]!["globalRequestsPerSecond"]!["value"]);
    }

    [Fact]
    public void The_identity_may_publish_telemetry_and_Application_Insights_accepts_only_Entra_authenticated_telemetry()
    {
        var assignment = RoleAssignment("3913510d-42f4-4e42-8a64-420c390055eb"); // Monitoring Metrics Publisher
        Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]);
        Assert.StartsWith("[resourceId('Microsoft.Insights/components', ", (string?)assignment["scope"], StringComparison.Ordinal);
        var appInsights = Assert.Single(bicep.Resources("Microsoft.Insights/components"));
        Assert.True(appInsights["properties"]!["DisableLocalAuth"]!.GetValue<bool>());

        var settings = AppSettingNames();
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings);
        Assert.Contains("Telemetry__ManagedIdentityClientId", settings);
        // The in-process distro is the one exporter: App Service's agent would send requests a second time.
        Assert.DoesNotContain("ApplicationInsightsAgent_EXTENSION_VERSION", settings);
    }

    [Fact]
    public void The_web_app_is_hardened_runs_dotnet_10_and_has_every_setting_the_service_reads()
    {
        var site = Assert.Single(bicep.Resources("Microsoft.Web/sites"));
        var p = site["properties"]!;
        var config = p["siteConfig"]!;
        Assert.True(p["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("DOTNETCORE|10.0", (string?)config["linuxFxVersion"]);
        Assert.True(config["alwaysOn"]!.GetValue<bool>());
        Assert.Equal("Disabled", (string?)config["ftpsState"]);
        Assert.Equal("1.2", (string?)config["minTlsVersion"]);
        Assert.Equal("/healthz", (string?)config["healthCheckPath"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        Assert.NotNull(p["keyVaultReferenceIdentity"]);

        var settings = AppSettingNames();
        foreach (var name in new[]
                 {
                     "Bot__AppId", "Bot__TenantId", "Bot__AppType", "Storage__TableServiceUri", "Storage__QueueServiceUri", "Storage__ManagedIdentityClientId",
                     "Bot__Connector__GlobalRequestsPerSecond",
                     "AZURE_CLIENT_ID", "APPLICATIONINSIGHTS_CONNECTION_STRING",
                 })
        {
            Assert.Contains(name, settings);
        }

        Assert.Contains("createObject('name', 'Bot__AppType', 'value', 'UserAssignedMSI')", AppSettingsExpression(), StringComparison.Ordinal);
        Assert.DoesNotContain(settings, k => k.Contains("Secret", StringComparison.OrdinalIgnoreCase) || k.Contains("ConnectionString", StringComparison.Ordinal) && k.StartsWith("Storage", StringComparison.Ordinal));
    }

    [Fact]
    public void The_tenant_is_the_identity_s_own_and_not_a_parameter()
    {
        Assert.Null(bicep.Template["parameters"]!["tenantId"]);
        var deployments = bicep.Resources("Microsoft.Resources/deployments").ToDictionary(d => (string)d["name"]!);
        Assert.Contains("'identity'", (string)deployments["webapp"]["properties"]!["parameters"]!["tenantId"]!["value"]!, StringComparison.Ordinal);
        Assert.Contains("'identity'", (string)deployments["bot"]["properties"]!["parameters"]!["tenantId"]!["value"]!, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 12: a deployment replaces the web app's whole list of app settings, so every optional setting is a
    /// parameter of main.bicep (its default the README's), and anything else goes through extraAppSettings.
    /// </summary>
    [Theory]
    [InlineData("Storage:RetentionDays", "retentionDays")]
    [InlineData("Cycle:CatchUpWindow", "catchUpWindow")]
    [InlineData("Bot:Connector:PerConversationRequestsPerSecond", "connectorPerConversationRequestsPerSecond")]
    [InlineData("Telemetry:Exporter", "telemetryExporter")]
    [InlineData("Telemetry:OtlpEndpoint", "otlpEndpoint")]
    [InlineData("Pages:PrivacyUrl", "privacyUrl")]
    [InlineData("Pages:TermsUrl", "termsUrl")]
    [InlineData("Pages:PublicBaseUrl", "publicBaseUrl")]
    public void Each_optional_setting_is_a_parameter_with_the_README_default_and_reaches_the_app_settings(string key, string parameter)
    {
        var declared = bicep.Template["parameters"]![parameter];
        Assert.True(declared is not null, $"main.bicep has no parameter {parameter} for {key}");
        var readmeDefault = ReadmeDefault(key);
        var templateDefault = declared["defaultValue"]!.ToString();
        Assert.True(readmeDefault == templateDefault || readmeDefault is null && templateDefault.Length == 0, $"{parameter} defaults to '{templateDefault}', the README says '{readmeDefault}' for {key}");

        var passed = OptionalSettingsExpression();
        var setting = key.Replace(":", "__", StringComparison.Ordinal);
        Assert.Matches($@"'{Regex.Escape(setting)}', (string\()?parameters\('{parameter}'\)", passed);
        Assert.Contains("items(parameters('optionalSettings'))", AppSettingsExpression(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_caller_allow_list_and_any_other_setting_are_parameters_too()
    {
        Assert.Equal("array", (string?)bicep.Template["parameters"]!["allowedCallerAppIds"]!["type"]);
        Assert.Equal("object", (string?)bicep.Template["parameters"]!["extraAppSettings"]!["type"]);
        var passed = OptionalSettingsExpression();
        Assert.Contains("format('Bot__AllowedCallerAppIds__{0}'", passed, StringComparison.Ordinal);
        Assert.EndsWith("parameters('extraAppSettings'))]", passed, StringComparison.Ordinal);
    }

    [Fact]
    public void Basic_authentication_is_off_for_SCM_and_FTP()
    {
        var policies = bicep.Resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .ToDictionary(p => ChildName().Match((string)p["name"]!).Groups[1].Value);
        Assert.Equal(["ftp", "scm"], policies.Keys.Order(StringComparer.Ordinal));
        Assert.All(policies.Values, p => Assert.False(p["properties"]!["allow"]!.GetValue<bool>()));
    }

    [Fact]
    public void Container_logging_is_on_so_that_log_tail_streams_the_console()
    {
        var logs = Assert.Single(bicep.Resources("Microsoft.Web/sites/config"), c => ChildName().Match((string)c["name"]!).Groups[1].Value == "logs");
        Assert.True(logs["properties"]!["httpLogs"]!["fileSystem"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Log_retention_is_bounded_as_Log_Analytics_allows()
    {
        var parameter = bicep.Template["parameters"]!["logRetentionInDays"]!;
        Assert.Equal(30, parameter["minValue"]!.GetValue<int>());
        Assert.Equal(730, parameter["maxValue"]!.GetValue<int>());
    }

    [Fact]
    public void The_Azure_Bot_uses_the_user_assigned_identity_and_has_the_Teams_channel()
    {
        var bot = Assert.Single(bicep.Resources("Microsoft.BotService/botServices"));
        var p = bot["properties"]!;
        Assert.Equal("azurebot", (string?)bot["kind"]);
        Assert.Equal("UserAssignedMSI", (string?)p["msaAppType"]);
        Assert.NotNull(p["msaAppId"]);
        Assert.NotNull(p["msaAppMSIResourceId"]);
        Assert.NotNull(p["msaAppTenantId"]);
        Assert.StartsWith("[format('https://{0}/api/messages', reference(", BicepFixture.Resolve(p["endpoint"]!), StringComparison.Ordinal);

        var channels = bicep.Resources("Microsoft.BotService/botServices/channels").ToList();
        var teams = Assert.Single(channels, c => (string?)c["properties"]!["channelName"] == "MsTeamsChannel");
        Assert.True(teams["properties"]!["properties"]!["acceptedTerms"]!.GetValue<bool>());
    }

    [Fact]
    public void Teams_is_the_only_channel_in_Web_Chat_is_disabled_and_Direct_Line_is_never_created()
    {
        var channels = bicep.Resources("Microsoft.BotService/botServices/channels")
            .ToDictionary(c => (string)c["properties"]!["channelName"]!, c => c["properties"]!["properties"]!);

        Assert.Equal(["MsTeamsChannel", "WebChatChannel"], channels.Keys.Order(StringComparer.Ordinal));
        Assert.True((bool)channels["MsTeamsChannel"]["isEnabled"]!);
        var sites = channels["WebChatChannel"]["sites"]!.AsArray();
        Assert.NotEmpty(sites);
        Assert.All(sites, site => Assert.False((bool)site!["isEnabled"]!));
        Assert.DoesNotContain("DirectLineChannel", channels.Keys);
    }

    [Fact]
    public void The_operator_workbook_is_deployed_and_holds_every_query_of_the_operations_guide()
    {
        var workbook = Assert.Single(bicep.Resources("Microsoft.Insights/workbooks"));
        var serialized = JsonNode.Parse(BicepFixture.Resolve(workbook["properties"]!["serializedData"]!))!;
        var queries = serialized["items"]!.AsArray().Select(i => (string?)i!["content"]!["query"]).OfType<string>().ToList();

        var documented = KustoBlock().Matches(File.ReadAllText(RepoTools.PathOf("docs", "operations.md"))).Select(m => m.Groups[1].Value.ReplaceLineEndings("\n")).ToList();
        Assert.Equal(queries.Count, documented.Count);
        Assert.Equal(queries, documented);
        foreach (var name in new[] { "updatebot.members.unreachable", "updatebot.digests.published", "updatebot.connector.throttled", "Rejected an unauthenticated request" })
        {
            Assert.Contains(queries, q => q.Contains(name, StringComparison.Ordinal));
        }
    }

    [GeneratedRegex(@"```kusto\r?\n(.*?)\r?\n```", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex KustoBlock();

    private JsonObject RoleAssignment(string roleId) =>
        Assert.Single(bicep.Resources("Microsoft.Authorization/roleAssignments"), a => BicepFixture.Resolve(a["properties"]!["roleDefinitionId"]!).Contains(roleId, StringComparison.Ordinal));

    private string AppSettingsExpression() =>
        (string)Assert.Single(bicep.Resources("Microsoft.Web/sites"))["properties"]!["siteConfig"]!["appSettings"]!;

    private string OptionalSettingsExpression() =>
        (string)bicep.Resources("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == "webapp")["properties"]!["parameters"]!["optionalSettings"]!["value"]!;

    private List<string> AppSettingNames() =>
        [.. AppSettingName().Matches(AppSettingsExpression()).Select(m => m.Groups[1].Value), .. OptionalSetting().Matches(OptionalSettingsExpression()).Select(m => m.Groups[1].Value)];

    /// <summary>The default the README's configuration table gives for a key, without backticks (null for "—").</summary>
    private static string? ReadmeDefault(string key)
    {
        var row = File.ReadLines(RepoTools.PathOf("README.md"))
            .Single(l => l.StartsWith("| `", StringComparison.Ordinal) && l.Split('|')[1].Contains($"`{key}`", StringComparison.Ordinal));
        var cell = row.Split('|')[3].Trim();
        return cell == "—" ? null : cell.Trim('`');
    }

    [GeneratedRegex(@"createObject\('name', '([A-Za-z0-9_]+)'", RegexOptions.CultureInvariant)]
    private static partial Regex AppSettingName();

    /// <summary>The child's own name in "[format('{0}/{1}', parameters('name'), 'ftp')]".</summary>
    [GeneratedRegex(@"'([a-z]+)'\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex ChildName();

    [GeneratedRegex(@"'([A-Z][A-Za-z0-9]*__[A-Za-z0-9_]+)', ", RegexOptions.CultureInvariant)]
    private static partial Regex OptionalSetting();

    [Fact]
    public void Monitoring_is_workspace_based_Application_Insights()
    {
        Assert.Single(bicep.Resources("Microsoft.OperationalInsights/workspaces"));
        var appInsights = Assert.Single(bicep.Resources("Microsoft.Insights/components"));
        Assert.NotNull(appInsights["properties"]!["WorkspaceResourceId"]);
    }
}
