using System.Net;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

public sealed class SipViaStampTests
{
    private static SipVia Via(string text) => SipVia.TryParse(text, out var via) ? via : throw new AssertionException($"bad via {text}");

    [Test]
    public void BareRportGetsThePortAndReceivedAlways()
    {
        // RFC 3581 §4 example: the client behind NAT asked with ;rport from 10.1.1.1:4540, seen as 192.0.2.1:9988.
        var stamped = SipViaStamp.Stamp(Via("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff"), new IPEndPoint(IPAddress.Parse("192.0.2.1"), 9988));
        Assert.That(stamped, Is.EqualTo("SIP/2.0/UDP 10.1.1.1:4540;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1"));
    }

    [Test]
    public void ReceivedIsAddedOnlyWhenTheSentByHostIsNotTheSource()
    {
        var source = new IPEndPoint(IPAddress.Parse("192.0.2.4"), 5060);
        Assert.That(SipViaStamp.Stamp(Via("SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1"), source), Is.EqualTo("SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1"));
        Assert.That(SipViaStamp.Stamp(Via("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1"), source), Is.EqualTo("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=192.0.2.4"));
    }

    [Test]
    public void AForgedReceivedIsReplacedAndIPv6SourcesAreWrittenBare()
    {
        var stamped = SipViaStamp.Stamp(Via("SIP/2.0/TCP [2001:db8::9]:5060;branch=z9hG4bK2;received=6.6.6.6;rport"), new IPEndPoint(IPAddress.Parse("2001:db8::10"), 40000));
        Assert.That(stamped, Is.EqualTo("SIP/2.0/TCP [2001:db8::9]:5060;branch=z9hG4bK2;rport=40000;received=2001:db8::10"));
    }

    [Test]
    public void IPv4MappedSourcesAreWrittenAsIPv4()
    {
        var stamped = SipViaStamp.Stamp(Via("SIP/2.0/UDP host.example;branch=z9hG4bK3"), new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.7"), 5060));
        Assert.That(stamped, Does.EndWith(";received=192.0.2.7"));
    }
}
