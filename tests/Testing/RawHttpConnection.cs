using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Portcullis.Testing;

/// <summary>
/// A keep-alive HTTP/1.1 client connection that writes requests byte for byte, for targets and
/// headers no HTTP client library will send (dot segments, raw control bytes, smuggling shapes).
/// It reads Content-Length, chunked and read-to-close bodies, and reconnects after the server closes.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private static readonly byte[] s_endOfHead = "\r\n\r\n"u8.ToArray();
    private readonly Uri _server;
    private Socket? _socket;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>A connection to <paramref name="server"/> (http://host:port); it connects on first use.</summary>
    public RawHttpConnection(Uri server) => _server = server;

    /// <summary>The request head most callers want: <c>METHOD target HTTP/1.1</c>, Host, the extra header lines, an empty line.</summary>
    public static byte[] Request(string method, string target, Uri server, params string[] headerLines)
    {
        var text = new StringBuilder(128 + target.Length);
        text.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: ").Append(server.Authority).Append("\r\n");
        foreach (string line in headerLines)
        {
            text.Append(line).Append("\r\n");
        }

        text.Append("\r\n");
        return Encoding.Latin1.GetBytes(text.ToString());
    }

    /// <summary>Sends <paramref name="request"/> once over a fresh connection and closes it.</summary>
    public static async Task<RawResponse> SendOnceAsync(Uri server, byte[] request)
    {
        await using var connection = new RawHttpConnection(server);
        return await connection.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="request"/> (head and any body) and reads one response.</summary>
    public async Task<RawResponse> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            bool fresh = _socket is null;
            if (_socket is null)
            {
                _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await _socket.ConnectAsync(_server.Host, _server.Port, cancellationToken).ConfigureAwait(false);
                _start = _end = 0;
            }

            try
            {
                await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                RawResponse response = await ReadResponseAsync(cancellationToken).ConfigureAwait(false);
                if (response.Closed)
                {
                    Close();
                }

                return response;
            }
            catch (Exception e) when (!fresh && attempt == 0 && e is SocketException or IOException or EndOfStreamException)
            {
                // The server closed an idle keep-alive connection under us: once more on a new one.
                Close();
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    private async Task<RawResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf(s_endOfHead)) < 0)
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException("The server closed the connection before a response head.");
            }
        }

        string head = Encoding.Latin1.GetString(_buffer, _start, headEnd);
        _start += headEnd + s_endOfHead.Length;
        int status = int.Parse(head.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture);
        var parsed = new RawResponse(status, head, [], false);
        bool close = string.Equals(parsed.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);
        byte[] body;
        if (status is 204 or 304 or (>= 100 and < 200))
        {
            body = [];
        }
        else if (parsed.Header("Content-Length") is { } length)
        {
            body = await ReadExactlyAsync(int.Parse(length, NumberStyles.None, CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        }
        else if (string.Equals(parsed.Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            while (await FillAsync(cancellationToken).ConfigureAwait(false))
            {
            }

            body = _buffer[_start.._end];
            _start = _end;
            close = true;
        }

        return parsed with { Body = body, Closed = close };
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            string line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            int semicolon = line.IndexOf(';', StringComparison.Ordinal);
            int size = int.Parse(semicolon < 0 ? line : line[..semicolon], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
                {
                    // Trailer fields: not needed.
                }

                return body.ToArray();
            }

            body.Write(await ReadExactlyAsync(size, cancellationToken).ConfigureAwait(false));
            await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        int lf;
        while ((lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n')) < 0)
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException("The server closed the connection inside a chunked body.");
            }
        }

        string line = Encoding.Latin1.GetString(_buffer, _start, lf).TrimEnd('\r');
        _start += lf + 1;
        return line;
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException("The server closed the connection inside a body.");
            }
        }

        byte[] bytes = _buffer[_start..(_start + count)];
        _start += count;
        return bytes;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int read;
        try
        {
            read = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return false;
        }

        _end += read;
        return read > 0;
    }
}
