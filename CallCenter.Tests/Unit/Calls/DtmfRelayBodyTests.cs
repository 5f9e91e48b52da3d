using System.Text;
using CallCenter.Core.Calls;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>SIP INFO application/dtmf-relay bodies as phones send them.</summary>
public sealed class DtmfRelayBodyTests
{
    [TestCase("Signal=5\r\nDuration=160\r\n", '5')]
    [TestCase("Duration=250\nSignal= #\n", '#')]
    [TestCase("signal=*\r\n", '*')]
    [TestCase("Signal=a\r\nDuration=100", 'A')]
    public void TheSignalLineGivesTheDigit(string body, char expected)
    {
        Assert.That(DtmfRelayBody.TryReadSignal(Encoding.ASCII.GetBytes(body), out var digit), Is.True);
        Assert.That(digit, Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("Duration=160\r\n")]
    [TestCase("Signal=\r\n")]
    [TestCase("Signal=12\r\n")]
    [TestCase("Signal=x\r\n")]
    [TestCase("garbage without equals")]
    public void AnythingElseIsNotADigit(string body) =>
        Assert.That(DtmfRelayBody.TryReadSignal(Encoding.ASCII.GetBytes(body), out _), Is.False);
}
