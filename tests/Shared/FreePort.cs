using System.Net;
using System.Net.Sockets;

namespace UpdateBot.TestSupport;

public static class FreePort
{
    /// <summary>A loopback port that was free a moment ago (callers that can bind port 0 themselves should do that instead).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
