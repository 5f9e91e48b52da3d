using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// Reads, without parsing the message, what a retransmitted non-INVITE request needs to be matched to its completed
/// transaction (§17.2.3: the top Via's branch and sent-by, and the method): a retransmission then costs a scan and a
/// lookup instead of a full parse. Under a REGISTER storm that has fallen behind, retransmissions are a large part
/// of what arrives, and the full parse of each made the server fall further behind.
/// Conservative on purpose: anything unusual (a response, INVITE or ACK, folded header lines, non-ASCII bytes, a
/// CSeq method that differs from the request line's, no RFC 3261 branch) answers false and the message takes the
/// ordinary path; a scan that reads a field differently from the parser only misses, since a hit is confirmed
/// against the stored response (<see cref="CompletedTransactions.TryFind(ulong, ReadOnlySpan{byte}, out byte[], out Transport.SipFlow, out bool)"/>).
/// </summary>
internal static class SipRetransmissionScanner
{
    private static readonly byte[] MagicCookie = "z9hG4bK"u8.ToArray();

    public static bool TryScan(ReadOnlySpan<byte> message, out string method, out ReadOnlySpan<byte> branch, out ReadOnlySpan<byte> sentBy)
    {
        method = string.Empty;
        branch = default;
        sentBy = default;
        var i = 0;
        while (i + 1 < message.Length && message[i] == '\r' && message[i + 1] == '\n')
        {
            i += 2;
        }

        var rest = message[i..];
        var lineEnd = rest.IndexOf("\r\n"u8);
        var space = rest.IndexOf((byte)' ');
        if (lineEnd < 0 || space <= 0 || space > lineEnd || KnownMethod(rest[..space]) is not { } requestMethod)
        {
            return false;
        }

        var cseqMethod = ReadOnlySpan<byte>.Empty;
        var viaFound = false;
        rest = rest[(lineEnd + 2)..];
        while (true)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return false;
            }

            var line = rest[..lineEnd];
            if (line.IsEmpty)
            {
                break;
            }

            if (line[0] is (byte)' ' or (byte)'\t' || !System.Text.Ascii.IsValid(line))
            {
                return false;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return false;
            }

            var name = line[..colon].TrimEnd(" \t"u8);
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (!viaFound && (IsName(name, "via"u8) || IsName(name, "v"u8)))
            {
                if (!TryReadTopVia(value, out branch, out sentBy))
                {
                    return false;
                }

                viaFound = true;
            }
            else if (IsName(name, "cseq"u8))
            {
                var gap = value.IndexOfAny(" \t"u8);
                if (gap < 0)
                {
                    return false;
                }

                cseqMethod = value[gap..].Trim(" \t"u8);
            }

            rest = rest[(lineEnd + 2)..];
        }

        if (!viaFound || !cseqMethod.SequenceEqual(message[i..][..space]))
        {
            return false;
        }

        method = requestMethod;
        return true;
    }

    // The methods whose server transactions are non-INVITE ones, as the counters name them; others take the parser.
    private static string? KnownMethod(ReadOnlySpan<byte> token) => token switch
    {
        _ when token.SequenceEqual("REGISTER"u8) => SipMethods.Register,
        _ when token.SequenceEqual("OPTIONS"u8) => SipMethods.Options,
        _ when token.SequenceEqual("BYE"u8) => SipMethods.Bye,
        _ when token.SequenceEqual("CANCEL"u8) => SipMethods.Cancel,
        _ when token.SequenceEqual("INFO"u8) => SipMethods.Info,
        _ when token.SequenceEqual("NOTIFY"u8) => SipMethods.Notify,
        _ when token.SequenceEqual("SUBSCRIBE"u8) => SipMethods.Subscribe,
        _ when token.SequenceEqual("UPDATE"u8) => SipMethods.Update,
        _ when token.SequenceEqual("REFER"u8) => SipMethods.Refer,
        _ when token.SequenceEqual("MESSAGE"u8) => SipMethods.Message,
        _ => null,
    };

    private static bool IsName(ReadOnlySpan<byte> name, ReadOnlySpan<byte> lower) => System.Text.Ascii.EqualsIgnoreCase(name, lower);

    // "SIP/2.0/UDP host:port;branch=z9hG4bK...;rport, SIP/2.0/UDP ..." → the first via-parm's sent-by and branch.
    private static bool TryReadTopVia(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> branch, out ReadOnlySpan<byte> sentBy)
    {
        branch = default;
        sentBy = default;
        var comma = value.IndexOf((byte)',');
        var parm = comma < 0 ? value : value[..comma];
        var gap = parm.IndexOfAny(" \t"u8);
        if (gap < 0)
        {
            return false;
        }

        var afterProtocol = parm[gap..].TrimStart(" \t"u8);
        var semicolon = afterProtocol.IndexOf((byte)';');
        if (semicolon <= 0)
        {
            return false;
        }

        sentBy = afterProtocol[..semicolon].TrimEnd(" \t"u8);
        if (sentBy.IndexOfAny(" \t"u8) >= 0)
        {
            return false;
        }

        var parameters = afterProtocol[(semicolon + 1)..];
        while (!parameters.IsEmpty)
        {
            var next = parameters.IndexOf((byte)';');
            var parameter = (next < 0 ? parameters : parameters[..next]).Trim(" \t"u8);
            var equals = parameter.IndexOf((byte)'=');
            if (equals > 0 && IsName(parameter[..equals].TrimEnd(" \t"u8), "branch"u8))
            {
                branch = parameter[(equals + 1)..].TrimStart(" \t"u8);
                return branch.Length > MagicCookie.Length && branch.StartsWith(MagicCookie);
            }

            parameters = next < 0 ? default : parameters[(next + 1)..];
        }

        return false;
    }
}
