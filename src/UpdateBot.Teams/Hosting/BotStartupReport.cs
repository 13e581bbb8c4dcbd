using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace UpdateBot.Teams.Hosting;

/// <summary>Says loudly at start-up when inbound authentication is off (protocol.md §3.3).</summary>
internal sealed partial class BotStartupReport(IOptions<BotOptions> options, ILogger<BotStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Reading Value also runs the options validation for hosts that start services before ValidateOnStart reports.
        if (options.Value.IsDevelopmentMode)
        {
            LogAuthenticationDisabled(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "AUTHENTICATION DISABLED: Bot:AppId is empty and Bot:AllowAnonymousLoopback=true. " +
        "Unauthenticated requests from loopback addresses are accepted and no outbound token is sent. Never run like this in production.")]
    private static partial void LogAuthenticationDisabled(ILogger logger);
}
