using System.Globalization;
using System.Text.RegularExpressions;

namespace CallCenter.Tests.Support;

/// <summary>
/// What baresip 1.0.0 did, read from its standard output run with <c>-s</c> (SIP trace). Without the trace baresip
/// prints a line only when the registration state changes ("1000@127.0.0.1: {0/UDP/v4} 200 OK (...) [1 binding]"
/// once); refreshes and the removal on exit print nothing. With it, every message appears as a block:
/// <code>
/// ESC[36;1m#
/// UDP 127.0.0.1:16700 -> 127.0.0.1:5080
/// REGISTER sip:127.0.0.1:5080;transport=udp SIP/2.0
/// ...headers, blank line...
/// ESC[;m                       (the reset may be followed by an ordinary log line)
/// </code>
/// A registration outcome is the final response to a REGISTER, matched by CSeq number. baresip sends each
/// REGISTER without credentials first and answers each 401 afresh, so a refresh costs two exchanges.
/// Not thread-safe: the owner serializes <see cref="Add"/> and the reads.
/// </summary>
public sealed partial class BaresipLog
{
    private readonly Dictionary<int, int> _requestedExpires = [];
    private readonly List<RegisterOutcome> _outcomes = [];
    private readonly List<string> _failures = [];
    private List<string>? _message;

    /// <param name="CSeq">the REGISTER's CSeq number</param>
    /// <param name="Expires">what the REGISTER asked for (Contact expires parameter, else the Expires header)</param>
    /// <param name="Status">the final status code of the answer</param>
    public sealed record RegisterOutcome(int CSeq, int Expires, int Status)
    {
        public bool IsSuccess => Status is >= 200 and < 300;
    }

    public IReadOnlyList<RegisterOutcome> Outcomes => _outcomes;

    /// <summary>baresip's own "reg: &lt;aor&gt;: &lt;reason&gt;" lines: a registration it gave up on.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>2xx answers to REGISTERs that asked for a binding: the first registers, the later ones refresh.</summary>
    public int Registrations => _outcomes.Count(o => o.IsSuccess && o.Expires > 0);

    /// <summary>2xx answers to REGISTERs with expires 0, as baresip sends on exit (RFC 3261 §10.2.2).</summary>
    public int Removals => _outcomes.Count(o => o.IsSuccess && o.Expires == 0);

    public void Add(string line)
    {
        // A lone CR ends a line for StreamReader too, so trace lines arrive without it; keep this for raw input.
        line = line.TrimEnd('\r');
        if (_message is not null)
        {
            var reset = line.IndexOf(ResetColour, StringComparison.Ordinal);
            if (reset < 0)
            {
                _message.Add(line);
                return;
            }

            // baresip prints its own coloured lines while a trace is being written ("\e[32mAll 1 useragent
            // registered successfully!\e[;m" can land between a 200's status line and its headers): a line that
            // opens a colour before the reset is such an interruption, not the end of the traced message.
            var colour = ColourStart().Match(line);
            if (colour.Success && colour.Index < reset)
            {
                return;
            }

            _message.Add(line[..reset]);
            Finish(_message);
            _message = null;
            line = line[(reset + ResetColour.Length)..];
        }

        var plain = AnsiEscape().Replace(line, string.Empty);
        if (TraceDirection().IsMatch(plain))
        {
            _message = [];
            return;
        }

        var failure = RegistrationFailure().Match(plain);
        if (failure.Success)
        {
            _failures.Add(plain.Trim());
        }
    }

    private const string ResetColour = "\u001b[;m";

    private void Finish(List<string> lines)
    {
        var start = lines.FirstOrDefault(l => l.Length > 0);
        if (start is null)
        {
            return;
        }

        var cseq = Header(lines, "CSeq");
        var cseqMatch = cseq is null ? null : CSeqValue().Match(cseq);
        if (cseqMatch is null || !cseqMatch.Success || cseqMatch.Groups[2].Value != "REGISTER")
        {
            return;
        }

        var number = int.Parse(cseqMatch.Groups[1].Value, CultureInfo.InvariantCulture);
        if (start.StartsWith("REGISTER ", StringComparison.Ordinal))
        {
            _requestedExpires[number] = RequestedExpires(lines);
            return;
        }

        var status = StatusLine().Match(start);
        if (status.Success && _requestedExpires.TryGetValue(number, out var expires))
        {
            var code = int.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture);
            if (code >= 200)
            {
                _outcomes.Add(new RegisterOutcome(number, expires, code));
            }
        }
    }

    private static int RequestedExpires(List<string> lines)
    {
        var contact = Header(lines, "Contact") ?? Header(lines, "m");
        var parameter = contact is null ? null : ContactExpires().Match(contact);
        if (parameter is { Success: true })
        {
            return int.Parse(parameter.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        var header = Header(lines, "Expires");
        return header is not null && int.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : -1;
    }

    private static string? Header(List<string> lines, string name)
    {
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    [GeneratedRegex(@"\u001b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"\u001b\[[0-9]+(;[0-9]+)*m")]
    private static partial Regex ColourStart();

    [GeneratedRegex(@"^(UDP|TCP|TLS|WS|WSS) \S+ -> \S+$")]
    private static partial Regex TraceDirection();

    [GeneratedRegex(@"^reg: sip:\S+: .+")]
    private static partial Regex RegistrationFailure();

    [GeneratedRegex(@"^(\d+)\s+(\S+)$")]
    private static partial Regex CSeqValue();

    [GeneratedRegex(@"^SIP/2\.0 (\d{3}) ")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@";\s*expires=(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex ContactExpires();
}
