using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Server.Hosting;

/// <summary>
/// At start-up the server sends itself, through its first UDP listener and from a loopback socket, what every phone
/// sends first: an OPTIONS, a REGISTER without credentials (answered 401) and the same REGISTER with them, for a
/// Contact of its own with expires=0 (RFC 3261 §10.2.2: removing a binding that does not exist changes nothing, so
/// nothing is written, logged or published; the 200 lists the user's bindings as they are). Tiered compilation is off
/// (CallCenter.Server.csproj), so every method is compiled, optimized, the first time it runs: without this, the
/// first REGISTER storm after a start (every phone of a site after a power cut) compiles ~400 methods on the one UDP
/// receive thread, which stood 260-380 ms while ~40,000 datagrams a second filled the socket buffer, and the
/// retransmissions snowballed. With it ~150 methods (78-113 ms, the first binding's store and log path) are left for
/// the storm (bench/RESULTS.md, session 10). Compiling everything at start instead bloated the code heap and slowed
/// the warm server; this compiles exactly the path a phone takes.
/// Runs once on the host's start-up thread before the host reports ready; bounded by <see cref="StepTimeout"/> per
/// step, and a step that gets no answer only ends the warm-up early (logged), never the start.
/// </summary>
public static partial class SipWarmUp
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The User-Agent of the warm-up's requests, so that a SIP trace shows what they are.</summary>
    public const string UserAgent = "CallCenter warm-up";

    [GeneratedRegex("""nonce="(?<nonce>[^"]*)".*?algorithm=(?<algorithm>[A-Za-z0-9-]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex ChallengePattern();

    /// <summary>Runs the exchange; returns the statuses the server answered, in order (empty if it was skipped).</summary>
    public static async Task<IReadOnlyList<int>> RunAsync(
        IReadOnlyList<SipListener> listeners, CallCenterOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var listener = listeners.FirstOrDefault(l => l.Transport == SipTransport.Udp);
        if (listener is null)
        {
            LogSkipped(logger, "no UDP listener");
            return [];
        }

        var target = LoopbackTarget(listener.LocalEndPoint);
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(target.Address, 0));
        var exchange = new Exchange(socket, target, (IPEndPoint)socket.LocalEndPoint!, options.Sip.Domain);
        var statuses = new List<int>(3);
        var clock = Stopwatch.StartNew();
        try
        {
            statuses.Add(await exchange.SendAsync("OPTIONS", $"sip:{options.Sip.Domain}", "warm-up", null, cancellationToken));
            var user = options.Extensions.Users.FirstOrDefault(u => u.Credential.Password is not null || u.Credential.Ha1Md5 is not null || u.Credential.Ha1Sha256 is not null);
            if (user is null)
            {
                LogSkipped(logger, "no user in extensions.xml to REGISTER as");
                return statuses;
            }

            var uri = $"sip:{options.Sip.Domain}";
            var challenge = await exchange.SendWithResponseAsync("REGISTER", uri, user.Extension, null, cancellationToken);
            statuses.Add(challenge.StatusCode);
            if (challenge.StatusCode != 401 || !TryAnswer(challenge, user, options.Sip.Realm, uri, out var authorization))
            {
                LogUnexpected(logger, listener, string.Join(",", statuses));
                return statuses;
            }

            statuses.Add(await exchange.SendAsync("REGISTER", uri, user.Extension, authorization, cancellationToken));
            if (statuses[^1] == 200)
            {
                LogDone(logger, listener, user.Extension, string.Join(",", statuses), clock.ElapsedMilliseconds);
            }
            else
            {
                LogUnexpected(logger, listener, string.Join(",", statuses));
            }
        }
        catch (Exception e) when (e is TimeoutException or SocketException)
        {
            LogNoAnswer(logger, listener, e.Message);
        }

        return statuses;
    }

    // A wildcard listener is reached on loopback; a specific address on itself.
    private static IPEndPoint LoopbackTarget(IPEndPoint local)
    {
        var address = local.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : local.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : local.Address;
        return new IPEndPoint(address, local.Port);
    }

    private static bool TryAnswer(SipResponse challenge, UserOptions user, string realm, string uri, out string authorization)
    {
        authorization = string.Empty;
        var header = challenge.GetHeaderValue("WWW-Authenticate");
        if (header is null || ChallengePattern().Match(header) is not { Success: true } match
            || !DigestCalculator.TryParseAlgorithm(match.Groups["algorithm"].Value, out var algorithm))
        {
            return false;
        }

        var nonce = match.Groups["nonce"].Value;
        const string NonceCount = "00000001";
        var clientNonce = Convert.ToHexStringLower(BitConverter.GetBytes(Environment.TickCount64));
        var length = DigestCalculator.HexLength(algorithm);
        Span<byte> ha1 = stackalloc byte[length];
        var credential = user.Credential;
        if (credential.Password is not null)
        {
            DigestCalculator.ComputeHa1(algorithm, user.Extension, realm, credential.Password, ha1);
        }
        else if (!DigestCalculator.TryNormalizeHex(algorithm == DigestAlgorithm.Sha256 ? credential.Ha1Sha256 : credential.Ha1Md5, length, ha1))
        {
            // Only the other algorithm's HA1 was given: this user cannot answer the challenge offered.
            return false;
        }

        Span<byte> ha2 = stackalloc byte[length];
        Span<byte> digest = stackalloc byte[length];
        DigestCalculator.ComputeHa2(algorithm, "REGISTER", uri, ha2);
        DigestCalculator.ComputeResponse(algorithm, ha1, nonce, NonceCount, clientNonce, ha2, digest);
        var response = Encoding.ASCII.GetString(digest);
        authorization = $"Digest username=\"{user.Extension}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", "
                        + $"response=\"{response}\", algorithm={DigestCalculator.Name(algorithm)}, qop=auth, nc={NonceCount}, cnonce=\"{clientNonce}\"";
        return true;
    }

    /// <summary>One dialog-less client: a Call-ID for the REGISTERs (as a phone keeps one) and a CSeq that counts up.</summary>
    private sealed class Exchange(Socket socket, IPEndPoint target, IPEndPoint local, string domain)
    {
        private readonly string _callId = $"warm-up-{Guid.NewGuid():N}";
        private readonly byte[] _buffer = new byte[65536];
        private int _cseq;

        public async Task<int> SendAsync(string method, string uri, string user, string? authorization, CancellationToken cancellationToken) =>
            (await SendWithResponseAsync(method, uri, user, authorization, cancellationToken)).StatusCode;

        public async Task<SipResponse> SendWithResponseAsync(string method, string uri, string user, string? authorization, CancellationToken cancellationToken)
        {
            var cseq = ++_cseq;
            var branch = $"z9hG4bK-warm-up-{Guid.NewGuid():N}";
            var host = local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString();
            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"{method} {uri} SIP/2.0\r\n")
                .Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/UDP {host}:{local.Port};branch={branch};rport\r\n")
                .Append("Max-Forwards: 70\r\n")
                .Append(CultureInfo.InvariantCulture, $"From: <sip:{user}@{domain}>;tag=warm-up\r\n")
                .Append(CultureInfo.InvariantCulture, $"To: <sip:{user}@{domain}>\r\n")
                .Append(CultureInfo.InvariantCulture, $"Call-ID: {_callId}\r\n")
                .Append(CultureInfo.InvariantCulture, $"CSeq: {cseq} {method}\r\n");
            // A Contact no phone has (a Call-ID-like user part at the warm-up's own socket), so the expires=0 below
            // can only ever name a binding that does not exist.
            text.Append(CultureInfo.InvariantCulture, $"Contact: <sip:{_callId}@{host}:{local.Port}>;expires=0\r\n");
            if (authorization is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"Authorization: {authorization}\r\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"User-Agent: {UserAgent}\r\n").Append("Content-Length: 0\r\n\r\n");
            await socket.SendToAsync(Encoding.ASCII.GetBytes(text.ToString()), SocketFlags.None, target, cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StepTimeout);
            try
            {
                while (true)
                {
                    // Provisional answers (a 100 Trying) are skipped; the final one for this CSeq ends the step.
                    var received = await socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token);
                    if (SipMessageParser.TryParse(_buffer.AsMemory(0, received).ToArray(), out var message, out _)
                        && message is SipResponse { IsProvisional: false } response
                        && response.CSeq?.Number == (uint)cseq)
                    {
                        return response;
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no answer to the {method} within {StepTimeout.TotalSeconds:0} s");
            }
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "SIP warm-up through {Listener} as extension {Extension}: answered {Statuses} in {ElapsedMs} ms")]
    private static partial void LogDone(ILogger logger, SipListener listener, string extension, string statuses, long elapsedMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "SIP warm-up skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "SIP warm-up through {Listener} got {Statuses}; the first requests after start-up will be slower")]
    private static partial void LogUnexpected(ILogger logger, SipListener listener, string statuses);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "SIP warm-up through {Listener}: {Reason}; the first requests after start-up will be slower")]
    private static partial void LogNoAnswer(ILogger logger, SipListener listener, string reason);
}
