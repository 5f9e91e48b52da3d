using System.Net;
using System.Text;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

/// <summary>
/// BuildOutgoingResponse serializes a response for a server transaction without parsing it back. What it must keep
/// from BuildResponse: the same octets, the same status and To tag, and a refusal in exactly the cases where the
/// parse would have refused the message.
/// </summary>
public sealed class SipOutgoingResponseTests
{
    private static readonly string TwoViaLines = SipTestMessages.Invite.Replace(
        "Max-Forwards: 70\r\n", "Via: SIP/2.0/TCP p.example.com;branch=z9hG4bKp\r\n", StringComparison.Ordinal);

    private static readonly string SharedViaLine = SipTestMessages.Invite.Replace(
        ";rport\r\n", ";rport, SIP/2.0/TCP p.example.com;branch=z9hG4bKp\r\n", StringComparison.Ordinal);

    // From and To above the Via: a response starts with the Via again once its top Via is stamped.
    private static readonly string ViaAfterFrom =
        "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Content-Length: 0\r\n\r\n";

    private static readonly IPEndPoint Source = new(IPAddress.Parse("198.51.100.7"), 40000);

    private static IEnumerable<TestCaseData> Builders()
    {
        var invite = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        yield return new TestCaseData(() => SipMessageBuilder.ForResponse(invite, 180, toTag: "t1")).SetName("{m}(ringing with a new tag)");
        yield return new TestCaseData(() => SipMessageBuilder.ForResponse(invite, 100)).SetName("{m}(trying, no tag)");
        yield return new TestCaseData(() => SipMessageBuilder.ForResponse(invite, 200, "Fine", "t2")
            .AddHeader("Contact", "<sip:acd@10.0.0.1>;expires=60")
            .AddHeader("m", "<sip:acd@10.0.0.2>")
            .AddHeader("X-Extension", "a, b")
            .AddHeader("Content-Length", "999")
            .SetBody("v=0\r\n"u8.ToArray(), "application/sdp")).SetName("{m}(2xx with contacts, body and a stray Content-Length)");
        var tagged = SipTestMessages.ParseRequest(SipTestMessages.Invite.Replace(
            "To: Bob <sip:bob@biloxi.example.com>", "To: Bob <sip:bob@biloxi.example.com>;tag=old", StringComparison.Ordinal));
        yield return new TestCaseData(() => SipMessageBuilder.ForResponse(tagged, 486, toTag: "new")).SetName("{m}(existing To tag kept)");
        yield return new TestCaseData(() => SipMessageBuilder.ForResponse(invite, 200, toTag: "t3").SetHeader("To", "<sip:x@example.com>;tag=rewritten"))
            .SetName("{m}(To rewritten by the caller)");
        yield return new TestCaseData(() => SipMessageBuilder.ForResponse(403).AddHeader("To", "<sip:x@example.com>;tag=z"))
            .SetName("{m}(started from a status alone)");
    }

    [TestCaseSource(nameof(Builders))]
    public void ItIsTheMessageBuildResponseWouldParse(Func<SipMessageBuilder> create)
    {
        var outgoing = create().BuildOutgoingResponse();
        var parsed = create().BuildResponse();

        Assert.Multiple(() =>
        {
            Assert.That(outgoing.Bytes.ToArray(), Is.EqualTo(create().ToBytes()));
            Assert.That(outgoing.StatusCode, Is.EqualTo(parsed.StatusCode));
            Assert.That(outgoing.ToTag, Is.EqualTo(parsed.To?.Tag));
            Assert.That(outgoing.IsProvisional, Is.EqualTo(parsed.IsProvisional));
            Assert.That(outgoing.IsSuccess, Is.EqualTo(parsed.IsSuccess));
        });
    }

    [Test]
    public void CopiedLinesAreWrittenAsTheParserReadThemUnfoldedAndAsUtf8()
    {
        // The copy is written from the request's octets when they are what GetValue would give back; a folded line
        // is unfolded and a bad UTF-8 sequence becomes U+FFFD, as when every copied value went through a string.
        var text = SipTestMessages.Invite
            .Replace("From: Alice <", "From: Alice\r\n <", StringComparison.Ordinal)
            .Replace("To: Bob <", "To: \"B\u00f6b\" <", StringComparison.Ordinal);
        var bytes = SipTestMessages.Bytes(text);
        bytes[Array.IndexOf(bytes, (byte)0xC3)] = 0xFF;
        Assert.That(SipMessageParser.TryParse(bytes, out var parsed, out var error), Is.True, () => error.ToString());

        var octets = SipMessageBuilder.ForResponse((SipRequest)parsed!, 180, toTag: "t1").BuildOutgoingResponse().Bytes.ToArray();
        var response = Encoding.UTF8.GetString(octets);

        Assert.That(octets, Does.Not.Contain((byte)0xFF), "the bad octet is not echoed as it came");
        Assert.That(response, Does.Contain("\r\nFrom: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"));
        Assert.That(response, Does.Contain("\r\nTo: \"B\ufffd\ufffdb\" <sip:bob@biloxi.example.com>;tag=t1\r\n"));
        Assert.That(response, Does.Contain("\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\n"));
    }

    [Test]
    public void RemovingTheToLineLeavesNoTag()
    {
        var invite = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        var builder = SipMessageBuilder.ForResponse(invite, 200, toTag: "t1");
        builder.RemoveHeaders("t");
        Assert.That(builder.BuildOutgoingResponse().ToTag, Is.Null);
    }

    private static IEnumerable<TestCaseData> Refused()
    {
        yield return Case("Contact", "<sip:acd@10.0.0.1");
        yield return Case("Contact", "<sip:a@b>, ");
        yield return Case("Via", "SIP/2.0/UDP");
        yield return Case("Route", "*");
        yield return Case("Record-Route", "<sip:p.example.com;lr");
        yield return Set("CSeq", "one INVITE");
        yield return Set("Call-ID", "a b");
        yield return Set("From", "*");
        yield return Set("To", "<sip:x@example.com");
        yield return Set("Max-Forwards", "256");
        yield return new TestCaseData((Action<SipMessageBuilder>)(b => b.SetStatus(200, "OK\r\nnot a header line"))).SetName("{m}(CR LF in the reason)");
        yield return new TestCaseData((Action<SipMessageBuilder>)(b =>
        {
            for (var i = 0; i < 260; i++)
            {
                b.AddHeader("X-Line", "x");
            }
        })).SetName("{m}(more than 256 lines)");
        yield return new TestCaseData((Action<SipMessageBuilder>)(b => b.SetBody(new byte[70_000], "application/octet-stream"))).SetName("{m}(too large)");

        static TestCaseData Case(string name, string value) =>
            new TestCaseData((Action<SipMessageBuilder>)(b => b.AddHeader(name, value))).SetName($"{{m}}(added {name}: {value})");

        static TestCaseData Set(string name, string value) =>
            new TestCaseData((Action<SipMessageBuilder>)(b => b.SetHeader(name, value))).SetName($"{{m}}(set {name}: {value})");
    }

    [TestCaseSource(nameof(Refused))]
    public void AMessageTheParserWouldRefuseIsRefusedToo(Action<SipMessageBuilder> spoil)
    {
        var invite = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        SipMessageBuilder Spoiled()
        {
            var builder = SipMessageBuilder.ForResponse(invite, 200, toTag: "t1");
            spoil(builder);
            return builder;
        }

        Assert.That(() => Spoiled().BuildResponse(), Throws.InvalidOperationException, "the parse refuses it");
        Assert.That(() => Spoiled().BuildOutgoingResponse(), Throws.InvalidOperationException);
    }

    [Test]
    public void AReasonPhraseThatWouldInjectAHeaderLineIsRefused()
    {
        // The parse would have taken the second line as a header of its own; a status line never holds CR or LF.
        var invite = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        var builder = SipMessageBuilder.ForResponse(invite, 200, toTag: "t1").SetStatus(200, "OK\r\nX-Injected: 1");
        Assert.That(() => builder.BuildOutgoingResponse(), Throws.InvalidOperationException);
    }

    [Test]
    public void WhatTheParserNeverReadsIsNotCheckedEither()
    {
        // The parser reads only the first To and CSeq; a malformed second one passes both ways.
        var invite = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        SipMessageBuilder Create() => SipMessageBuilder.ForResponse(invite, 200, toTag: "t1")
            .AddHeader("To", "<sip:broken")
            .AddHeader("CSeq", "not a cseq");

        Assert.That(() => Create().BuildResponse(), Throws.Nothing);
        Assert.That(Create().BuildOutgoingResponse().ToTag, Is.EqualTo("t1"));
    }

    [Test]
    public void ACopiedLineTheParserNeverReadIsCheckedOnceItComesFirst()
    {
        // The parser read only the first To of this response; the second, malformed one passed unseen. Once the
        // first is removed the second is the one a parse reads, so it is checked too.
        var text = "SIP/2.0 200 OK\r\n" +
            "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
            "From: <sip:alice@atlanta.example.com>;tag=1\r\n" +
            "To: <sip:bob@biloxi.example.com>;tag=2\r\n" +
            "To: <sip:broken\r\n" +
            "Call-ID: a84b4c76e66710\r\n" +
            "CSeq: 1 OPTIONS\r\n" +
            "Content-Length: 0\r\n\r\n";
        var parsed = SipTestMessages.Parse(text);
        SipMessageBuilder Create()
        {
            var builder = SipMessageBuilder.From(parsed);
            builder.RemoveFirstValue("To");
            return builder;
        }

        Assert.That(() => Create().BuildResponse(), Throws.InvalidOperationException, "the parse refuses it");
        Assert.That(() => Create().BuildOutgoingResponse(), Throws.InvalidOperationException);
        Assert.That(SipMessageBuilder.From(parsed).BuildOutgoingResponse().ToTag, Is.EqualTo("2"));
    }

    [Test]
    public void ATagThatIsNotATokenIsCheckedAsTheParserWould()
    {
        var invite = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        Assert.That(() => SipMessageBuilder.ForResponse(invite, 200, toTag: "a b").BuildResponse(), Throws.InvalidOperationException);
        Assert.That(() => SipMessageBuilder.ForResponse(invite, 200, toTag: "a b").BuildOutgoingResponse(), Throws.InvalidOperationException);
        Assert.That(SipMessageBuilder.ForResponse(invite, 200, toTag: "a:b").BuildOutgoingResponse().ToTag,
            Is.EqualTo(SipMessageBuilder.ForResponse(invite, 200, toTag: "a:b").BuildResponse().To!.Tag));
    }

    [TestCase(nameof(SipTestMessages.Invite))]
    [TestCase(nameof(TwoViaLines))]
    [TestCase(nameof(SharedViaLine))]
    [TestCase(nameof(ViaAfterFrom))]
    public void ReplacingTheTopViaWritesWhatRemovingAndAddingFirstWrote(string which)
    {
        var text = which switch
        {
            nameof(TwoViaLines) => TwoViaLines,
            nameof(SharedViaLine) => SharedViaLine,
            nameof(ViaAfterFrom) => ViaAfterFrom,
            _ => SipTestMessages.Invite,
        };
        var request = SipTestMessages.ParseRequest(text);
        var stamped = SipViaStamp.Stamp(request.TopVia!, Source);

        var before = SipMessageBuilder.ForResponse(request, 200, toTag: "t1");
        before.RemoveFirstValue("Via");
        before.AddHeaderFirst("Via", stamped);
        var now = SipMessageBuilder.ForResponse(request, 200, toTag: "t1");
        now.ReplaceTopVia(stamped);

        Assert.That(Encoding.UTF8.GetString(now.ToBytes()), Is.EqualTo(Encoding.UTF8.GetString(before.ToBytes())));
    }
}
