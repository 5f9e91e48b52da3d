using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

public sealed class SipUriTests
{
    // RFC 3261 §19.1.4: pairs that are equivalent.
    [TestCase("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp")]
    [TestCase("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5")]
    [TestCase("sip:carol@chicago.com", "sip:carol@chicago.com;security=on")]
    [TestCase("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on")]
    [TestCase("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com", "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com")]
    [TestCase("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x")]
    public void EquivalentUrisMatch(string a, string b)
    {
        Assert.That(SipUri.Parse(a).Matches(SipUri.Parse(b)), Is.True);
        Assert.That(SipUri.Parse(b).Matches(SipUri.Parse(a)), Is.True);
        Assert.That(SipUri.Parse(a).GetHashCode(), Is.EqualTo(SipUri.Parse(b).GetHashCode()));
    }

    // RFC 3261 §19.1.4: pairs that are not equivalent.
    [TestCase("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP")]
    [TestCase("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060")]
    [TestCase("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp")]
    [TestCase("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp")]
    [TestCase("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting")]
    [TestCase("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4")]
    [TestCase("sip:alice@atlanta.com", "sips:alice@atlanta.com")]
    public void DifferentUrisDoNotMatch(string a, string b)
    {
        Assert.That(SipUri.Parse(a).Matches(SipUri.Parse(b)), Is.False);
        Assert.That(SipUri.Parse(b).Matches(SipUri.Parse(a)), Is.False);
    }

    [Test]
    public void ParsesEveryComponent()
    {
        var uri = SipUri.Parse("sips:al%20ice:secret@[2001:db8::1]:5061;transport=tls;lr;maddr=239.255.255.1?Subject=hi%20there&Priority=urgent");
        Assert.Multiple(() =>
        {
            Assert.That(uri.Scheme, Is.EqualTo("sips"));
            Assert.That(uri.IsSecure, Is.True);
            Assert.That(uri.User, Is.EqualTo("al ice"));
            Assert.That(uri.UserRaw, Is.EqualTo("al%20ice"));
            Assert.That(uri.Password, Is.EqualTo("secret"));
            Assert.That(uri.Host, Is.EqualTo("[2001:db8::1]"));
            Assert.That(uri.IsIpLiteral, Is.True);
            Assert.That(uri.Port, Is.EqualTo(5061));
            Assert.That(uri.Transport, Is.EqualTo("tls"));
            Assert.That(uri.IsLooseRouter, Is.True);
            Assert.That(uri.MAddr, Is.EqualTo("239.255.255.1"));
            Assert.That(uri.Headers, Is.EqualTo(new[] { new SipParameter("Subject", "hi there"), new SipParameter("Priority", "urgent") }));
            Assert.That(uri.ToString(), Is.EqualTo("sips:al%20ice:secret@[2001:db8::1]:5061;transport=tls;lr;maddr=239.255.255.1?Subject=hi%20there&Priority=urgent"));
        });
    }

    [Test]
    public void ParsesTelUri()
    {
        var uri = SipUri.Parse("tel:+1-201-555-0123;phone-context=example.com");
        Assert.That(uri.IsTel, Is.True);
        Assert.That(uri.User, Is.EqualTo("+1-201-555-0123"));
        Assert.That(uri.GetParameter("phone-context"), Is.EqualTo("example.com"));
    }

    [TestCase("", "empty URI")]
    [TestCase("alice@atlanta.com", "missing scheme")]
    [TestCase("sip:alice@", "malformed host")]
    [TestCase("sip:alice@atlanta.com:99999", "malformed port")]
    [TestCase("sip:alice@[::zz]", "malformed IPv6 reference")]
    [TestCase("sip:al ice@atlanta.com", "malformed user part")]
    [TestCase("sip:alice@atlanta.com;=x", "malformed uri-parameter")]
    [TestCase("sip:alice@atlanta.com?novalue", "malformed URI header")]
    [TestCase("sip:al%zzice@atlanta.com", "malformed user part")]
    public void RefusesMalformedUrisWithAReason(string text, string reason)
    {
        Assert.That(SipUri.TryParse(text, out _, out var why), Is.False);
        Assert.That(why, Is.EqualTo(reason));
    }

    [Test]
    public void EscapingRoundTripsThroughCreate()
    {
        var uri = SipUri.Create("sip", "joe smith@home", "example.com", 5070, [new SipParameter("transport", "tcp")]);
        Assert.That(uri.ToString(), Is.EqualTo("sip:joe%20smith%40home@example.com:5070;transport=tcp"));
        Assert.That(uri.User, Is.EqualTo("joe smith@home"));
        Assert.That(SipSyntax.Unescape("%41%42c"), Is.EqualTo("ABc"));
    }
}
