using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using BenchmarkDotNet.Attributes;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Routing;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Benchmarks;

/// <summary>
/// One SIPp registration (register.xml: REGISTER, 401, REGISTER with MD5 digest, 200 listing the binding) through
/// the whole server side without sockets: the transaction layer (Inline shards, as a receive thread drains its
/// shard), the dispatcher, the digest authenticator, the registrar and an in-memory registration store, answering
/// into a sender that only keeps the last message. Each datagram is copied into a fresh array first, as the UDP
/// receive loop does before it hands it up. The requests are byte for byte what SIPp 3.6.1 writes with
/// bench/sipp/register-load.sh (users 10000-19999 in turn, server 127.0.0.1:15090, SIPp on :15190, its fixed cnonce),
/// so every registration after the first round is a refresh of the user's one binding, as in the load runs.
/// <para>What it leaves out: sockets and syscalls, the database writer (a store with no database), logging (null
/// loggers, as in production at the default level). <see cref="ClientSide"/> measures the part of each operation
/// that is SIPp's, not ours (writing both requests and its MD5), to subtract from <see cref="Registration"/>.</para>
/// <para>Time is a manual clock advanced 1 ms per registration, so Timer J (32 s), the completed-transaction sweeps
/// and the nonce lifetime run as they would at 1,000 registrations a second.</para>
/// </summary>
[MemoryDiagnoser]
public class RegisterPathBenchmarks
{
    private const int FirstUser = 10_000;
    private const int Users = 10_000;
    private const string Realm = BenchmarkConfiguration.Realm;
    private const string Password = "secret";
    private const string ServerHostPort = "127.0.0.1:15090";
    private const string SippIp = "127.0.0.1";
    private const int SippPort = 15190;
    private const int SippPid = 48213;
    private const string ClientNonce = "6b8b4567";
    private const string NonceCount = "00000001";

    private static readonly byte[] NonceStart = "nonce=\""u8.ToArray();

    private readonly byte[] _datagram = new byte[2048];
    private readonly byte[][] _ha1 = new byte[Users][];
    private readonly byte[] _ha2 = new byte[32];
    private readonly byte[] _fixedNonce = Encoding.ASCII.GetBytes(new string('A', 44));
    private BenchmarkClock _clock = null!;
    private LastMessageSender _sender = null!;
    private SipTransactionLayer _layer = null!;
    private RegistrationStore _store = null!;
    private Socket _socket = null!;
    private SipFlow _flow;
    private int _call;

    /// <summary>How far the clock moves per registration: 1 ms is 1,000 registrations a second. The register probe
    /// sets it from its rate, so that the Timer J store holds what it holds at that rate.</summary>
    public TimeSpan Step { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>What the Timer J store holds now: response bytes, and entries evicted early for want of room.</summary>
    public (long Bytes, long Evicted) Completed => (_layer.Statistics.CompletedBytes, _layer.Statistics.CompletedEvicted);

    [GlobalSetup]
    public void Setup()
    {
        _clock = new BenchmarkClock();
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var listener = new SipListener(new SipListenerOptions { Transport = SipTransport.Udp, Address = IPAddress.Loopback, Port = 0 }, 0, _socket);
        _flow = new SipFlow(listener, new IPEndPoint(IPAddress.Parse(SippIp), SippPort), 0);

        var configuration = BenchmarkConfiguration.WithUsers(BenchUsers());
        var bans = new AuthFailureTracker(_clock, NullLogger<AuthFailureTracker>.Instance);
        _store = new RegistrationStore(_clock, NullLogger<RegistrationStore>.Instance);
        var dispatcher = new SipRequestDispatcher(
            configuration,
            new DigestAuthenticator(new DigestNonceManager(_clock), bans, NullLogger<DigestAuthenticator>.Instance),
            bans,
            new SipRegistrar(_store, configuration, NullLogger<SipRegistrar>.Instance),
            NullLogger<SipRequestDispatcher>.Instance);
        _sender = new LastMessageSender { Listeners = [listener] };
        _layer = new SipTransactionLayer(configuration, bans, dispatcher, _clock, NullLoggerFactory.Instance,
            new SipTransactionSettings { Driver = SipShardDriver.Inline });
        _layer.Start(_sender);

        for (var i = 0; i < Users; i++)
        {
            _ha1[i] = new byte[32];
            var user = (FirstUser + i).ToString(CultureInfo.InvariantCulture);
            DigestCalculator.ComputeHa1(DigestAlgorithm.Md5, user, Realm, Password, _ha1[i]);
        }

        DigestCalculator.ComputeHa2(DigestAlgorithm.Md5, "REGISTER", "sip:" + ServerHostPort, _ha2);

        // The first round creates every binding; from then on each registration refreshes one, as in the load runs.
        // A benchmark of the wrong path would look fast, so each of these must end in a 200 that lists the binding.
        for (var i = 0; i < Users; i++)
        {
            Registration();
            var text = Encoding.UTF8.GetString(_sender.Last.Span);
            if (!text.Contains($"<sip:{FirstUser + (_call % Users)}@{SippIp}:{SippPort};transport=UDP>;expires=3600", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the 200 does not list the binding:\r\n" + text);
            }
        }

        if (_store.BindingCount != Users)
        {
            throw new InvalidOperationException($"{_store.BindingCount} bindings after the first round, not {Users}");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _layer.DisposeAsync();
        await _store.DisposeAsync();
        _socket.Dispose();
    }

    /// <summary>One whole registration; returns the final status.</summary>
    [Benchmark]
    public int Registration()
    {
        var call = ++_call;
        var user = FirstUser + (call % Users);

        var length = WriteRegister(call, user, 1, authorization: false, default, default);
        _layer.OnMessageReceived(_datagram.AsSpan(0, length).ToArray(), _flow);
        var challenge = _sender.Last.Span;
        Expect(challenge, "SIP/2.0 401 "u8);
        var nonceAt = challenge.IndexOf(NonceStart) + NonceStart.Length;
        var nonce = challenge[nonceAt..];
        nonce = nonce[..nonce.IndexOf((byte)'"')];

        Span<byte> response = stackalloc byte[32];
        ClientResponse(user, nonce, response);
        length = WriteRegister(call, user, 2, authorization: true, nonce, response);
        _layer.OnMessageReceived(_datagram.AsSpan(0, length).ToArray(), _flow);
        Expect(_sender.Last.Span, "SIP/2.0 200 "u8);

        _clock.Advance(Step);
        return 200;
    }

    /// <summary>SIPp's share of <see cref="Registration"/>: both requests written and its MD5, with a nonce of the
    /// same length, and no server.</summary>
    [Benchmark]
    public int ClientSide()
    {
        var call = ++_call;
        var user = FirstUser + (call % Users);
        var length = WriteRegister(call, user, 1, authorization: false, default, default);
        Span<byte> response = stackalloc byte[32];
        ClientResponse(user, _fixedNonce, response);
        return length + WriteRegister(call, user, 2, authorization: true, _fixedNonce, response);
    }

    private static void Expect(ReadOnlySpan<byte> message, ReadOnlySpan<byte> start)
    {
        if (!message.StartsWith(start))
        {
            throw new InvalidOperationException("unexpected answer:\r\n" + Encoding.UTF8.GetString(message));
        }
    }

    // RFC 7616 §3.4.1 as SIPp computes it for qop=auth: MD5(HA1 ":" nonce ":" nc ":" cnonce ":" "auth" ":" HA2).
    private void ClientResponse(int user, ReadOnlySpan<byte> nonce, Span<byte> hex)
    {
        Span<byte> input = stackalloc byte[256];
        var n = 0;
        _ha1[user - FirstUser].CopyTo(input);
        n += 32;
        input[n++] = (byte)':';
        nonce.CopyTo(input[n..]);
        n += nonce.Length;
        ":00000001:6b8b4567:auth:"u8.CopyTo(input[n..]);
        n += 24;
        _ha2.CopyTo(input[n..]);
        n += 32;
        Span<byte> hash = stackalloc byte[16];
        MD5.HashData(input[..n], hash);
        for (var i = 0; i < 16; i++)
        {
            hex[2 * i] = HexDigit(hash[i] >> 4);
            hex[(2 * i) + 1] = HexDigit(hash[i] & 0xF);
        }
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    // register.xml's two messages as SIPp fills them in: [branch] is z9hG4bK-pid-call-index, [call_id] call-pid@ip,
    // and [field1] of the second is SIPp's Authorization (parameters in its order, no spaces, no opaque offered).
    private int WriteRegister(int call, int user, int cseq, bool authorization, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> response)
    {
        var destination = _datagram.AsSpan();
        var ok = Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
            $"REGISTER sip:{ServerHostPort} SIP/2.0\r\nVia: SIP/2.0/UDP {SippIp}:{SippPort};branch=z9hG4bK-{SippPid}-{call}-{cseq - 1};rport\r\nFrom: <sip:{user}@{ServerHostPort}>;tag={SippPid}SIPpTag00{call}\r\nTo: <sip:{user}@{ServerHostPort}>\r\nCall-ID: {call}-{SippPid}@{SippIp}\r\nCSeq: {cseq} REGISTER\r\nContact: <sip:{user}@{SippIp}:{SippPort};transport=UDP>\r\n",
            out var n);
        if (authorization)
        {
            ok &= Utf8.TryWrite(destination[n..], CultureInfo.InvariantCulture,
                $"Authorization: Digest username=\"{user}\",realm=\"{Realm}\",cnonce=\"{ClientNonce}\",nc={NonceCount},qop=auth,uri=\"sip:{ServerHostPort}\",nonce=\"",
                out var written);
            n += written;
            nonce.CopyTo(destination[n..]);
            n += nonce.Length;
            "\",response=\""u8.CopyTo(destination[n..]);
            n += 12;
            response.CopyTo(destination[n..]);
            n += response.Length;
            "\",algorithm=MD5\r\n"u8.CopyTo(destination[n..]);
            n += 17;
        }

        var tail = "Expires: 3600\r\nMax-Forwards: 70\r\nUser-Agent: SIPp register.xml\r\nContent-Length: 0\r\n\r\n"u8;
        tail.CopyTo(destination[n..]);
        return ok ? n + tail.Length : throw new InvalidOperationException("request buffer too small");
    }

    private static IEnumerable<UserOptions> BenchUsers()
    {
        var users = new UserOptions[Users];
        for (var i = 0; i < Users; i++)
        {
            users[i] = new UserOptions
            {
                Extension = (FirstUser + i).ToString(CultureInfo.InvariantCulture),
                DisplayName = "User",
                Credential = new SipCredential { Password = Password },
            };
        }

        return users;
    }

    /// <summary>Keeps the last message sent; every send completes at once, as a UDP send does.</summary>
    private sealed class LastMessageSender : ISipSender
    {
        public ReadOnlyMemory<byte> Last { get; private set; }

        public IReadOnlyList<SipListener> Listeners { get; init; } = [];

        public ValueTask<SipSendResult> SendAsync(SipFlow flow, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            Last = message;
            return ValueTask.FromResult(SipSendResult.Sent);
        }

        public ValueTask<SipSendResult> SendAsync(SipTransport transport, IPEndPoint remote, ReadOnlyMemory<byte> message, string? tlsTargetHost = null, CancellationToken cancellationToken = default)
        {
            Last = message;
            return ValueTask.FromResult(SipSendResult.Sent);
        }
    }
}
