using CallCenter.Core.Sdp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Sdp;

// The B2BUA's use of the layer: leg A's offer relayed to leg B at the server's ports, B's answer read and turned
// into A's answer, then a hold and a resume from A, with each leg's o= version moving as RFC 3264 §8 wants.
public sealed class SdpRelayTests
{
    private static readonly SdpEndpoint LegA = new("10.0.0.1", 40000);
    private static readonly SdpEndpoint LegB = new("10.0.0.1", 40002);

    private static SdpSessionDescription Phone(string media, string direction = "sendrecv") =>
        SdpVectors.ParseText(
            "v=0\r\no=- 1700000000 1700000001 IN IP4 10.1.2.33\r\ns=Polycom IP Phone\r\nc=IN IP4 10.1.2.33\r\nt=0 0\r\n"
            + media + "a=" + direction + "\r\n");

    [Test]
    public void ACallHoldAndResumeThroughTheRelay()
    {
        var capabilities = SdpMediaCapabilities.Default;
        var originA = new SdpSessionVersion("10.0.0.1", "1000", 1);
        var originB = new SdpSessionVersion("10.0.0.1", "2000", 1);
        var offerFromA = SdpVectors.Parse("baresip-1.0.0-invite.sdp");

        // A's INVITE: the offer B gets carries A's formats that the relay carries, in A's order, at our address.
        var toB = SdpOfferAnswer.CreateRelayedOffer(offerFromA, capabilities, LegB, originB);
        Assert.That(toB.Status, Is.EqualTo(SdpNegotiationStatus.Accepted), toB.Detail);
        Assert.That(toB.AudioIndex, Is.Zero);
        Assert.That(
            toB.Offer!.ToString(),
            Is.EqualTo(
                "v=0\r\no=- 2000 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0 8 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
                + "a=ptime:20\r\na=sendrecv\r\n"));

        // B's 200: PCMU and telephone-event; A's answer is made from it.
        var fromB = SdpOfferAnswer.ReadAnswer(toB.Offer, Phone("m=audio 2222 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"));
        Assert.That(fromB.IsAccepted, Is.True, fromB.Detail);
        var legB = fromB.Audio!;
        Assert.That(legB.RemoteRtp, Is.EqualTo(new SdpEndpoint("10.1.2.33", 2222)));

        var toA = SdpOfferAnswer.CreateAnswer(offerFromA, capabilities.For(legB), LegA, originA, legB.Direction.Reverse());
        Assert.That(toA.IsAccepted, Is.True, toA.Detail);
        Assert.That(
            toA.Answer!.ToString(),
            Is.EqualTo(
                "v=0\r\no=- 1000 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n"));
        var legA = toA.Audio!;
        Assert.That(legA.RemoteRtp, Is.EqualTo(new SdpEndpoint("127.0.0.1", 35894)));
        Assert.That(legA.Codec.SameCodec(legB.Codec), Is.True, "relayed, not transcoded");

        // A holds (baresip's real re-INVITE): B is offered sendonly, answers recvonly, and A hears recvonly.
        var holdFromA = SdpVectors.Parse("baresip-1.0.0-hold-reinvite.sdp");
        var holdToB = SdpOfferAnswer.CreateRelayedOffer(holdFromA, capabilities, LegB, originB);
        Assert.That(holdToB.Offer!.Origin.SessionVersion, Is.EqualTo(2UL));
        Assert.That(holdToB.Offer.Media[0].Direction, Is.EqualTo(SdpDirection.SendOnly));
        Assert.That(holdToB.Offer.Media[0].Formats, Is.EqualTo(new[] { "0" }));

        var holdFromB = SdpOfferAnswer.ReadAnswer(holdToB.Offer, Phone("m=audio 2222 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", "recvonly")).Audio!;
        Assert.That(holdFromB.Direction, Is.EqualTo(SdpDirection.SendOnly), "we relay A's music to B and expect nothing back");

        var holdToA = SdpOfferAnswer.CreateAnswer(holdFromA, capabilities.For(holdFromB), LegA, originA, holdFromB.Direction.Reverse());
        Assert.That(holdToA.Answer!.Origin.SessionVersion, Is.EqualTo(2UL));
        Assert.That(holdToA.Answer.Media[0].Direction, Is.EqualTo(SdpDirection.RecvOnly));
        Assert.That(holdToA.Audio!.Hold, Is.EqualTo(SdpHoldKind.SendOnly));
        Assert.That(holdToA.Audio.Direction, Is.EqualTo(SdpDirection.RecvOnly));

        // A resumes with its first description: B's offer changes again (version 3); a refresh with the same
        // description leaves it at 3.
        var resumeToB = SdpOfferAnswer.CreateRelayedOffer(offerFromA, capabilities, LegB, originB);
        var refreshToB = SdpOfferAnswer.CreateRelayedOffer(offerFromA, capabilities, LegB, originB);
        Assert.That(resumeToB.Offer!.Origin.SessionVersion, Is.EqualTo(3UL));
        Assert.That(resumeToB.Offer.Media[0].Direction, Is.EqualTo(SdpDirection.SendRecv));
        Assert.That(refreshToB.Offer, Is.SameAs(resumeToB.Offer));
    }

    [Test]
    public void ALegThatPicksPcmaGivesTheOtherLegPcma()
    {
        var capabilities = SdpMediaCapabilities.Default;
        var offerFromA = SdpVectors.Parse("yealink-shaped-offer.sdp");
        var toB = SdpOfferAnswer.CreateRelayedOffer(offerFromA, capabilities, LegB, new SdpSessionVersion("10.0.0.1", "2", 1)).Offer!;

        var legB = SdpOfferAnswer.ReadAnswer(toB, Phone("m=audio 2222 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n")).Audio!;
        var toA = SdpOfferAnswer.CreateAnswer(offerFromA, capabilities.For(legB), LegA, new SdpSessionVersion("10.0.0.1", "1", 1), legB.Direction.Reverse());

        Assert.That(toB.Media[0].Formats, Is.EqualTo(new[] { "0", "8", "101" }), "Yealink's G722, G729, iLBC, opus and G726 stay behind");
        Assert.That(toA.Audio!.Codec, Is.EqualTo(SdpCodec.Pcma), "PCMU is A's favourite, but B chose PCMA");
        Assert.That(toA.Answer!.Media[0].Formats, Is.EqualTo(new[] { "8" }), "B did not take telephone-event, so A does not get it either");
    }

    [Test]
    public void OnlyTheLiveAudioStreamIsRelayedTheOthersAreOfferedWithPortZero()
    {
        var offerFromA = SdpVectors.ParseText(SdpVectors.Find("rfc4317.txt", "2.1", "Offer").Crlf);

        var toB = SdpOfferAnswer.CreateRelayedOffer(offerFromA, SdpMediaCapabilities.Default, LegB, new SdpSessionVersion("10.0.0.1", "2", 1));

        Assert.That(toB.Offer!.Media.Select(m => (m.Media, m.Port)), Is.EqualTo(new[] { ("audio", 40002), ("video", 0) }));
        Assert.That(toB.Offer.Media[0].Formats, Is.EqualTo(new[] { "0", "8" }));
    }

    [Test]
    public void Rfc2543HoldFromAReachesBAsSendonly()
    {
        var offerFromA = SdpVectors.ParseText(SdpVectors.Sipp("sipp-3.6.1-uac-offer.template.sdp", "0.0.0.0", 6000));

        var toB = SdpOfferAnswer.CreateRelayedOffer(offerFromA, SdpMediaCapabilities.Default, LegB, new SdpSessionVersion("10.0.0.1", "2", 1)).Offer!;

        Assert.That(toB.Connection!.Address, Is.EqualTo("10.0.0.1"));
        Assert.That(toB.Media[0].Direction, Is.EqualTo(SdpDirection.SendOnly));
        Assert.That(SdpHold.Detect(toB), Is.EqualTo(SdpHoldKind.SendOnly));
    }

    [Test]
    public void SessionLevelHoldFromAReachesBAsAStreamAttribute()
    {
        var offerFromA = SdpVectors.ParseText(SdpVectors.Text("polycom-shaped-offer.sdp").Replace("a=sendrecv", "a=inactive", StringComparison.Ordinal));

        var toB = SdpOfferAnswer.CreateRelayedOffer(offerFromA, SdpMediaCapabilities.Default, LegB, new SdpSessionVersion("10.0.0.1", "2", 1)).Offer!;

        Assert.That(toB.Direction, Is.Null);
        Assert.That(toB.Media[0].Direction, Is.EqualTo(SdpDirection.Inactive));
        Assert.That(toB.Media[0].Formats, Is.EqualTo(new[] { "8", "0", "127" }));
    }

    [Test]
    public void AnOfferWithNothingToRelayIsRefusedLikeAnAnswerWouldBe()
    {
        var g729 = SdpOfferAnswer.CreateRelayedOffer(SdpVectors.Parse("g729-only-offer.sdp"), SdpMediaCapabilities.Default, LegB, new SdpSessionVersion("10.0.0.1", "2", 1));
        var noMedia = SdpOfferAnswer.CreateRelayedOffer(
            SdpVectors.ParseText(SdpVectors.Find("rfc4317.txt", "5.1", "Offer").Crlf), SdpMediaCapabilities.Default, LegB, new SdpSessionVersion("10.0.0.1", "2", 1));

        Assert.That(g729.Status, Is.EqualTo(SdpNegotiationStatus.NoCommonCodec));
        Assert.That(g729.Offer, Is.Null);
        Assert.That(noMedia.Status, Is.EqualTo(SdpNegotiationStatus.Accepted));
        Assert.That(noMedia.AudioIndex, Is.Null);
        Assert.That(noMedia.Offer!.Media, Is.Empty);
    }

    [Test]
    public void CapabilitiesForASelectionMustBeOurs()
    {
        var selection = new SdpMediaSelection
        {
            MediaIndex = 0,
            Codec = new SdpCodec("G729", 18, 8000),
            ReceivePayloadType = 18,
            Direction = SdpDirection.SendRecv,
            PacketTime = SdpMediaCapabilities.DefaultPacketTime,
            Hold = SdpHoldKind.None,
        };

        Assert.That(() => SdpMediaCapabilities.Default.For(selection), Throws.ArgumentException);
        Assert.That(() => new SdpMediaCapabilities([SdpCodec.Pcmu, SdpCodec.Pcmu]), Throws.ArgumentException);
        Assert.That(() => new SdpMediaCapabilities([SdpCodec.Pcmu], telephoneEventPayloadType: 8), Throws.ArgumentException);
        Assert.That(() => new SdpMediaCapabilities([]), Throws.ArgumentException);
    }
}
