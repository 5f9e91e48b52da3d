using System.Text;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>The scan that lets a retransmission be absorbed before the parser: it must read the key exactly as the
/// parser does when it answers true, and answer false for everything it is not sure of.</summary>
public sealed class SipRetransmissionScannerTests
{
    private const string Register =
        "REGISTER sip:callcenter.local SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-77a;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:1000@callcenter.local>;tag=a\r\n" +
        "To: <sip:1000@callcenter.local>\r\n" +
        "Call-ID: c1@192.0.2.10\r\n" +
        "CSeq: 2 REGISTER\r\n" +
        "Content-Length: 0\r\n\r\n";

    [TestCase(Register)]
    [TestCase("\r\n" + Register)]
    [TestCase("OPTIONS sip:x SIP/2.0\r\nv: SIP/2.0/UDP Phone.Example;rport;BRANCH=z9hG4bKopt1\r\ncseq:   9   OPTIONS\r\nCall-ID: o\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nContent-Length: 0\r\n\r\n")]
    [TestCase("BYE sip:x SIP/2.0\r\nVIA : SIP/2.0/UDP 192.0.2.1:5060 ;branch=z9hG4bKbye ;received=1.2.3.4, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKother\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKthird\r\nCSeq: 3 BYE\r\nCall-ID: b\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>;tag=2\r\nContent-Length: 0\r\n\r\n")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP [2001:DB8::10]:5062;branch=z9hG4bKv6\r\nCSeq: 1 REGISTER\r\nCall-ID: r\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nContent-Length: 0\r\n\r\n")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/TCP PBX.Example.COM:5060;branch=z9hG4bKcase\r\nCSeq: 1 REGISTER\r\nCall-ID: r\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nContent-Length: 0\r\n\r\n")]
    public void TheKeyReadFromTheBytesIsTheKeyTheParserGives(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.That(SipMessageParser.TryParse(bytes, out var parsed, out _), Is.True);
        var request = (SipRequest)parsed!;
        var via = request.TopVia!;

        Assert.That(SipRetransmissionScanner.TryScan(bytes, out var method, out var branch, out var sentBy), Is.True);
        Assert.That(method, Is.EqualTo(request.Method));
        Assert.That(Encoding.ASCII.GetString(branch), Is.EqualTo(via.Branch));
        Assert.That(
            CompletedTransactions.KeyOf(branch, sentBy, method),
            Is.EqualTo(CompletedTransactions.KeyOf(via.Branch!, via.SentBy, request.Method)));
    }

    [TestCase("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 REGISTER\r\n\r\n", TestName = "a response")]
    [TestCase("INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 INVITE\r\n\r\n", TestName = "an INVITE")]
    [TestCase("ACK sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 ACK\r\n\r\n", TestName = "an ACK")]
    [TestCase("FOO sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 FOO\r\n\r\n", TestName = "an unknown method")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\n\r\n", TestName = "a CSeq method that is not the request's")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=1234\r\nCSeq: 1 REGISTER\r\n\r\n", TestName = "an RFC 2543 branch")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 REGISTER\r\n\r\n", TestName = "no branch")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;\r\n branch=z9hG4bK1\r\nCSeq: 1 REGISTER\r\n\r\n", TestName = "a folded line")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 REGISTER\r\n", TestName = "no end of the headers")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nCSeq: 1 REGISTER\r\n\r\n", TestName = "no Via")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", TestName = "no CSeq")]
    [TestCase("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP hé;branch=z9hG4bK1\r\nCSeq: 1 REGISTER\r\n\r\n", TestName = "a non-ASCII byte")]
    [TestCase("", TestName = "nothing")]
    [TestCase("\r\n\r\n", TestName = "only CRLFs")]
    public void WhatItIsNotSureOfGoesToTheParser(string text)
    {
        Assert.That(SipRetransmissionScanner.TryScan(Encoding.UTF8.GetBytes(text), out _, out _, out _), Is.False);
    }

    [Test]
    public void EveryPrefixOfARequestIsScannedWithoutAnException()
    {
        // Garbage and truncated datagrams reach the scan before the parser.
        var bytes = Encoding.ASCII.GetBytes(Register);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.DoesNotThrow(() => SipRetransmissionScanner.TryScan(bytes.AsSpan(0, length), out _, out _, out _));
        }

        Assert.That(SipRetransmissionScanner.TryScan(bytes, out _, out _, out _), Is.True);
    }
}
