using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UpdateBot.Teams.Authentication;

namespace UpdateBot.Teams.Hosting;

/// <summary>
/// Says loudly at start-up when inbound authentication is off, and stops the host when development mode would listen on
/// anything but loopback (docs/protocol.md, "Development mode"). The other unsafe settings are refused by
/// <see cref="BotOptionsValidator"/> before anything starts; the listening addresses are only known once the server is bound.
/// </summary>
internal sealed partial class BotStartupReport(IOptions<BotOptions> options, ILogger<BotStartupReport> logger, IServer? server = null) : IHostedLifecycleService
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

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.Value.IsDevelopmentMode && server?.Features.Get<IServerAddressesFeature>()?.Addresses is { } addresses)
        {
            var exposed = addresses.Where(address => !IsLoopbackAddress(address)).ToList();
            if (exposed.Count > 0)
            {
                throw new InvalidOperationException(
                    $"Bot:AllowAnonymousLoopback=true (development mode, no authentication) must listen on loopback only, but it listens on {string.Join(", ", exposed)}. " +
                    "Bind to http://127.0.0.1:PORT or http://localhost:PORT (ASPNETCORE_URLS), or configure Bot:AppId.");
            }
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>True for <c>localhost</c>, 127.0.0.0/8 and [::1]; false for wildcards (<c>*</c>, <c>+</c>, 0.0.0.0, [::]) and other hosts.</summary>
    internal static bool IsLoopbackAddress(string address)
    {
        // Kestrel reports wildcard bindings as "http://*:5000" or "http://+:5000", which Uri cannot parse as hosts.
        if (!Uri.TryCreate(address.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return TrustedServiceUrls.IsLoopback(uri);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AUTHENTICATION DISABLED: Bot:AppId is empty and Bot:AllowAnonymousLoopback=true. " +
        "Unauthenticated requests from loopback addresses are accepted and no outbound token is sent. Never run like this in production.")]
    private static partial void LogAuthenticationDisabled(ILogger logger);
}
