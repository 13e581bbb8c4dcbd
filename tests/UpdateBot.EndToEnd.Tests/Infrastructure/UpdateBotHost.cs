using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UpdateBot.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real service (<c>src/UpdateBot</c>) hosted in-process on real Kestrel on a free loopback port, so that the
/// Playground (another process) can call <c>/api/messages</c> over HTTP. Its logs go to <see cref="Logs"/>.
/// </summary>
public sealed class UpdateBotHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly TimeProvider? clock;

    private UpdateBotHost(IReadOnlyDictionary<string, string?> settings, TimeProvider? clock)
    {
        this.settings = settings;
        this.clock = clock;
    }

    public InMemoryLoggerProvider Logs { get; } = new();

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public Uri MessagesEndpoint => new(BaseAddress, "/api/messages");

    /// <summary>The configuration every end-to-end run uses (see the test project's README section in the report).</summary>
    public static Dictionary<string, string?> DefaultSettings(string tablesConnectionString, string tablePrefix) => new()
    {
        ["Bot:AllowAnonymousLoopback"] = "true",
        ["Storage:ConnectionString"] = tablesConnectionString,
        ["Storage:TablePrefix"] = tablePrefix,
        ["Cycle:Enabled"] = "false",
        ["Logging:LogLevel:Default"] = "Debug",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Information",
    };

    /// <param name="clock">The service's clock (a test moves it on to reach next week); the real one when null.</param>
    public static UpdateBotHost Start(IReadOnlyDictionary<string, string?> settings, TimeProvider? clock = null)
    {
        var host = new UpdateBotHost(settings, clock);
        try
        {
            host.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            host.StartServer();
            var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            var address = addresses?.FirstOrDefault()
                ?? throw new InvalidOperationException("The bot started but reported no listening address.");
            host.BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.SetMinimumLevel(LogLevel.Debug);
        });
        if (clock is not null)
        {
            // Registered after the service's own (which only adds the system clock when none is registered), so it wins.
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}
