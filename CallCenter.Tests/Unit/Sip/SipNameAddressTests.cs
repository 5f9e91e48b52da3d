using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

public sealed class SipNameAddressTests
{
    [Test]
    public void QuotedDisplayNameWithEscapesAndParameters()
    {
        Assert.That(SipNameAddress.TryParse("\"A \\\"quoted\\\" name\" <sip:a@example.com;transport=udp> ; tag = 88 ;expires=3600;q=0.5", out var value), Is.True);
        Assert.That(value!.DisplayName, Is.EqualTo("A \"quoted\" name"));
        Assert.That(value.Uri!.Transport, Is.EqualTo("udp"));
        Assert.That(value.Tag, Is.EqualTo("88"));
        Assert.That(value.Expires, Is.EqualTo(3600u));
        Assert.That(value.Q, Is.EqualTo(0.5));
        Assert.That(value.IsBracketed, Is.True);
    }

    [Test]
    public void AddrSpecParametersBelongToTheHeader()
    {
        Assert.That(SipNameAddress.TryParse("sip:a@example.com;tag=x;transport=tcp", out var value), Is.True);
        Assert.That(value!.Uri!.Parameters, Is.Empty);
        Assert.That(value.Tag, Is.EqualTo("x"));
        Assert.That(value.GetParameter("transport"), Is.EqualTo("tcp"));
    }

    [Test]
    public void WildcardContact()
    {
        Assert.That(SipNameAddress.TryParse(" * ", out var value), Is.True);
        Assert.That(value!.IsWildcard, Is.True);
    }

    [TestCase("\"unterminated <sip:a@example.com>")]
    [TestCase("Bell, Alexander <sip:a@example.com>")]
    [TestCase("< sip:a@example.com >")]
    [TestCase("<sip:a@example.com")]
    [TestCase("sip:a@example.com?Route=x")]
    [TestCase("<sip:a@example.com>;;")]
    [TestCase("")]
    public void RefusesMalformedValues(string text)
    {
        Assert.That(SipNameAddress.TryParse(text, out _, out var reason), Is.False);
        Assert.That(reason, Is.Not.Empty);
    }

    [Test]
    public void WithParameterReturnsACopy()
    {
        Assert.That(SipNameAddress.TryParse("Bob <sip:bob@example.com>", out var original), Is.True);
        var tagged = original!.WithParameter("tag", "abc");
        Assert.That(tagged.Tag, Is.EqualTo("abc"));
        Assert.That(tagged.ToString(), Is.EqualTo("\"Bob\" <sip:bob@example.com>;tag=abc"));
        Assert.That(original.Tag, Is.Null);
    }
}
