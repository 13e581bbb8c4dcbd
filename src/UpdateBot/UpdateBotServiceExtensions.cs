using Azure.Identity;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using UpdateBot.Answers;
using UpdateBot.Cycle;
using UpdateBot.Deliveries;
using UpdateBot.Digests;
using UpdateBot.Hosting;
using UpdateBot.Messaging;
using UpdateBot.Squads;
using UpdateBot.Storage;
using UpdateBot.Teams.Connector;
using UpdateBot.Teams.Hosting;
using UpdateBot.Turns;

namespace UpdateBot;

/// <summary>The service's one <c>Add…</c> and one <c>Map…</c> (Program.cs only wires up).</summary>
public static class UpdateBotServiceExtensions
{
    public static IServiceCollection AddUpdateBot(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddTimeProvider();
        services.AddTeamsBot(configuration);
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations()
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString) || (o.TableServiceUri is not null && o.QueueServiceUri is not null && !string.IsNullOrWhiteSpace(o.ManagedIdentityClientId)),
                "Storage needs Storage:ConnectionString (Azurite, development) or Storage:TableServiceUri and Storage:QueueServiceUri with Storage:ManagedIdentityClientId (Azure).")
            .ValidateOnStart();
        services.AddOptions<CycleOptions>().Bind(configuration.GetSection(CycleOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkQueueOptions>().Bind(configuration.GetSection(WorkQueueOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TurnOptions>().Bind(configuration.GetSection(TurnOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section))
            .Validate(o => o.Exporter is "none" or "console" or "otlp", "Telemetry:Exporter must be none, console or otlp.")
            .ValidateOnStart();
        services.AddOptions<PublicPagesOptions>().Bind(configuration.GetSection(PublicPagesOptions.Section))
            .Validate(o => PublicPagesOptions.IsValid(o.PrivacyUrl) && PublicPagesOptions.IsValid(o.TermsUrl), "Pages:PrivacyUrl and Pages:TermsUrl must be absolute https URLs.")
            .Validate(o => PublicPagesOptions.IsValid(o.PublicBaseUrl), "Pages:PublicBaseUrl must be an absolute https URL, such as https://updatebot.example.org.")
            .ValidateOnStart();

        // Storage
        services.AddSingleton<Tables>();
        services.AddSingleton<WorkQueues>();
        services.AddSingleton<SquadStore>();
        services.AddSingleton<MemberStore>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<EntryStore>();
        services.AddSingleton<CycleStore>();
        services.AddSingleton<EditionStore>();
        services.AddSingleton<PostSnapshotStore>();
        services.AddSingleton<PeopleStore>();
        services.AddSingleton<OpenEditionStore>();
        services.AddSingleton<QuestionStore>();
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());

        // The squad week
        services.AddSingleton<BotMetrics>();
        services.AddSingleton<BackgroundWork>();
        services.AddScoped<Messenger>();
        services.AddScoped<DeliveryEngine>();
        services.AddScoped<SquadDirectory>();
        services.AddScoped<AnswerService>();
        services.AddScoped<StatusService>();
        services.AddScoped<TeamWelcome>();
        services.AddScoped<LeadRights>();
        services.AddScoped<PrivacyService>();
        services.AddScoped<MemberTimeZones>();
        services.AddScoped<MemberLanguages>();
        services.AddLocalization();
        services.AddScoped<OpenWeeknoteService>();
        services.AddScoped<DigestService>();
        services.AddScoped<UpdateBot.Questions.QuestionService>();
        services.AddScoped<CycleRunner>();
        services.AddSingleton<RetentionSweep>();
        services.AddSingleton<WeeklyCycleService>();
        services.AddHostedService(sp => sp.GetRequiredService<WeeklyCycleService>());
        services.AddSingleton<CycleWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<CycleWorker>());

        // Turns
        services.AddScoped<InstallationHandler>();
        services.AddScoped<CommandHandler>();
        services.AddScoped<CardActionHandler>();
        services.AddScoped<IActivityHandler, BotActivityHandler>();

        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        AddTelemetry(services, configuration);
        return services;
    }

    public static WebApplication MapUpdateBot(this WebApplication app)
    {
        app.MapTeamsBot();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPublicPages();
        app.MapOpenWeeknotePages();
        app.MapGet("/", () => Results.Text("UpdateBot is running. Teams talks to /api/messages; health at /healthz and /readyz; privacy at /privacy, terms at /terms; squads that publish openly at /weeknotes/{slug}/."));
        return app;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>
    /// Application Insights in process (the Azure Monitor OpenTelemetry distro: requests, dependencies, logs and the
    /// meters below) whenever its connection string is set, plus the optional console or OTLP exporter.
    /// https://learn.microsoft.com/azure/azure-monitor/app/opentelemetry-enable?tabs=aspnetcore
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var connectionString = configuration[TelemetryOptions.ApplicationInsightsConnectionStringKey];
        var azureMonitor = !string.IsNullOrWhiteSpace(connectionString);
        if (!azureMonitor && options.Exporter == "none")
        {
            return;
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("UpdateBot"));
        if (azureMonitor)
        {
            // The distro adds the ASP.NET Core and HttpClient instrumentation and the log exporter itself.
            telemetry.UseAzureMonitor(o =>
            {
                o.ConnectionString = connectionString;
                // Every trace is kept: a squad's bot handles a few requests a minute, and the distro's default (at most 5
                // traces a second) would drop the requests of a busy moment, such as the weekly fan-out, that an operator looks for.
                o.TracesPerSecond = null;
                o.SamplingRatio = 1.0F;
                if (!string.IsNullOrWhiteSpace(options.ManagedIdentityClientId))
                {
                    o.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
                }
            });
        }

        telemetry
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(BotMetrics.MeterName, ConnectorMetrics.MeterName);
                if (!azureMonitor)
                {
                    metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                }

                if (options.Exporter == "console")
                {
                    metrics.AddConsoleExporter();
                }
                else if (options.Exporter == "otlp")
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint ?? o.Endpoint);
                }
            })
            .WithTracing(tracing =>
            {
                if (!azureMonitor)
                {
                    tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                }

                if (options.Exporter == "console")
                {
                    tracing.AddConsoleExporter();
                }
                else if (options.Exporter == "otlp")
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint ?? o.Endpoint);
                }
            });
    }
}
