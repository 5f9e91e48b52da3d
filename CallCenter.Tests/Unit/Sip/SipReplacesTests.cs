using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

/// <summary>RFC 3891 §6.1's Replaces grammar, as a header value and as the unescaped header of a Refer-To URI.</summary>
public sealed class SipReplacesTests
{
    [Test]
    public void TheRfc3891ExampleIsRead()
    {
        // RFC 3891 §6.1's example.
        Assert.That(SipReplaces.TryParse("98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff", out var replaces, out var reason), Is.True, reason);

        Assert.That(replaces!.CallId, Is.EqualTo("98732@sip.example.com"));
        Assert.That(replaces.FromTag, Is.EqualTo("r33th4x0r"));
        Assert.That(replaces.ToTag, Is.EqualTo("ff87ff"));
        Assert.That(replaces.EarlyOnly, Is.False);
    }

    [Test]
    public void EarlyOnlyAndUnknownParametersAreAcceptedWithSpacesAroundSemicolons()
    {
        Assert.That(SipReplaces.TryParse("abc ; to-tag=1 ; early-only ; from-tag=2;x-extra=y", out var replaces, out var reason), Is.True, reason);

        Assert.That(replaces, Is.EqualTo(new SipReplaces("abc", "1", "2", EarlyOnly: true)));
    }

    [Test]
    public void TheReplacesOfAReferToUriIsReadAfterUnescaping()
    {
        Assert.That(SipUri.TryParse("sip:3000@pbx.example?Replaces=12345%40host%3Bto-tag%3Dabc%3Bfrom-tag%3Ddef", out var uri), Is.True);
        var header = uri!.Headers.Single(h => h.Name == "Replaces");

        Assert.That(SipReplaces.TryParse(header.Value, out var replaces, out var reason), Is.True, reason);
        Assert.That(replaces, Is.EqualTo(new SipReplaces("12345@host", "abc", "def", false)));
    }

    [TestCase("", "empty")]
    [TestCase("abc;to-tag=1", "from-tag")]
    [TestCase("abc;from-tag=2", "to-tag")]
    [TestCase("abc;to-tag=1;to-tag=3;from-tag=2", "exactly one")]
    [TestCase("abc;to-tag=;from-tag=2", "token")]
    [TestCase("a b;to-tag=1;from-tag=2", "Call-ID")]
    [TestCase("a@b@c;to-tag=1;from-tag=2", "Call-ID")]
    [TestCase(";to-tag=1;from-tag=2", "Call-ID")]
    [TestCase("abc;to-tag=1;from-tag=<2>", "parameter")]
    public void AMalformedReplacesIsRefusedWithAReason(string text, string expected)
    {
        Assert.That(SipReplaces.TryParse(text, out var replaces, out var reason), Is.False);
        Assert.That(replaces, Is.Null);
        Assert.That(reason, Does.Contain(expected).IgnoreCase);
    }
}
