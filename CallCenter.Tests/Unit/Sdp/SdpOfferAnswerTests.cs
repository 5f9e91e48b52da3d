using CallCenter.Core.Sdp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Sdp;

// Answering received offers (RFC 3264 §6) for the relay: one audio stream, one codec, telephone-event echoed.
public sealed class SdpOfferAnswerTests
{
    private static readonly SdpEndpoint Relay = new("10.0.0.1", 40000);

    private static SdpSessionVersion NewOrigin() => new("10.0.0.1", "4242", 1);

    private static SdpAnswerResult Answer(SdpSessionDescription offer, SdpMediaCapabilities? capabilities = null, SdpDirection local = SdpDirection.SendRecv) =>
        SdpOfferAnswer.CreateAnswer(offer, capabilities ?? SdpMediaCapabilities.Default, Relay, NewOrigin(), local);

    [Test]
    public void BaresipOfferGetsPcmuAndTelephoneEventAtTheRelay()
    {
        var result = Answer(SdpVectors.Parse("baresip-1.0.0-invite.sdp"));

        Assert.That(result.Status, Is.EqualTo(SdpNegotiationStatus.Accepted), result.Detail);
        Assert.That(
            result.Answer!.ToString(),
            Is.EqualTo(
                "v=0\r\no=- 4242 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                + "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
                + "a=ptime:20\r\na=sendrecv\r\n"));

        var audio = result.Audio!;
        Assert.That(audio.MediaIndex, Is.Zero);
        Assert.That(audio.Codec, Is.EqualTo(new SdpCodec("PCMU", 0, 8000)), "opus and G722 come first but are not the relay's; PCMU is baresip's next");
        Assert.That(audio.ReceivePayloadType, Is.Zero);
        Assert.That(audio.TelephoneEventPayloadType, Is.EqualTo(101));
        Assert.That(audio.ReceiveTelephoneEventPayloadType, Is.EqualTo(101));
        Assert.That(audio.TelephoneEvents, Is.EqualTo("0-15"));
        Assert.That(audio.RemoteRtp, Is.EqualTo(new SdpEndpoint("127.0.0.1", 35894)));
        Assert.That(audio.RemoteRtcp, Is.EqualTo(new SdpEndpoint("127.0.0.1", 35895)));
        Assert.That(audio.RemoteRtp!.Value.ToIPEndPoint()!.Port, Is.EqualTo(35894));
        Assert.That(audio.Direction, Is.EqualTo(SdpDirection.SendRecv));
        Assert.That(audio.PacketTime, Is.EqualTo(TimeSpan.FromMilliseconds(20)));
        Assert.That(audio.IsHold, Is.False);
    }

    [Test]
    public void SippDefaultOfferGetsPcmuWithoutTelephoneEvent()
    {
        var offer = SdpVectors.ParseText(SdpVectors.Sipp("sipp-3.6.1-uac-offer.template.sdp", "192.0.2.50", 6000));

        var result = Answer(offer);

        Assert.That(result.IsAccepted, Is.True, result.Detail);
        Assert.That(result.Answer!.Media[0].Formats, Is.EqualTo(new[] { "0" }));
        Assert.That(result.Audio!.TelephoneEventPayloadType, Is.Null);
        Assert.That(result.Audio.RemoteRtp, Is.EqualTo(new SdpEndpoint("192.0.2.50", 6000)));
        Assert.That(result.Audio.PacketTime, Is.EqualTo(SdpMediaCapabilities.DefaultPacketTime), "no a=ptime: 20 ms");
    }

    [Test]
    public void SippPcapOfferGetsPcmaAndItsEventList()
    {
        var offer = SdpVectors.ParseText(SdpVectors.Sipp("sipp-3.6.1-uac-pcap-offer.template.sdp", "192.0.2.50", 6002));

        var audio = Answer(offer).Audio!;

        Assert.That(audio.Codec, Is.EqualTo(SdpCodec.Pcma));
        Assert.That(audio.TelephoneEventPayloadType, Is.EqualTo(101));
        Assert.That(audio.TelephoneEvents, Is.EqualTo("0-11,16"));
    }

    [Test]
    public void YealinkShapedOfferGetsItsFirstCodecThatIsOurs()
    {
        var result = Answer(SdpVectors.Parse("yealink-shaped-offer.sdp"));

        Assert.That(result.Audio!.Codec.Name, Is.EqualTo("PCMU"));
        Assert.That(result.Answer!.Media[0].Formats, Is.EqualTo(new[] { "0", "101" }));
        Assert.That(result.Answer.Media[0].GetFormatParameters(101), Is.EqualTo("0-15"));
    }

    [Test]
    public void PolycomShapedOfferGetsPcmaAndTelephoneEvent127WithoutParameters()
    {
        var result = Answer(SdpVectors.Parse("polycom-shaped-offer.sdp"));

        var media = result.Answer!.Media[0];
        Assert.That(result.Audio!.Codec, Is.EqualTo(SdpCodec.Pcma), "PCMA is listed before PCMU");
        Assert.That(media.Formats, Is.EqualTo(new[] { "8", "127" }));
        Assert.That(media.GetRtpMap(127)!.IsTelephoneEvent, Is.True);
        Assert.That(media.GetFormatParameters(127), Is.Null, "no fmtp offered, none echoed");
        Assert.That(result.Audio.TelephoneEvents, Is.Null);
        Assert.That(result.Audio.Direction, Is.EqualTo(SdpDirection.SendRecv), "from the session-level a=sendrecv");
        Assert.That(media.HasAttribute("rtcp-xr"), Is.False, "the offerer's other attributes are not echoed");
    }

    [Test]
    public void G729OnlyOfferHasNoCommonCodec()
    {
        var result = Answer(SdpVectors.Parse("g729-only-offer.sdp"));

        Assert.That(result.Status, Is.EqualTo(SdpNegotiationStatus.NoCommonCodec));
        Assert.That(result.Answer, Is.Null);
        Assert.That(result.Audio, Is.Null);
        Assert.That(result.Detail, Does.Contain("G729/8000").And.Contain("PCMU PCMA"), "telephone-event alone is no codec");
    }

    [Test]
    public void ALegRestrictedToPcmaTakesPcmaEvenWhenPcmuComesFirst()
    {
        var pcmaOnly = SdpMediaCapabilities.Default.Restrict(["pcma"]);

        var audio = Answer(SdpVectors.Parse("baresip-1.0.0-invite.sdp"), pcmaOnly).Audio!;

        Assert.That(audio.Codec, Is.EqualTo(SdpCodec.Pcma));
        Assert.That(() => SdpMediaCapabilities.Default.Restrict(["G729"]), Throws.ArgumentException);
    }

    [Test]
    public void WithoutTelephoneEventCapabilityNoneIsAnswered()
    {
        var result = Answer(SdpVectors.Parse("baresip-1.0.0-invite.sdp"), SdpMediaCapabilities.Default.WithoutTelephoneEvent());

        Assert.That(result.Answer!.Media[0].Formats, Is.EqualTo(new[] { "0" }));
        Assert.That(result.Audio!.TelephoneEventPayloadType, Is.Null);
    }

    [Test]
    public void TelephoneEventAtTheCodecsClockRateIsTheOneEchoed()
    {
        var offer = SdpVectors.ParseText(
            "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 7000 RTP/AVP 111 0 110 101\r\n"
            + "a=rtpmap:111 opus/48000/2\r\na=rtpmap:110 telephone-event/48000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n");

        var audio = Answer(offer).Audio!;

        Assert.That(audio.Codec.Name, Is.EqualTo("PCMU"));
        Assert.That(audio.TelephoneEventPayloadType, Is.EqualTo(101));
    }

    [Test]
    public void MLinesKeepTheirNumberAndOrderAndUnusedStreamsGetPortZero()
    {
        var offer = SdpVectors.ParseText(SdpVectors.Find("rfc4317.txt", "2.1", "Offer").Crlf);

        var answer = Answer(offer).Answer!;

        Assert.That(answer.Media.Select(m => m.Media), Is.EqualTo(new[] { "audio", "video" }));
        Assert.That(answer.Media[0].Formats, Is.EqualTo(new[] { "0" }));
        Assert.That(answer.Media[0].Port, Is.EqualTo(40000));
        Assert.That(answer.Media[1].Port, Is.Zero);
        Assert.That(answer.Media[1].Formats, Is.EqualTo(new[] { "31" }));
        Assert.That(answer.ToString(), Does.EndWith("m=video 0 RTP/AVP 31\r\n"));
    }

    [Test]
    public void OnlyTheFirstAudioStreamWithACommonCodecIsTaken()
    {
        // RFC 4317 §2.4 with PCMU first: a voice stream and a separate sendonly telephone-event stream.
        var offer = SdpVectors.ParseText(SdpVectors.Find("rfc4317.txt", "2.4", "Offer").Crlf);

        var result = Answer(offer);

        Assert.That(result.Audio!.MediaIndex, Is.Zero);
        Assert.That(result.Answer!.Media[1].Port, Is.Zero);
        Assert.That(result.Audio.TelephoneEventPayloadType, Is.Null, "telephone-event in another stream is not this stream's");
    }

    [Test]
    public void AStreamWithoutCommonCodecIsSkippedForALaterOneThatHasOne()
    {
        // RFC 4317 §2.6 the other way round: iLBC first, PCMU in the second stream.
        var offer = SdpVectors.ParseText(
            "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n"
            + "m=audio 51372 RTP/AVP 97 101\r\na=rtpmap:97 iLBC/8000\r\na=rtpmap:101 telephone-event/8000\r\nm=audio 49170 RTP/AVP 0\r\n");

        var result = Answer(offer);

        Assert.That(result.Audio!.MediaIndex, Is.EqualTo(1));
        Assert.That(result.Answer!.Media.Select(m => m.Port), Is.EqualTo(new[] { 0, 40000 }));
    }

    [Test]
    public void OfferWithoutStreamsIsAnsweredWithoutStreams()
    {
        var offer = SdpVectors.ParseText(SdpVectors.Find("rfc4317.txt", "5.1", "Offer").Crlf);

        var result = Answer(offer);

        Assert.That(result.Status, Is.EqualTo(SdpNegotiationStatus.Accepted));
        Assert.That(result.Audio, Is.Null);
        Assert.That(result.Answer!.Media, Is.Empty);
        Assert.That(result.Answer.Connection!.Address, Is.EqualTo("10.0.0.1"));
    }

    [Test]
    public void OfferDisablingEveryStreamIsAnsweredWithPortZeroEverywhere()
    {
        var offer = SdpVectors.ParseText("v=0\r\no=- 1 2 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\nm=video 0 RTP/AVP 31\r\n");

        var result = Answer(offer);

        Assert.That(result.Status, Is.EqualTo(SdpNegotiationStatus.Accepted));
        Assert.That(result.Audio, Is.Null);
        Assert.That(result.Answer!.Media.Select(m => m.Port), Is.EqualTo(new[] { 0, 0 }));
    }

    [TestCase("m=video 5000 RTP/AVP 31\r\n", SdpNegotiationStatus.NoAudioStream, "video RTP/AVP", TestName = "Video only is not acceptable")]
    [TestCase("m=audio 5000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n", SdpNegotiationStatus.NoAudioStream, "RTP/SAVP", TestName = "SRTP-only audio is not acceptable")]
    [TestCase("m=audio 5000 RTP/AVP 96\r\n", SdpNegotiationStatus.NoCommonCodec, "PT 96", TestName = "A dynamic type without rtpmap is no codec")]
    public void OffersTheRelayCannotTakeAreRefusedWithAReason(string media, SdpNegotiationStatus status, string detail)
    {
        var offer = SdpVectors.ParseText("v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n" + media);

        var result = Answer(offer);

        Assert.That(result.Status, Is.EqualTo(status));
        Assert.That(result.Answer, Is.Null);
        Assert.That(result.Detail, Does.Contain(detail));
    }

    // RFC 3264 §6.1, from the answerer's side: sendonly is answered recvonly (or inactive), recvonly sendonly (or
    // inactive), inactive inactive; our own wish (holding the party) narrows it further.
    [TestCase("sendrecv", SdpDirection.SendRecv, "sendrecv", SdpDirection.SendRecv, SdpHoldKind.None)]
    [TestCase("sendonly", SdpDirection.SendRecv, "recvonly", SdpDirection.RecvOnly, SdpHoldKind.SendOnly)]
    [TestCase("recvonly", SdpDirection.SendRecv, "sendonly", SdpDirection.SendOnly, SdpHoldKind.None)]
    [TestCase("inactive", SdpDirection.SendRecv, "inactive", SdpDirection.Inactive, SdpHoldKind.Inactive)]
    [TestCase("sendrecv", SdpDirection.SendOnly, "sendonly", SdpDirection.SendOnly, SdpHoldKind.None)]
    [TestCase("sendonly", SdpDirection.SendOnly, "inactive", SdpDirection.Inactive, SdpHoldKind.SendOnly)]
    [TestCase("sendrecv", SdpDirection.Inactive, "inactive", SdpDirection.Inactive, SdpHoldKind.None)]
    [TestCase("recvonly", SdpDirection.RecvOnly, "inactive", SdpDirection.Inactive, SdpHoldKind.None)]
    public void DirectionIsAnsweredPerSection61(string offered, SdpDirection local, string answered, SdpDirection flow, SdpHoldKind hold)
    {
        var offer = SdpVectors.ParseText(SdpVectors.Text("baresip-1.0.0-invite.sdp").Replace("a=sendrecv", "a=" + offered, StringComparison.Ordinal));

        var result = Answer(offer, local: local);

        Assert.That(result.Answer!.Media[0].Attributes.Single(a => a.Value is null).Name, Is.EqualTo(answered));
        Assert.That(result.Audio!.Direction, Is.EqualTo(flow));
        Assert.That(result.Audio.Hold, Is.EqualTo(hold));
    }

    [Test]
    public void Rfc2543HoldMeansNothingIsSentButTheAnswerStaysPlain()
    {
        var offer = SdpVectors.ParseText(SdpVectors.Sipp("sipp-3.6.1-uac-offer.template.sdp", "0.0.0.0", 6000));

        var result = Answer(offer);

        Assert.That(result.IsAccepted, Is.True);
        Assert.That(result.Audio!.Hold, Is.EqualTo(SdpHoldKind.NullConnection));
        Assert.That(result.Audio.RemoteRtp, Is.Null);
        Assert.That(result.Audio.RemoteRtcp, Is.Null);
        Assert.That(result.Audio.Direction, Is.EqualTo(SdpDirection.RecvOnly), "the relay may receive but must not send");
        Assert.That(result.Answer!.Media[0].Direction, Is.EqualTo(SdpDirection.SendRecv), "as RFC 4317 §5.2's Bob answers");
    }

    [Test]
    public void RtcpGoesWhereRfc3605SaysAndRtcpMuxIsNotedButNotTakenUp()
    {
        var text = SdpVectors.Text("baresip-1.0.0-invite.sdp");
        var withAddress = SdpVectors.ParseText(text + "a=rtcp:53020 IN IP4 198.51.100.9\r\na=rtcp-mux\r\n");
        var portOnly = SdpVectors.ParseText(text + "a=rtcp:53020\r\n");

        var first = Answer(withAddress);
        var second = Answer(portOnly);

        Assert.That(first.Audio!.RemoteRtcp, Is.EqualTo(new SdpEndpoint("198.51.100.9", 53020)));
        Assert.That(first.Audio.RemoteOffersRtcpMux, Is.True);
        Assert.That(first.Answer!.Media[0].RtcpMux, Is.False);
        Assert.That(second.Audio!.RemoteRtcp, Is.EqualTo(new SdpEndpoint("127.0.0.1", 53020)));
        Assert.That(second.Audio.RemoteOffersRtcpMux, Is.False);
    }

    [Test]
    public void TheOfferersPacketTimeIsWhatWeSendWithAndOursIsAnswered()
    {
        var offer = SdpVectors.ParseText(SdpVectors.Text("baresip-1.0.0-invite.sdp").Replace("a=ptime:20", "a=ptime:30", StringComparison.Ordinal));
        var capabilities = new SdpMediaCapabilities([SdpCodec.Pcmu], packetTime: TimeSpan.FromMilliseconds(40));

        var result = Answer(offer, capabilities);

        Assert.That(result.Audio!.PacketTime, Is.EqualTo(TimeSpan.FromMilliseconds(30)));
        Assert.That(result.Answer!.Media[0].PacketTime, Is.EqualTo(TimeSpan.FromMilliseconds(40)));
    }

    [Test]
    public void AnOfferWithoutRtpmapsForStaticTypesIsUnderstood()
    {
        var offer = SdpVectors.ParseText("v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 18 8\r\n");

        var result = Answer(offer);

        Assert.That(result.Audio!.Codec, Is.EqualTo(SdpCodec.Pcma));
        Assert.That(result.Answer!.Media[0].Attributes[0], Is.EqualTo(new SdpAttribute("rtpmap", "8 PCMA/8000")), "we always say what we mean");
    }

    [Test]
    public void TheAnswerRepeatsTheOffersTiming()
    {
        var offer = SdpVectors.ParseText("v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=3034423619 3042462419\r\nm=audio 5000 RTP/AVP 0\r\n");

        var answer = Answer(offer).Answer!;

        Assert.That(answer.Timings.Single(), Is.EqualTo(offer.Timings.Single()));
    }

    [Test]
    public void AnsweringTheSameOfferAgainKeepsTheVersionAndAChangeBumpsIt()
    {
        var origin = NewOrigin();
        var offer = SdpVectors.Parse("baresip-1.0.0-invite.sdp");
        var hold = SdpVectors.ParseText(SdpVectors.Text("baresip-1.0.0-invite.sdp").Replace("a=sendrecv", "a=sendonly", StringComparison.Ordinal));

        var first = SdpOfferAnswer.CreateAnswer(offer, SdpMediaCapabilities.Default, Relay, origin).Answer!;
        var refresh = SdpOfferAnswer.CreateAnswer(offer, SdpMediaCapabilities.Default, Relay, origin).Answer!;
        var held = SdpOfferAnswer.CreateAnswer(hold, SdpMediaCapabilities.Default, Relay, origin).Answer!;
        var resumed = SdpOfferAnswer.CreateAnswer(offer, SdpMediaCapabilities.Default, Relay, origin).Answer!;

        Assert.That(new[] { first, refresh, held, resumed }.Select(a => a.Origin.SessionVersion), Is.EqualTo(new ulong[] { 1, 1, 2, 3 }));
        Assert.That(new[] { first, refresh, held, resumed }.Select(a => a.Origin.SessionId).Distinct(), Is.EqualTo(new[] { "4242" }));
    }
}
