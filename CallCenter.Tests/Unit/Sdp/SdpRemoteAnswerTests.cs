using CallCenter.Core.Sdp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Sdp;

// Our own offer and the checks on the answer that comes back (RFC 3264 §6, §7).
public sealed class SdpRemoteAnswerTests
{
    private static readonly SdpEndpoint Relay = new("10.0.0.1", 40010);

    private static SdpSessionDescription OurOffer(SdpMediaCapabilities? capabilities = null, SdpDirection direction = SdpDirection.SendRecv) =>
        SdpOfferAnswer.CreateOffer(capabilities ?? SdpMediaCapabilities.Default, Relay, new SdpSessionVersion("10.0.0.1", "777", 5), direction);

    private static SdpSessionDescription Remote(string media, string connection = "192.0.2.77") =>
        SdpVectors.ParseText($"v=0\r\no=- 9 9 IN IP4 192.0.2.77\r\ns=-\r\nc=IN IP4 {connection}\r\nt=0 0\r\n{media}");

    [Test]
    public void OurOfferListsOurCodecsTelephoneEventAndPacketTime()
    {
        var offer = OurOffer();

        Assert.That(
            offer.ToString(),
            Is.EqualTo(
                "v=0\r\no=- 777 5 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 40010 RTP/AVP 0 8 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                + "a=ptime:20\r\na=sendrecv\r\n"));
        Assert.That(OurOffer(SdpMediaCapabilities.Default.WithoutTelephoneEvent(), SdpDirection.SendOnly).ToString(), Does.Contain("RTP/AVP 0 8\r\n").And.Contain("a=sendonly"));
    }

    [Test]
    public void SippDefaultAnswerGivesPcmuAndItsAddress()
    {
        var answer = SdpVectors.ParseText(SdpVectors.Sipp("sipp-3.6.1-uas-answer.template.sdp", "192.0.2.60", 6004));

        var result = SdpOfferAnswer.ReadAnswer(OurOffer(), answer);

        Assert.That(result.Status, Is.EqualTo(SdpNegotiationStatus.Accepted), result.Detail);
        var audio = result.Audio!;
        Assert.That(audio.Codec, Is.EqualTo(SdpCodec.Pcmu));
        Assert.That(audio.ReceivePayloadType, Is.Zero);
        Assert.That(audio.TelephoneEventPayloadType, Is.Null, "SIPp did not take telephone-event");
        Assert.That(audio.RemoteRtp, Is.EqualTo(new SdpEndpoint("192.0.2.60", 6004)));
        Assert.That(audio.RemoteRtcp, Is.EqualTo(new SdpEndpoint("192.0.2.60", 6005)));
        Assert.That(audio.Direction, Is.EqualTo(SdpDirection.SendRecv));
    }

    [Test]
    public void TelephoneEventIsRecordedWithBothNumbersWhenTheAnswerRenumbersIt()
    {
        var answer = Remote("m=audio 7000 RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\na=ptime:30\r\n");

        var audio = SdpOfferAnswer.ReadAnswer(OurOffer(), answer).Audio!;

        Assert.That(audio.Codec, Is.EqualTo(SdpCodec.Pcma));
        Assert.That(audio.TelephoneEventPayloadType, Is.EqualTo(96), "the number the answerer expects to receive");
        Assert.That(audio.ReceiveTelephoneEventPayloadType, Is.EqualTo(101), "the number it sends us with: ours");
        Assert.That(audio.TelephoneEvents, Is.EqualTo("0-15"));
        Assert.That(audio.PacketTime, Is.EqualTo(TimeSpan.FromMilliseconds(30)));
    }

    [Test]
    public void TheChosenCodecMustBeOneWeOffered()
    {
        var pcmuOnly = OurOffer(SdpMediaCapabilities.Default.Restrict(["PCMU"]));

        var result = SdpOfferAnswer.ReadAnswer(pcmuOnly, Remote("m=audio 7000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n"));
        var renamed = SdpOfferAnswer.ReadAnswer(pcmuOnly, Remote("m=audio 7000 RTP/AVP 0\r\na=rtpmap:0 G729/8000\r\n"));

        Assert.That(result.Status, Is.EqualTo(SdpNegotiationStatus.CodecNotOffered));
        Assert.That(result.Detail, Does.Contain("PCMA/8000"));
        Assert.That(result.Audio, Is.Null);
        Assert.That(renamed.Status, Is.EqualTo(SdpNegotiationStatus.CodecNotOffered), "PT 0 mapped to another codec is not what we offered");
    }

    [Test]
    public void FormatsWeNeverOfferedArePassedOverAndNamed()
    {
        var comfortNoise = SdpOfferAnswer.ReadAnswer(OurOffer(), Remote("m=audio 7000 RTP/AVP 0 13\r\n"));
        var wholeList = SdpOfferAnswer.ReadAnswer(
            OurOffer(SdpMediaCapabilities.Default.Restrict(["PCMA"])),
            Remote("m=audio 7000 RTP/AVP 0 8 18 101\r\na=rtpmap:101 telephone-event/8000\r\n"));

        Assert.That(comfortNoise.IsAccepted, Is.True, comfortNoise.Detail);
        Assert.That(comfortNoise.Audio!.Codec, Is.EqualTo(SdpCodec.Pcmu));
        Assert.That(comfortNoise.Detail, Does.Contain("CN/8000"));
        Assert.That(wholeList.IsAccepted, Is.True, wholeList.Detail);
        Assert.That(wholeList.Audio!.Codec, Is.EqualTo(SdpCodec.Pcma), "the first answered codec that we offered");
        Assert.That(wholeList.Detail, Does.Contain("PCMU/8000").And.Contain("G729/8000"));
    }

    [Test]
    public void AnAnswerWithOnlyTelephoneEventHasNoCodec()
    {
        var result = SdpOfferAnswer.ReadAnswer(OurOffer(), Remote("m=audio 7000 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n"));

        Assert.That(result.Status, Is.EqualTo(SdpNegotiationStatus.NoCommonCodec));
    }

    [TestCase("", SdpNegotiationStatus.MediaMismatch, TestName = "An answer without the offered stream")]
    [TestCase("m=audio 7000 RTP/AVP 0\r\nm=video 0 RTP/AVP 31\r\n", SdpNegotiationStatus.MediaMismatch, TestName = "An answer with a stream too many")]
    [TestCase("m=video 7000 RTP/AVP 31\r\n", SdpNegotiationStatus.MediaMismatch, TestName = "An answer changing the media type")]
    [TestCase("m=audio 0 RTP/AVP 0\r\n", SdpNegotiationStatus.AudioRejected, TestName = "An answer rejecting the audio stream")]
    public void AnswersThatDoNotMatchTheOfferAreRefused(string media, SdpNegotiationStatus status)
    {
        var result = SdpOfferAnswer.ReadAnswer(OurOffer(), Remote(media));

        Assert.That(result.Status, Is.EqualTo(status));
        Assert.That(result.Audio, Is.Null);
        Assert.That(result.Detail, Is.Not.Empty);
    }

    [Test]
    public void AnAnswerPuttingUsOnHoldIsSeen()
    {
        var sendonly = SdpOfferAnswer.ReadAnswer(OurOffer(), Remote("m=audio 7000 RTP/AVP 0\r\na=sendonly\r\n")).Audio!;
        var blackHole = SdpOfferAnswer.ReadAnswer(OurOffer(), Remote("m=audio 9322 RTP/AVP 0\r\n", "0.0.0.0")).Audio!;

        Assert.That(sendonly.Hold, Is.EqualTo(SdpHoldKind.SendOnly));
        Assert.That(sendonly.Direction, Is.EqualTo(SdpDirection.RecvOnly), "it sends, we receive");
        Assert.That(blackHole.Hold, Is.EqualTo(SdpHoldKind.NullConnection));
        Assert.That(blackHole.RemoteRtp, Is.Null);
        Assert.That(blackHole.Direction, Is.EqualTo(SdpDirection.RecvOnly));
    }

    [Test]
    public void OurOwnHoldOfferNarrowsTheDirection()
    {
        var held = OurOffer(direction: SdpDirection.SendOnly);

        var audio = SdpOfferAnswer.ReadAnswer(held, Remote("m=audio 7000 RTP/AVP 0\r\na=recvonly\r\n")).Audio!;

        Assert.That(audio.Direction, Is.EqualTo(SdpDirection.SendOnly));
        Assert.That(audio.IsHold, Is.False, "recvonly answers a hold; it is not one");
    }
}
