using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Benchmarks;

// Per-message cost of the SIP message layer on the two requests a call center sees most.
[MemoryDiagnoser]
public class SipMessageBenchmarks
{
    private const string Sdp =
        "v=0\r\no=- 3724394400 3724394400 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
        "m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";

    private static readonly string InviteText =
        "INVITE sip:4001@pbx.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---c2a3e4f5b6;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "Contact: <sip:1001@192.0.2.10:5060;transport=udp>\r\n" +
        "To: <sip:4001@pbx.example.com>\r\n" +
        "From: \"Agent 1001\" <sip:1001@pbx.example.com>;tag=8a4b2c1d\r\n" +
        "Call-ID: 9f8e7d6c5b4a39281706@192.0.2.10\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Supported: replaces, timer\r\n" +
        "User-Agent: Softphone 5.1\r\n" +
        "Content-Length: " + Encoding.ASCII.GetByteCount(Sdp) + "\r\n\r\n" + Sdp;

    private const string RegisterText =
        "REGISTER sip:pbx.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---77aa66bb55cc;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "Contact: <sip:1001@192.0.2.10:5060;rinstance=5f3c2b1a;transport=udp>;expires=3600\r\n" +
        "To: <sip:1001@pbx.example.com>\r\n" +
        "From: <sip:1001@pbx.example.com>;tag=3f2e1d0c\r\n" +
        "Call-ID: reg-1b2c3d4e5f60718293a4\r\n" +
        "CSeq: 2 REGISTER\r\n" +
        "Expires: 3600\r\n" +
        "Authorization: Digest username=\"1001\",realm=\"pbx.example.com\",nonce=\"5f3c2b1a0e9d8c7b\",uri=\"sip:pbx.example.com\"," +
        "response=\"0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e\",cnonce=\"a1b2c3d4\",nc=00000001,qop=auth,algorithm=MD5\r\n" +
        "User-Agent: Softphone 5.1\r\n" +
        "Content-Length: 0\r\n\r\n";

    private readonly byte[] _invite = Encoding.ASCII.GetBytes(InviteText);
    private readonly byte[] _register = Encoding.ASCII.GetBytes(RegisterText);
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private SipRequest _parsedInvite = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (!SipMessageParser.TryParse(_invite, out var message, out var error))
        {
            throw new InvalidOperationException(error.ToString());
        }

        _parsedInvite = (SipRequest)message;
    }

    [Benchmark]
    public SipMessage? ParseInvite() => SipMessageParser.TryParse(_invite, out var message, out _) ? message : null;

    [Benchmark]
    public SipMessage? ParseRegister() => SipMessageParser.TryParse(_register, out var message, out _) ? message : null;

    // What a retransmission of it costs before the parser (SipRetransmissionScanner): the §17.2.3 key from its bytes.
    [Benchmark]
    public ulong ScanRegisterRetransmissionKey() =>
        SipRetransmissionScanner.TryScan(_register, out var method, out var branch, out var sentBy)
            ? CompletedTransactions.KeyOf(branch, sentBy, method)
            : 0;

    // What a transaction and dialog layer read from every INVITE.
    [Benchmark]
    public int ParseInviteAndReadCommonHeaders()
    {
        SipMessageParser.TryParse(_invite, out var message, out _);
        var m = message!;
        return m.TopVia!.Branch!.Length + m.From!.Tag!.Length + (m.To!.Tag?.Length ?? 0) + m.CallId!.Length
            + (int)m.CSeq!.Value.Number + m.Contacts[0].Uri!.Host.Length + (m.ContentType?.Length ?? 0) + m.Body.Length;
    }

    [Benchmark]
    public string? ParseRegisterAndReadAuthorization()
    {
        SipMessageParser.TryParse(_register, out var message, out _);
        return message!.GetHeaderValue("Authorization");
    }

    // The 200 OK to an INVITE, serialized into a reused buffer.
    [Benchmark]
    public int CreateAndSerializeOk()
    {
        var ok = SipResponse.Create(_parsedInvite, 200, toTag: "a73kszlfl");
        _output.ResetWrittenCount();
        _output.Write(ok.Bytes.Span);
        return _output.WrittenCount;
    }

    // Same, through the general builder (Contact added, as a UAS answering an INVITE must).
    [Benchmark]
    public int BuildAndSerializeOkWithContact()
    {
        _output.ResetWrittenCount();
        return SipMessageBuilder.ForResponse(_parsedInvite, 200, toTag: "a73kszlfl")
            .AddHeader("Contact", "<sip:4001@192.0.2.1:5060>")
            .WriteTo(_output);
    }
}
