using System.Net;
using CallCenter.Core.Sdp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Sdp;

// RFC 3264 §8: our o= per leg keeps its session id; its version moves by one with every changed description
// and stays with an unchanged one.
public sealed class SdpSessionVersionTests
{
    private static SdpSessionDescription Body(int port, string direction = "sendrecv") =>
        SdpVectors.ParseText($"v=0\r\no=x 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP 0\r\na={direction}\r\n");

    [Test]
    public void TheFirstDescriptionCarriesTheInitialVersionAndOurOrigin()
    {
        var version = new SdpSessionVersion("10.0.0.1", "3724394400", 3724394400);

        var stamped = version.Stamp(Body(40000));

        Assert.That(stamped.Origin, Is.EqualTo(new SdpOrigin("-", "3724394400", 3724394400, "IN", "IP4", "10.0.0.1")));
        Assert.That(stamped.ToString(), Does.StartWith("v=0\r\no=- 3724394400 3724394400 IN IP4 10.0.0.1\r\n"));
        Assert.That(version.Last, Is.SameAs(stamped));
    }

    [Test]
    public void TheVersionMovesOnlyWhenTheContentDoes()
    {
        var version = new SdpSessionVersion("10.0.0.1", "55", 1);

        var versions = new[]
        {
            version.Stamp(Body(40000)),
            version.Stamp(Body(40000)),
            version.Stamp(Body(40000, "sendonly")),
            version.Stamp(Body(40000, "sendonly")),
            version.Stamp(Body(40002, "sendonly")),
            version.Stamp(Body(40002, "sendonly"), forceNewVersion: true),
            version.Stamp(Body(40000)),
        }.Select(d => d.Origin.SessionVersion);

        Assert.That(versions, Is.EqualTo(new ulong[] { 1, 1, 2, 2, 3, 4, 5 }));
        Assert.That(version.Origin.SessionVersion, Is.EqualTo(5UL));
    }

    [Test]
    public void AnUnchangedDescriptionIsTheSameOneAsBefore()
    {
        var version = new SdpSessionVersion("10.0.0.1", "55", 1);
        var first = version.Stamp(Body(40000));

        Assert.That(version.Stamp(Body(40000)), Is.SameAs(first));
    }

    [Test]
    public void TheRemoteOriginNeverLeaksIntoOurs()
    {
        var version = new SdpSessionVersion("10.0.0.1", "55", 1);

        var stamped = version.Stamp(SdpVectors.Parse("baresip-1.0.0-invite.sdp"));

        Assert.That(stamped.Origin.SessionId, Is.EqualTo("55"));
        Assert.That(stamped.Origin.Address, Is.EqualTo("10.0.0.1"));
        Assert.That(stamped.Media[0].Port, Is.EqualTo(35894), "the rest is untouched");
    }

    [Test]
    public void CreatedSessionIdsAreNumbersThatFitASigned64BitInteger()
    {
        var first = SdpSessionVersion.Create(IPAddress.Parse("10.0.0.1"));
        var second = SdpSessionVersion.Create(IPAddress.Parse("2001:db8::1"));

        Assert.That(long.TryParse(first.Origin.SessionId, out var id), Is.True);
        Assert.That(id, Is.Positive);
        Assert.That(first.Origin.SessionId, Is.Not.EqualTo(second.Origin.SessionId));
        Assert.That(first.Origin.SessionVersion, Is.EqualTo(1UL));
        Assert.That(second.Origin.AddressType, Is.EqualTo("IP6"));
    }

    [Test]
    public void BadOriginPartsAreRefused()
    {
        Assert.That(() => new SdpSessionVersion("10.0.0.1", "x1", 1), Throws.ArgumentException);
        Assert.That(() => new SdpSessionVersion("10.0.0.256", "1", 1), Throws.ArgumentException);
        Assert.That(() => new SdpSessionVersion("10.0.0.1", "1", 1, "a b"), Throws.ArgumentException);
    }
}
