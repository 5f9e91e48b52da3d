using CallCenter.Core.Sdp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Sdp;

public sealed class SdpHoldTests
{
    private static SdpSessionDescription Describe(string sessionConnection, string sessionAttributes, string mediaConnection, string mediaAttributes) =>
        SdpVectors.ParseText(
            "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
            + (sessionConnection.Length > 0 ? "c=IN IP4 " + sessionConnection + "\r\n" : string.Empty)
            + "t=0 0\r\n" + sessionAttributes
            + "m=audio 4000 RTP/AVP 0\r\n"
            + (mediaConnection.Length > 0 ? "c=IN IP4 " + mediaConnection + "\r\n" : string.Empty)
            + mediaAttributes);

    [TestCase("192.0.2.1", "", "", "", SdpHoldKind.None, TestName = "Nothing said: sendrecv, not held")]
    [TestCase("192.0.2.1", "", "", "a=sendonly\r\n", SdpHoldKind.SendOnly, TestName = "Media-level sendonly")]
    [TestCase("192.0.2.1", "", "", "a=inactive\r\n", SdpHoldKind.Inactive, TestName = "Media-level inactive")]
    [TestCase("192.0.2.1", "", "", "a=recvonly\r\n", SdpHoldKind.None, TestName = "Recvonly is not hold")]
    [TestCase("192.0.2.1", "a=sendonly\r\n", "", "", SdpHoldKind.SendOnly, TestName = "Session-level sendonly applies to a stream without its own")]
    [TestCase("192.0.2.1", "a=sendonly\r\n", "", "a=sendrecv\r\n", SdpHoldKind.None, TestName = "Media-level sendrecv beats session-level sendonly")]
    [TestCase("192.0.2.1", "a=sendrecv\r\n", "", "a=inactive\r\n", SdpHoldKind.Inactive, TestName = "Media-level inactive beats session-level sendrecv")]
    [TestCase("0.0.0.0", "", "", "", SdpHoldKind.NullConnection, TestName = "RFC 2543 hold: session-level c=0.0.0.0")]
    [TestCase("192.0.2.1", "", "0.0.0.0", "", SdpHoldKind.NullConnection, TestName = "RFC 2543 hold: media-level c=0.0.0.0")]
    [TestCase("0.0.0.0", "", "192.0.2.7", "", SdpHoldKind.None, TestName = "Media-level address beats session-level 0.0.0.0")]
    [TestCase("", "", "0.0.0.0", "", SdpHoldKind.NullConnection, TestName = "Media-level 0.0.0.0 with no session-level c=")]
    [TestCase("0.0.0.0", "", "", "a=sendonly\r\n", SdpHoldKind.SendOnly, TestName = "Both forms at once report the attribute")]
    public void HoldIsDetectedInBothFormsWithMediaLevelPrecedence(string sessionConnection, string sessionAttributes, string mediaConnection, string mediaAttributes, SdpHoldKind expected)
    {
        var sdp = Describe(sessionConnection, sessionAttributes, mediaConnection, mediaAttributes);

        Assert.That(SdpHold.Detect(sdp, sdp.Media[0]), Is.EqualTo(expected));
        Assert.That(SdpHold.Detect(sdp), Is.EqualTo(expected));
        Assert.That(SdpHold.IsHold(sdp), Is.EqualTo(expected != SdpHoldKind.None));
    }

    [Test]
    public void ARejectedStreamIsNotHeldAndTheFirstLiveAudioStreamDecides()
    {
        var sdp = SdpVectors.ParseText(
            "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 0 RTP/AVP 0\r\na=inactive\r\nm=video 5000 RTP/AVP 31\r\na=sendonly\r\nm=audio 4000 RTP/AVP 8\r\na=sendonly\r\n");

        Assert.That(SdpHold.Detect(sdp, sdp.Media[0]), Is.EqualTo(SdpHoldKind.None));
        Assert.That(SdpHold.Detect(sdp), Is.EqualTo(SdpHoldKind.SendOnly), "the third m= line, not the video");
    }

    [Test]
    public void Ipv6UnspecifiedAddressCountsAsTheNullForm()
    {
        var sdp = SdpVectors.ParseText("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n");

        Assert.That(SdpHold.Detect(sdp), Is.EqualTo(SdpHoldKind.NullConnection));
        Assert.That(sdp.GetRtpEndpoint(sdp.Media[0]), Is.Null);
    }

    [Test]
    public void RealAndRfcHoldsAreRecognised()
    {
        Assert.That(SdpHold.Detect(SdpVectors.Parse("baresip-1.0.0-hold-reinvite.sdp")), Is.EqualTo(SdpHoldKind.SendOnly));
        Assert.That(SdpHold.Detect(SdpVectors.Parse("baresip-1.0.0-invite.sdp")), Is.EqualTo(SdpHoldKind.None));
        Assert.That(SdpHold.Detect(SdpVectors.ParseText(SdpVectors.Find("rfc4317.txt", "5.2", "Offer").Text)), Is.EqualTo(SdpHoldKind.NullConnection));
        Assert.That(SdpHold.Detect(SdpVectors.ParseText(SdpVectors.Find("rfc4317.txt", "5.2", "Second-Offer").Text)), Is.EqualTo(SdpHoldKind.None));
        Assert.That(SdpHold.Detect(SdpVectors.ParseText(SdpVectors.Find("rfc4317.txt", "3.1", "Answer").Text)), Is.EqualTo(SdpHoldKind.SendOnly));
        Assert.That(SdpHold.Detect(SdpVectors.ParseText(SdpVectors.Find("rfc4317.txt", "3.2", "Second-Offer").Text)), Is.EqualTo(SdpHoldKind.SendOnly));
        Assert.That(SdpHold.Detect(SdpVectors.ParseText(SdpVectors.Find("rfc3264-section10.txt", "10.2", "Offer").Text)), Is.EqualTo(SdpHoldKind.Inactive));
    }

    [Test]
    public void DirectionArithmeticFollowsRfc3264()
    {
        Assert.That(SdpDirection.SendOnly.Reverse(), Is.EqualTo(SdpDirection.RecvOnly));
        Assert.That(SdpDirection.RecvOnly.Reverse(), Is.EqualTo(SdpDirection.SendOnly));
        Assert.That(SdpDirection.Inactive.Reverse(), Is.EqualTo(SdpDirection.Inactive));
        Assert.That(SdpDirection.SendRecv.Reverse(), Is.EqualTo(SdpDirection.SendRecv));
        Assert.That(SdpDirection.RecvOnly.Intersect(SdpDirection.SendOnly), Is.EqualTo(SdpDirection.Inactive));
        Assert.That(SdpDirection.SendRecv.Intersect(SdpDirection.SendOnly), Is.EqualTo(SdpDirection.SendOnly));
        Assert.That(SdpDirection.SendRecv.WithoutSend(), Is.EqualTo(SdpDirection.RecvOnly));
        Assert.That(SdpDirection.SendOnly.WithoutReceive(), Is.EqualTo(SdpDirection.SendOnly));
        Assert.That(SdpDirection.RecvOnly.WithoutReceive(), Is.EqualTo(SdpDirection.Inactive));
    }
}
