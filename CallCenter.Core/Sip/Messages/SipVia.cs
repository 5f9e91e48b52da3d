using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CallCenter.Core.Sip.Messages;

// One via-parm (RFC 3261 §20.42, §25.1): sent-protocol, sent-by and parameters. Immutable.
public sealed class SipVia
{
    // RFC 3261 §8.1.1.7: branches of RFC 3261 transactions start with this cookie.
    public const string MagicCookie = "z9hG4bK";

    private readonly string _text;

    // Built on first use and kept: the transaction layer keys every request by it (§17.2.3) several times over.
    // Racing threads build equal strings, so whichever is kept is right.
    private string? _sentBy;

    private SipVia(string text, string protocolName, string protocolVersion, string transport, string host, int? port, IReadOnlyList<SipParameter> parameters)
    {
        _text = text;
        ProtocolName = protocolName;
        ProtocolVersion = protocolVersion;
        Transport = transport;
        Host = host;
        Port = port;
        Parameters = parameters;
    }

    public string ProtocolName { get; }

    public string ProtocolVersion { get; }

    // As written ("UDP", "TCP", "TLS", "SCTP", "WS", or an extension like "UNKNOWN").
    public string Transport { get; }

    // sent-by host as written (IPv6 keeps its brackets).
    public string Host { get; }

    public int? Port { get; }

    public IReadOnlyList<SipParameter> Parameters { get; }

    public string? Branch => SipParameter.Find(Parameters, "branch");

    // True when the branch carries the RFC 3261 cookie and something after it; RFC 4475 badbranch
    // ("branch=z9hG4bK" alone) is false, and the transaction layer decides what to do with it.
    public bool HasRfc3261Branch => Branch is { Length: > 7 } b && b.StartsWith(MagicCookie, StringComparison.Ordinal);

    public string? Received => SipParameter.Find(Parameters, "received");

    public string? MAddr => SipParameter.Find(Parameters, "maddr");

    public int? Ttl => int.TryParse(SipParameter.Find(Parameters, "ttl"), NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) && ttl <= 255 ? ttl : null;

    // RFC 3581: ";rport" without a value asks the server to fill it in.
    public bool HasRPort => SipParameter.Contains(Parameters, "rport");

    public int? RPort => SipUri.TryParsePort(SipParameter.Find(Parameters, "rport"), out var port) ? port : null;

    public string SentBy => _sentBy ??= Port is null ? Host : Host + ":" + Port.Value.ToString(CultureInfo.InvariantCulture);

    public bool IsReliableTransport =>
        !string.Equals(Transport, "UDP", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => _text;

    public static SipVia Create(string transport, string host, int? port, string branch, bool requestRPort = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(transport);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentException.ThrowIfNullOrEmpty(branch);
        var hostText = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + host + "]" : host;
        var text = "SIP/2.0/" + transport.ToUpperInvariant() + " " + hostText
            + (port is null ? string.Empty : ":" + port.Value.ToString(CultureInfo.InvariantCulture))
            + ";branch=" + branch + (requestRPort ? ";rport" : string.Empty);
        return TryParse(text, out var via) ? via : throw new ArgumentException("Invalid Via components: " + text);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipVia? via)
    {
        via = null;
        var span = (text ?? string.Empty).AsSpan().Trim(" \t\r\n");
        var i = 0;
        if (!ReadToken(span, ref i, out var name) || !Expect(span, ref i, '/')
            || !ReadToken(span, ref i, out var version) || !Expect(span, ref i, '/')
            || !ReadToken(span, ref i, out var transport))
        {
            return false;
        }

        // sent-protocol LWS sent-by: the LWS is mandatory.
        if (i >= span.Length || !SipSyntax.IsWhitespace(span[i]))
        {
            return false;
        }

        i = SipSyntax.SkipWhitespace(span, i);
        var hostStart = i;
        if (i < span.Length && span[i] == '[')
        {
            var close = span[i..].IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(span[(i + 1)..(i + close)], out _))
            {
                return false;
            }

            i += close + 1;
        }
        else
        {
            while (i < span.Length && (char.IsAsciiLetterOrDigit(span[i]) || span[i] is '-' or '.'))
            {
                i++;
            }
        }

        if (i == hostStart)
        {
            return false;
        }

        var host = span[hostStart..i].ToString();
        int? port = null;
        var afterHost = SipSyntax.SkipWhitespace(span, i);
        if (afterHost < span.Length && span[afterHost] == ':')
        {
            var portStart = SipSyntax.SkipWhitespace(span, afterHost + 1);
            var portEnd = portStart;
            while (portEnd < span.Length && char.IsAsciiDigit(span[portEnd]))
            {
                portEnd++;
            }

            if (!SipUri.TryParsePort(span[portStart..portEnd], out var p))
            {
                return false;
            }

            port = p;
            i = portEnd;
        }

        var parameters = new List<SipParameter>(2);
        if (!SipParameter.TryParseHeaderParameters(span[i..], parameters))
        {
            return false;
        }

        var rport = SipParameter.Find(parameters, "rport");
        if (!string.IsNullOrEmpty(rport) && !SipUri.TryParsePort(rport, out _))
        {
            return false;
        }

        via = new SipVia(SipSyntax.Slice(text!, span), name, version, transport, host, port, parameters);
        return true;
    }

    private static bool ReadToken(ReadOnlySpan<char> span, ref int i, [NotNullWhen(true)] out string? token)
    {
        i = SipSyntax.SkipWhitespace(span, i);
        var start = i;
        while (i < span.Length && SipSyntax.IsTokenChar(span[i]))
        {
            i++;
        }

        token = i > start ? SipSyntax.Intern(span[start..i]) : null;
        return token is not null;
    }

    private static bool Expect(ReadOnlySpan<char> span, ref int i, char c)
    {
        i = SipSyntax.SkipWhitespace(span, i);
        if (i < span.Length && span[i] == c)
        {
            i++;
            return true;
        }

        return false;
    }
}
