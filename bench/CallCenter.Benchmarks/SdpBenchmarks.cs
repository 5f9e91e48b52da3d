using System.Text;
using BenchmarkDotNet.Attributes;
using CallCenter.Core.Sdp;

namespace CallCenter.Benchmarks;

// Per-call cost of the SDP layer on a typical phone offer (baresip 1.0.0's INVITE body as captured: six formats,
// fourteen attributes): parsing it, answering it, and the whole relayed exchange the B2BUA does for a call.
[MemoryDiagnoser]
public class SdpBenchmarks
{
    private const string Offer =
        "v=0\r\no=- 1130339959 1418861940 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\na=tool:baresip 1.0.0\r\n"
        + "m=audio 35894 RTP/AVP 96 9 0 8 3 101\r\na=rtpmap:96 opus/48000/2\r\na=fmtp:96 stereo=1;sprop-stereo=1\r\n"
        + "a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:3 GSM/8000\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\na=label:1\r\na=rtcp-rsize\r\n"
        + "a=ssrc:2091137817 cname:sip:1001@127.0.0.1:35070\r\na=minptime:20\r\na=ptime:20\r\n";

    private const string AnswerFromB =
        "v=0\r\no=- 1700000000 1700000001 IN IP4 10.1.2.33\r\ns=Polycom IP Phone\r\nc=IN IP4 10.1.2.33\r\nt=0 0\r\n"
        + "m=audio 2222 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n";

    private static readonly SdpEndpoint LegA = new("10.0.0.1", 40000);
    private static readonly SdpEndpoint LegB = new("10.0.0.1", 40002);

    private readonly byte[] _offer = Encoding.ASCII.GetBytes(Offer);
    private readonly byte[] _answerFromB = Encoding.ASCII.GetBytes(AnswerFromB);

    [Benchmark]
    public SdpSessionDescription Parse()
    {
        SdpParser.TryParse(_offer, out var sdp, out _);
        return sdp!;
    }

    // A call answered by the server itself (queue, IVR): parse the offer, answer it, serialize the answer.
    [Benchmark]
    public byte[] ParseAnswerAndSerialize()
    {
        SdpParser.TryParse(_offer, out var offer, out _);
        var result = SdpOfferAnswer.CreateAnswer(offer!, SdpMediaCapabilities.Default, LegA, new SdpSessionVersion("10.0.0.1", "1000", 1));
        return result.Answer!.ToBytes();
    }

    // A bridged call: A's offer parsed and relayed to B, B's answer parsed and read, A's answer made, both
    // descriptions serialized.
    [Benchmark]
    public int RelayedCall()
    {
        SdpParser.TryParse(_offer, out var offerFromA, out _);
        var toB = SdpOfferAnswer.CreateRelayedOffer(offerFromA!, SdpMediaCapabilities.Default, LegB, new SdpSessionVersion("10.0.0.1", "2000", 1));
        var offerBytes = toB.Offer!.ToBytes();
        SdpParser.TryParse(_answerFromB, out var answerFromB, out _);
        var legB = SdpOfferAnswer.ReadAnswer(toB.Offer, answerFromB!).Audio!;
        var toA = SdpOfferAnswer.CreateAnswer(offerFromA!, SdpMediaCapabilities.Default.For(legB), LegA, new SdpSessionVersion("10.0.0.1", "1000", 1), legB.Direction.Reverse());
        return offerBytes.Length + toA.Answer!.ToBytes().Length;
    }
}
