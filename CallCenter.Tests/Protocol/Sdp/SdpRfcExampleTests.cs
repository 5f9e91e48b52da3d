using CallCenter.Core.Sdp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Protocol.Sdp;

// Replays every session description of RFC 4317 and RFC 3264 §10 (Vectors/Sdp): each parses (as printed, LF,
// and with CRLF) and serializes back to the same text; each answer the RFCs give is read against its offer as the
// offerer would; and each offer is answered by us, with an answer that reads back against that offer.
public sealed class SdpRfcExampleTests
{
    private const string Rfc4317 = "rfc4317.txt";
    private const string Rfc3264 = "rfc3264-section10.txt";

    // Bob's codecs in the RFC examples, with iLBC at the number Alice uses, so that every example has a match.
    private static readonly SdpMediaCapabilities WithIlbc = new([SdpCodec.Pcmu, SdpCodec.Pcma, new SdpCodec("iLBC", 97, 8000)]);

    public static IEnumerable<SdpVectors.Example> AllExamples() => SdpVectors.Examples(Rfc4317).Concat(SdpVectors.Examples(Rfc3264));

    [Test]
    public void TheVectorFilesHoldEveryDescription()
    {
        Assert.That(SdpVectors.Examples(Rfc4317), Has.Count.EqualTo(54));
        Assert.That(SdpVectors.Examples(Rfc4317).Select(e => e.Section).Distinct().Count(), Is.EqualTo(16));
        Assert.That(SdpVectors.Examples(Rfc3264), Has.Count.EqualTo(8));
    }

    [TestCaseSource(nameof(AllExamples))]
    public void ParsesAndSerializesBackToTheSameText(SdpVectors.Example example)
    {
        var lf = SdpVectors.ParseText(example.Text);
        var crlf = SdpVectors.ParseText(example.Crlf);

        // The one change: an empty session name ("s= " in RFC 4317, "s=" in RFC 3264) is written "s=-".
        var expected = example.Crlf.Replace("\r\ns= \r\n", "\r\ns=-\r\n", StringComparison.Ordinal).Replace("\r\ns=\r\n", "\r\ns=-\r\n", StringComparison.Ordinal);
        Assert.That(crlf.ToString(), Is.EqualTo(expected));
        Assert.That(lf.ToString(), Is.EqualTo(expected));
        Assert.That(SdpVectors.ParseText(crlf.ToString()).ToString(), Is.EqualTo(expected));
    }

    public sealed record Exchange(string File, string Section, string Offer, string Answer, SdpNegotiationStatus Status, int? Index = null, string? Codec = null, int SendPayloadType = 0, int ReceivePayloadType = 0, SdpHoldKind Hold = SdpHoldKind.None, SdpDirection Direction = SdpDirection.SendRecv, int? TelephoneEvent = null, string Note = "")
    {
        public override string ToString() => $"{(File == Rfc4317 ? "RFC 4317" : "RFC 3264")} {Section} {Answer}";
    }

    private const SdpNegotiationStatus Ok = SdpNegotiationStatus.Accepted;

    public static IEnumerable<Exchange> Exchanges() =>
    [
        new(Rfc4317, "2.1", "Offer", "Answer", Ok, 0, "PCMU", 0, 0),
        new(Rfc4317, "2.2", "Offer", "Answer", Ok, 0, "PCMU", 0, 0),
        new(Rfc4317, "2.2", "Second-Offer", "Second-Answer", Ok, 0, "PCMU", 0, 0),
        new(Rfc4317, "2.3", "Offer", "Answer", Ok, 0, "iLBC", 99, 97),
        new(Rfc4317, "2.4", "Offer", "Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "2.5", "Offer", "Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "2.5", "Second-Offer", "Second-Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "2.6", "Offer", "Answer", Ok, 1, "iLBC", 97, 97, TelephoneEvent: 101),
        new(Rfc4317, "2.7", "Offer", "Answer", Ok, 0, "iLBC", 99, 99),
        new(Rfc4317, "2.7", "Second-Offer", "Second-Answer", Ok, 0, "iLBC", 99, 99),
        new(Rfc4317, "2.8", "Offer", "Answer", Ok, 0, "PCMU", 0, 0),
        new(Rfc4317, "3.1", "Offer", "Answer", Ok, 0, "iLBC", 97, 97, SdpHoldKind.SendOnly, SdpDirection.RecvOnly),
        new(Rfc4317, "3.1", "Second-Offer", "Second-Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "3.2", "Offer", "Answer", Ok, 0, "iLBC", 97, 97),

        // Alice answers "with identical SDP to the initial offer", PCMU first, although Bob re-offered iLBC alone:
        // RFC 3264 §6.1 forbids that, and iLBC, the one offered codec she lists, is taken.
        new(Rfc4317, "3.2", "Second-Offer", "Second-Answer", Ok, 0, "iLBC", 97, 97, Direction: SdpDirection.SendOnly, Note: "PCMU/8000"),
        new(Rfc4317, "4.1", "Offer", "Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "4.1", "Second-Offer", "Second-Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "4.2", "Offer", "Answer", Ok, 0, "PCMU", 0, 0),
        new(Rfc4317, "4.2", "Second-Offer", "Second-Answer", Ok, 0, "PCMU", 0, 0),
        new(Rfc4317, "4.3", "Offer", "Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "4.3", "Second-Offer", "Second-Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "5.1", "Offer", "Answer", Ok),
        new(Rfc4317, "5.1", "Second-Offer", "Second-Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "5.2", "Offer", "Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "5.2", "Second-Offer", "Second-Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc4317, "5.3", "Offer", "Answer", Ok, 0, "iLBC", 97, 97, SdpHoldKind.NullConnection, SdpDirection.RecvOnly),
        new(Rfc4317, "5.3", "Second-Offer", "Second-Answer", Ok, 0, "iLBC", 97, 97),
        new(Rfc3264, "10.1", "Offer", "Answer", Ok, 0, "PCMU", 0, 0),
        new(Rfc3264, "10.1", "Second-Offer", "Second-Answer", Ok, 0, "PCMU", 0, 0),
        new(Rfc3264, "10.2", "Offer", "Answer", Ok, 0, "PCMU", 0, 0, SdpHoldKind.Inactive, SdpDirection.Inactive),
        new(Rfc3264, "10.2", "Second-Offer", "Second-Answer", Ok, 0, "G723", 4, 4),
    ];

    [TestCaseSource(nameof(Exchanges))]
    public void TheRfcsAnswerReadsAsTheOffererWouldReadIt(Exchange x)
    {
        var offer = SdpVectors.ParseText(SdpVectors.Find(x.File, x.Section, x.Offer).Crlf);
        var answer = SdpVectors.ParseText(SdpVectors.Find(x.File, x.Section, x.Answer).Crlf);

        var result = SdpOfferAnswer.ReadAnswer(offer, answer);

        Assert.That(result.Status, Is.EqualTo(x.Status), result.Detail);
        if (x.Codec is null)
        {
            Assert.That(result.Audio, Is.Null);
            return;
        }

        var audio = result.Audio!;
        Assert.That(audio.MediaIndex, Is.EqualTo(x.Index));
        Assert.That(audio.Codec.Name, Is.EqualTo(x.Codec));
        Assert.That(audio.Codec.PayloadType, Is.EqualTo(x.SendPayloadType));
        Assert.That(audio.ReceivePayloadType, Is.EqualTo(x.ReceivePayloadType));
        Assert.That(audio.Hold, Is.EqualTo(x.Hold));
        Assert.That(audio.Direction, Is.EqualTo(x.Direction));
        Assert.That(audio.TelephoneEventPayloadType, Is.EqualTo(x.TelephoneEvent));
        Assert.That(audio.RemoteRtp is null, Is.EqualTo(x.Hold == SdpHoldKind.NullConnection));
        Assert.That(result.Detail, x.Note.Length == 0 ? Is.Empty : Does.Contain(x.Note));
    }

    [Test]
    public void Rfc4317Section23RenumberedCodecIsFoundByName()
    {
        var offer = SdpVectors.ParseText(SdpVectors.Find(Rfc4317, "2.3", "Offer").Crlf);
        var answer = SdpVectors.ParseText(SdpVectors.Find(Rfc4317, "2.3", "Answer").Crlf);

        var audio = SdpOfferAnswer.ReadAnswer(offer, answer).Audio!;

        Assert.That(audio.RemoteRtp, Is.EqualTo(new SdpEndpoint("host.biloxi.example.com", 49172)));
        Assert.That(audio.RemoteRtp!.Value.ToIPEndPoint(), Is.Null, "a host name is handed on, not resolved here");
    }

    public sealed record Answering(string File, string Section, string Offer, SdpNegotiationStatus Status, string? Codec = null, int Index = 0, SdpDirection Answered = SdpDirection.SendRecv, SdpHoldKind Hold = SdpHoldKind.None)
    {
        public override string ToString() => $"{(File == Rfc4317 ? "RFC 4317" : "RFC 3264")} {Section} {Offer}";
    }

    public static IEnumerable<Answering> Offers() =>
    [
        new(Rfc4317, "2.1", "Offer", Ok, "PCMU"),
        new(Rfc4317, "2.2", "Second-Offer", Ok, "PCMU"),
        new(Rfc4317, "2.3", "Offer", Ok, "PCMU"),
        new(Rfc4317, "2.4", "Offer", Ok, "PCMU"),
        new(Rfc4317, "2.5", "Offer", Ok, "iLBC"),
        new(Rfc4317, "2.5", "Second-Offer", Ok, "iLBC"),
        new(Rfc4317, "2.6", "Offer", Ok, "PCMU"),
        new(Rfc4317, "2.7", "Offer", Ok, "iLBC"),
        new(Rfc4317, "2.7", "Second-Offer", Ok, "iLBC"),
        new(Rfc4317, "2.8", "Offer", Ok, "PCMU"),
        new(Rfc4317, "3.1", "Offer", Ok, "PCMU"),
        new(Rfc4317, "3.1", "Second-Offer", Ok, "iLBC"),
        new(Rfc4317, "3.2", "Offer", Ok, "PCMU"),
        new(Rfc4317, "3.2", "Second-Offer", Ok, "iLBC", Answered: SdpDirection.RecvOnly, Hold: SdpHoldKind.SendOnly),
        new(Rfc4317, "4.1", "Second-Offer", Ok, "iLBC"),
        new(Rfc4317, "4.2", "Second-Offer", Ok, "PCMU"),
        new(Rfc4317, "4.3", "Second-Offer", Ok, "iLBC"),
        new(Rfc4317, "5.1", "Offer", Ok),
        new(Rfc4317, "5.1", "Second-Offer", Ok, "iLBC"),
        new(Rfc4317, "5.2", "Offer", Ok, "iLBC", Hold: SdpHoldKind.NullConnection),
        new(Rfc4317, "5.3", "Second-Offer", Ok, "iLBC"),
        new(Rfc3264, "10.1", "Offer", Ok, "PCMU"),
        new(Rfc3264, "10.1", "Second-Offer", Ok, "PCMU"),
        new(Rfc3264, "10.2", "Offer", Ok, "PCMU", Answered: SdpDirection.Inactive, Hold: SdpHoldKind.Inactive),
        new(Rfc3264, "10.2", "Second-Offer", SdpNegotiationStatus.NoCommonCodec),
    ];

    [TestCaseSource(nameof(Offers))]
    public void OurAnswerToEachOfferIsValidForIt(Answering x)
    {
        var offer = SdpVectors.ParseText(SdpVectors.Find(x.File, x.Section, x.Offer).Crlf);

        var result = SdpOfferAnswer.CreateAnswer(offer, WithIlbc, new SdpEndpoint("192.0.2.200", 30000), new SdpSessionVersion("192.0.2.200", "1", 1));

        Assert.That(result.Status, Is.EqualTo(x.Status), result.Detail);
        if (x.Status != Ok)
        {
            return;
        }

        var answer = result.Answer!;
        Assert.That(answer.Media.Select(m => m.Media), Is.EqualTo(offer.Media.Select(m => m.Media)), "§6: one m= line per offered one, same order");
        Assert.That(answer.Timings, Is.EqualTo(offer.Timings), "§6: t= as offered");
        Assert.That(answer.Media.Count(m => !m.IsRejected), Is.EqualTo(x.Codec is null ? 0 : 1));
        for (var i = 0; i < offer.Media.Count; i++)
        {
            if (offer.Media[i].IsRejected)
            {
                Assert.That(answer.Media[i].IsRejected, Is.True, "§6: offered with port 0, answered with port 0");
            }
        }

        if (x.Codec is null)
        {
            Assert.That(result.Audio, Is.Null);
            return;
        }

        var audio = result.Audio!;
        Assert.That(audio.MediaIndex, Is.EqualTo(x.Index));
        Assert.That(audio.Codec.Name, Is.EqualTo(x.Codec));
        Assert.That(answer.Media[x.Index].Direction, Is.EqualTo(x.Answered));
        Assert.That(audio.Hold, Is.EqualTo(x.Hold));

        // Read back from the offerer's side, our answer says what we think it says.
        var read = SdpOfferAnswer.ReadAnswer(offer, answer);
        Assert.That(read.Status, Is.EqualTo(Ok), read.Detail);
        Assert.That(read.Audio!.MediaIndex, Is.EqualTo(audio.MediaIndex));
        Assert.That(read.Audio.Codec, Is.EqualTo(audio.Codec));
        Assert.That(read.Audio.ReceivePayloadType, Is.EqualTo(audio.Codec.PayloadType));
        Assert.That(read.Audio.TelephoneEventPayloadType, Is.EqualTo(audio.TelephoneEventPayloadType));
        Assert.That(read.Audio.RemoteRtp, Is.EqualTo(new SdpEndpoint("192.0.2.200", 30000)));
    }
}
