using System.Net.Sockets;
using System.Text;

namespace Portcullis.Gateway.Tests.Infrastructure;

/// <summary>Writes a request byte for byte on a socket, for request targets no HTTP client library will send.</summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Response)> SendAsync(Uri server, string requestTarget, string extraHeaders = "")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        NetworkStream stream = client.GetStream();
        byte[] request = Encoding.Latin1.GetBytes($"GET {requestTarget} HTTP/1.1\r\nHost: {server.Authority}\r\n{extraHeaders}Connection: close\r\n\r\n");
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        int status = int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        return (status, response);
    }
}
