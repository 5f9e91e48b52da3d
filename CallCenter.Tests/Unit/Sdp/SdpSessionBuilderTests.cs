using System.Net;
using CallCenter.Core.Sdp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Sdp;

public sealed class SdpSessionBuilderTests
{
    [Test]
    public void ADerivedDescriptionChangesWhatWasAskedAndLeavesTheParsedOneAlone()
    {
        var received = SdpVectors.Parse("baresip-1.0.0-invite.sdp");
        var before = received.ToString();

        var builder = received.ToBuilder()
            .SetOriginVersion(received.Origin.SessionVersion + 1)
            .SetConnection(IPAddress.Parse("10.0.0.1"));
        builder.Media[0]
            .SetPort(40000)
            .RetainFormats(f => f is "0" or "8" or "101")
            .SetDirection(SdpDirection.SendOnly);
        var derived = builder.Build();

        Assert.That(received.ToString(), Is.EqualTo(before), "the parsed description is immutable");
        Assert.That(derived.Origin.SessionVersion, Is.EqualTo(1418861941UL));
        Assert.That(derived.Connection, Is.EqualTo(new SdpConnection("IN", "IP4", "10.0.0.1")));
        Assert.That(derived.Media[0].Port, Is.EqualTo(40000));
        Assert.That(derived.Media[0].Formats, Is.EqualTo(new[] { "0", "8", "101" }));
        Assert.That(derived.Media[0].Direction, Is.EqualTo(SdpDirection.SendOnly));
        Assert.That(
            derived.ToString(),
            Is.EqualTo(
                "v=0\r\no=- 1130339959 1418861941 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\na=tool:baresip 1.0.0\r\n"
                + "m=audio 40000 RTP/AVP 0 8 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
                + "a=sendonly\r\na=label:1\r\na=rtcp-rsize\r\na=ssrc:2091137817 cname:sip:1001@127.0.0.1:35070\r\na=minptime:20\r\na=ptime:20\r\n"),
            "the rtpmap and fmtp of dropped formats go, the direction keeps its place");
    }

    [Test]
    public void BuildingFromAParsedDescriptionUnchangedGivesItBack()
    {
        foreach (var file in new[] { "baresip-1.0.0-invite.sdp", "baresip-1.0.0-hold-reinvite.sdp", "polycom-shaped-offer.sdp", "yealink-shaped-offer.sdp" })
        {
            var parsed = SdpVectors.Parse(file);
            Assert.That(parsed.ToBuilder().Build().ToString(), Is.EqualTo(parsed.ToString()), file);
        }
    }

    [Test]
    public void ANewDescriptionHasTheMandatoryLines()
    {
        var builder = SdpSessionBuilder.Create(new SdpOrigin("-", "42", 7, "IN", "IP6", "2001:db8::5")).SetConnection(IPAddress.Parse("2001:db8::5"));
        builder.AddMedia("audio", 30000, "RTP/AVP", ["0", "101"])
            .SetRtpMap(new SdpRtpMap(0, "PCMU", 8000))
            .SetRtpMap(new SdpRtpMap(101, "telephone-event", 8000))
            .SetFormatParameters("101", "0-16")
            .SetPacketTime(TimeSpan.FromMilliseconds(20))
            .SetRtcp(new SdpRtcpAttribute(30001, null))
            .SetDirection(SdpDirection.SendRecv);

        var text = builder.Build().ToString();

        Assert.That(
            text,
            Is.EqualTo(
                "v=0\r\no=- 42 7 IN IP6 2001:db8::5\r\ns=-\r\nc=IN IP6 2001:db8::5\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=rtcp:30001\r\na=sendrecv\r\n"));
        Assert.That(SdpVectors.ParseText(text).ToString(), Is.EqualTo(text));
    }

    [Test]
    public void SettingAnAttributeTwiceReplacesItInPlace()
    {
        var builder = SdpVectors.Parse("baresip-1.0.0-invite.sdp").ToBuilder();
        builder.Media[0].SetPacketTime(TimeSpan.FromMilliseconds(30)).SetRtpMap(new SdpRtpMap(8, "PCMA", 8000)).SetFormatParameters("101", "0-11,16");

        var media = builder.Build().Media[0];

        Assert.That(media.PacketTime, Is.EqualTo(TimeSpan.FromMilliseconds(30)));
        Assert.That(media.Attributes.Count(a => a.Name == "ptime"), Is.EqualTo(1));
        Assert.That(media.Attributes[^1], Is.EqualTo(new SdpAttribute("ptime", "30")));
        Assert.That(media.GetFormatParameters(101), Is.EqualTo("0-11,16"));
        Assert.That(media.Attributes.Count(a => a.Name == "rtpmap" && a.Value!.StartsWith("8 ", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public void SessionLevelDirectionCanBeSetAndRemoved()
    {
        var polycom = SdpVectors.Parse("polycom-shaped-offer.sdp");

        var held = polycom.ToBuilder().SetDirection(SdpDirection.Inactive).Build();
        var cleared = polycom.ToBuilder().SetDirection(null).Build();

        Assert.That(polycom.Direction, Is.EqualTo(SdpDirection.SendRecv));
        Assert.That(held.Direction, Is.EqualTo(SdpDirection.Inactive));
        Assert.That(held.Attributes.Count(a => a.Name is "sendrecv" or "inactive"), Is.EqualTo(1));
        Assert.That(cleared.Direction, Is.Null);
        Assert.That(cleared.GetDirection(cleared.Media[0]), Is.EqualTo(SdpDirection.SendRecv));
    }

    [Test]
    public void RejectingAStreamLeavesPortZeroAndOneFormat()
    {
        var builder = SdpVectors.Parse("yealink-shaped-offer.sdp").ToBuilder();
        builder.Media[0].Reject();

        var media = builder.Build().Media[0];

        Assert.That(media.Port, Is.Zero);
        Assert.That(media.Formats, Is.EqualTo(new[] { "9" }));
        Assert.That(media.Attributes, Is.Empty);
    }

    [Test]
    public void ValuesNoValidSdpCouldCarryAreRefused()
    {
        var builder = SdpVectors.Parse("baresip-1.0.0-invite.sdp").ToBuilder();
        var media = builder.Media[0];

        Assert.That(() => builder.SetSessionName("a\r\nm=video 1 RTP/AVP 31"), Throws.ArgumentException);
        Assert.That(() => builder.AddAttribute("bad name"), Throws.ArgumentException);
        Assert.That(() => builder.AddAttribute("x", "line\nbreak"), Throws.ArgumentException);
        Assert.That(() => builder.SetConnection(new SdpConnection("IN", "IP4", "300.1.1.1")), Throws.ArgumentException);
        Assert.That(() => builder.SetOrigin(builder.Origin with { SessionId = "12a" }), Throws.ArgumentException);
        Assert.That(() => builder.SetOrigin(builder.Origin with { UserName = "two words" }), Throws.ArgumentException);
        Assert.That(() => media.SetPort(65536), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => media.SetFormats(Array.Empty<string>()), Throws.ArgumentException);
        Assert.That(() => media.SetFormats(["128"]), Throws.ArgumentException);
        Assert.That(() => media.SetProtocol("RTP//AVP"), Throws.ArgumentException);
        Assert.That(() => media.SetPacketTime(TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => builder.AddMedia("audio", 5000, "RTP/AVP", ["0"]).SetConnection(null).SetPort(5000), Throws.Nothing);
        Assert.That(builder.SetConnection((SdpConnection?)null).Build, Throws.InvalidOperationException, "a live stream with no address anywhere");
    }
}
