using System.Buffers;

namespace CallCenter.Core.Sip.Messages;

public enum SipFrameStatus
{
    // A whole message is at [KeepAliveLength, KeepAliveLength + MessageLength).
    Complete,

    // Not enough octets yet; KeepAliveLength octets of CRLF may be consumed already.
    NeedMore,

    // The header block or the declared message exceeds the limit: close the connection.
    TooLarge,

    // No usable Content-Length: the stream cannot be resynchronized (RFC 3261 §18.3), close it.
    Malformed,
}

// KeepAliveLength counts leading CRLFs. RFC 5626 §3.5.1: a double CRLF is a ping that the
// server answers with a single CRLF (pong); the transport reads SawPing to decide.
public readonly record struct SipFrame(SipFrameStatus Status, int KeepAliveLength, int MessageLength, bool SawPing);

// Cuts one message out of a TCP/TLS byte stream. Stateless: the transport calls it with what
// it has buffered and consumes KeepAliveLength + MessageLength octets on Complete (or
// KeepAliveLength on NeedMore). The cut frame is then parsed with SipParseOptions.Stream.
public static class SipStreamFramer
{
    public static SipFrame Frame(ReadOnlySequence<byte> buffer, int maxMessageSize)
    {
        if (buffer.IsSingleSegment)
        {
            return Frame(buffer.FirstSpan, maxMessageSize);
        }

        // Only the header block needs scanning; copy at most what could matter.
        var length = (int)Math.Min(buffer.Length, (long)maxMessageSize + 4096);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer.Slice(0, length).CopyTo(rented);
            var frame = Frame(rented.AsSpan(0, length), maxMessageSize);
            if (frame.Status == SipFrameStatus.NeedMore && buffer.Length > length)
            {
                return frame with { Status = SipFrameStatus.TooLarge };
            }

            return frame;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static SipFrame Frame(ReadOnlySpan<byte> buffer, int maxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageSize);
        var start = 0;
        var sawPing = false;
        while (start < buffer.Length && buffer[start] is (byte)'\r' or (byte)'\n')
        {
            if (buffer[start..].StartsWith("\r\n\r\n"u8))
            {
                sawPing = true;
                start += 4;
            }
            else if (buffer[start..].StartsWith("\r\n"u8))
            {
                start += 2;
            }
            else if (buffer.Length - start < 2)
            {
                break;
            }
            else
            {
                return new SipFrame(SipFrameStatus.Malformed, start, 0, sawPing);
            }
        }

        var rest = buffer[start..];
        var blank = rest.IndexOf("\r\n\r\n"u8);
        if (blank < 0)
        {
            return new SipFrame(rest.Length > maxMessageSize ? SipFrameStatus.TooLarge : SipFrameStatus.NeedMore, start, 0, sawPing);
        }

        var headerLength = blank + 4;
        if (headerLength > maxMessageSize)
        {
            return new SipFrame(SipFrameStatus.TooLarge, start, 0, sawPing);
        }

        if (!TryFindContentLength(rest[..headerLength], out var contentLength))
        {
            return new SipFrame(SipFrameStatus.Malformed, start, 0, sawPing);
        }

        var total = (long)headerLength + contentLength;
        if (total > maxMessageSize)
        {
            return new SipFrame(SipFrameStatus.TooLarge, start, 0, sawPing);
        }

        return rest.Length < total
            ? new SipFrame(SipFrameStatus.NeedMore, start, 0, sawPing)
            : new SipFrame(SipFrameStatus.Complete, start, (int)total, sawPing);
    }

    // Finds Content-Length (or "l") among the header lines. Folding of this header is not
    // supported: a folded Content-Length is vanishingly rare and refusing it is safe.
    private static bool TryFindContentLength(ReadOnlySpan<byte> headers, out int length)
    {
        length = -1;
        var position = headers.IndexOf("\r\n"u8) + 2;
        while (position < headers.Length)
        {
            var lineLength = headers[position..].IndexOf("\r\n"u8);
            if (lineLength <= 0)
            {
                break;
            }

            var line = headers.Slice(position, lineLength);
            position += lineLength + 2;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            if (SipHeaderNames.Identify(line[..colon].TrimEnd(" \t"u8)) != SipHeaderId.ContentLength)
            {
                continue;
            }

            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (value.IsEmpty || value.Length > 9 || value.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
            {
                return false;
            }

            var parsed = 0;
            foreach (var b in value)
            {
                parsed = (parsed * 10) + (b - '0');
            }

            if (length >= 0 && length != parsed)
            {
                return false;
            }

            length = parsed;
        }

        return length >= 0;
    }
}
