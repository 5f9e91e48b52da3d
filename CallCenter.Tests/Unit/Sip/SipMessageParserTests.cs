using System.Text;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

public sealed class SipMessageParserTests
{
    [Test]
    public void ParsesATypicalInvite()
    {
        var request = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.SameAs(SipMethods.Invite), "well-known methods are interned");
            Assert.That(request.RequestUri.User, Is.EqualTo("bob"));
            Assert.That(request.TopVia!.Branch, Is.EqualTo("z9hG4bK776asdhds"));
            Assert.That(request.TopVia.HasRPort, Is.True);
            Assert.That(request.From!.Tag, Is.EqualTo("1928301774"));
            Assert.That(request.To!.Tag, Is.Null);
            Assert.That(request.CSeq, Is.EqualTo(new SipCSeq(314159, "INVITE")));
            Assert.That(request.MaxForwards, Is.EqualTo(70));
            Assert.That(Encoding.ASCII.GetString(request.Body.Span), Is.EqualTo("v=0\n"));
        });
    }

    [Test]
    public void CompactAndLongNamesAreTheSameHeaderInAnyCase()
    {
        var message = SipTestMessages.Parse(
            "OPTIONS sip:a@example.com SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:b@example.com>;tag=1\r\nT: <sip:a@example.com>\r\n" +
            "i: cid\r\nCSEQ: 1 OPTIONS\r\nk: timer, 100rel\r\nSUPPORTED: replaces\r\nl: 0\r\n\r\n");
        Assert.That(message.CallId, Is.EqualTo("cid"));
        Assert.That(message.GetHeaderValue("Call-ID"), Is.EqualTo("cid"));
        Assert.That(message.GetHeaderValue("i"), Is.EqualTo("cid"));
        Assert.That(message.GetHeaderValues("supported"), Is.EqualTo(new[] { "timer", "100rel", "replaces" }));
        Assert.That(message.CountHeaders("Content-Length"), Is.EqualTo(1));
    }

    [Test]
    public void FoldedValuesAreUnfoldedToASingleSpace()
    {
        var message = SipTestMessages.Parse(
            "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n  ;branch=z9hG4bK1\r\nSubject: first\r\n\tsecond \r\n   third\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        Assert.That(message.GetHeaderValue("Subject"), Is.EqualTo("first second third"));
        Assert.That(message.TopVia!.Branch, Is.EqualTo("z9hG4bK1"));
    }

    [Test]
    public void SplitsListsOnlyOutsideQuotesAndBrackets()
    {
        var message = SipTestMessages.Parse(
            "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n" +
            "Contact: \"Smith, J\" <sip:j,x@a.example.com>;expires=60, <sip:k@b.example.com>, *\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nl: 0\r\n\r\n");
        Assert.That(message.Contacts, Has.Count.EqualTo(3));
        Assert.That(message.Contacts[0].DisplayName, Is.EqualTo("Smith, J"));
        Assert.That(message.Contacts[0].Expires, Is.EqualTo(60u));
        Assert.That(message.Contacts[2].IsWildcard, Is.True);
        Assert.That(message.GetHeaderValues("Contact"), Has.Count.EqualTo(3));
    }

    [Test]
    public void MessagesWithManyHeadersDoNotLeaveAPooledArrayToTwoParsers()
    {
        // Regression: a message with more than 32 header lines grows the pooled header index; the first array was
        // then returned to the pool twice. The pool handed the same array to the next fresh threads, whose parses
        // corrupted each other (seen as random MalformedVia/MalformedCSeq under load).
        var contacts = string.Concat(Enumerable.Range(1, 40).Select(i => $"Contact: <sip:1000@192.0.2.{i}:5060>;expires=60\r\n"));
        var big = Encoding.ASCII.GetBytes($"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: big\r\nCSeq: 1 REGISTER\r\n{contacts}l: 0\r\n\r\n");
        for (var i = 0; i < 16; i++)
        {
            Assert.That(SipMessageParser.TryParse(big, out var message, out _) && message.Contacts.Count == 40, Is.True);
        }

        var failures = 0;
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(worker => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 5_000; i++)
            {
                var callId = $"w{worker}-{i}";
                var text = $"OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK{i}\r\nFrom: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n" +
                    $"Call-ID: {callId}\r\nCSeq: {i + 1} OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
                if (!SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out _)
                    || message.CallId != callId || message.CSeq!.Value.Number != (uint)(i + 1))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.That(failures, Is.Zero);
    }

    [Test]
    public void HeadersWhoseGrammarHasBareCommasAreNotSplit()
    {
        // §7.3.1 names the digest headers as the exceptions to comma-joined lists; Date has a comma after the day.
        var message = SipTestMessages.Parse(
            "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n" +
            "WWW-Authenticate: Digest realm=\"a\", nonce=\"n1\", algorithm=SHA-256, qop=\"auth\"\r\n" +
            "WWW-Authenticate: Digest realm=\"a\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"\r\n" +
            "Date: Sat, 21 Nov 2026 10:00:00 GMT\r\nAuthentication-Info: qop=auth, nc=00000001\r\nl: 0\r\n\r\n");
        Assert.That(message.GetHeaderValues("WWW-Authenticate"), Has.Count.EqualTo(2));
        Assert.That(message.GetHeaderValues("www-authenticate")[1], Does.EndWith("algorithm=MD5, qop=\"auth\""));
        Assert.That(message.GetHeaderValues("Date"), Is.EqualTo(new[] { "Sat, 21 Nov 2026 10:00:00 GMT" }));
        Assert.That(message.GetHeaderValues("Authentication-Info"), Has.Count.EqualTo(1));
    }

    [Test]
    public void SkipsLeadingKeepAliveCrLfs()
    {
        var message = SipTestMessages.Parse("\r\n\r\n" + SipTestMessages.Invite);
        Assert.That(message.ToString(), Does.StartWith("INVITE "));
        Assert.That(message.GetHeaderValue("Max-Forwards"), Is.EqualTo("70"));
    }

    [Test]
    public void BodyIsTruncatedToContentLengthOnDatagrams()
    {
        var message = SipTestMessages.Parse(SipTestMessages.Invite + "garbage after the body");
        Assert.That(message.Body.Length, Is.EqualTo(4));
        Assert.That(message.Bytes.Length, Is.EqualTo(Encoding.ASCII.GetByteCount(SipTestMessages.Invite)));
    }

    [Test]
    public void StreamModeRequiresContentLength()
    {
        var text = SipTestMessages.Invite.Replace("Content-Length: 4\r\n", string.Empty, StringComparison.Ordinal);
        Assert.That(SipMessageParser.TryParse(SipTestMessages.Bytes(text), SipParseOptions.Stream, out _, out var error), Is.False);
        Assert.That(error.Code, Is.EqualTo(SipParseErrorCode.MissingContentLength));
        Assert.That(SipMessageParser.TryParse(SipTestMessages.Bytes(text), out var message, out _), Is.True, "a datagram may omit it");
        Assert.That(message!.Body.Length, Is.EqualTo(4));
    }

    [Test]
    public void OversizeIsRefusedWith513()
    {
        var options = new SipParseOptions(100, false);
        Assert.That(SipMessageParser.TryParse(SipTestMessages.Bytes(SipTestMessages.Invite), options, out _, out var error), Is.False);
        Assert.That(error.Code, Is.EqualTo(SipParseErrorCode.TooLarge));
        Assert.That(error.StatusCode, Is.EqualTo(513));
    }

    [Test]
    public void ErrorOnARequestCarriesAnAnswer()
    {
        var text = SipTestMessages.Invite.Replace("Max-Forwards: 70", "Max-Forwards: 700", StringComparison.Ordinal);
        Assert.That(SipMessageParser.TryParse(SipTestMessages.Bytes(text), out _, out var error), Is.False);
        Assert.That(error.ReasonPhrase, Is.EqualTo("Bad Request - Malformed Max-Forwards"));
        Assert.That(error.CanRespond, Is.True);
        var answer = error.CreateResponseBytes();
        Assert.That(SipMessageParser.TryParse(answer, out var response, out var answerError), Is.True, () => answerError.ToString());
        var r = (SipResponse)response!;
        Assert.That(r.StatusCode, Is.EqualTo(400));
        Assert.That(r.ReasonPhrase, Is.EqualTo("Bad Request - Malformed Max-Forwards"));
        Assert.That(r.CallId, Is.EqualTo("a84b4c76e66710@pc33.atlanta.example.com"));
        Assert.That(r.TopVia!.Branch, Is.EqualTo("z9hG4bK776asdhds"));
    }

    [Test]
    public void MalformedViaCannotBeAnswered()
    {
        var text = SipTestMessages.Invite.Replace(";rport", ";;", StringComparison.Ordinal);
        Assert.That(SipMessageParser.TryParse(SipTestMessages.Bytes(text), out _, out var error), Is.False);
        Assert.That(error.Code, Is.EqualTo(SipParseErrorCode.MalformedVia));
        Assert.That(error.CanRespond, Is.False);
        Assert.That(error.CreateResponseBytes(), Is.Null);
    }

    [TestCase("")]
    [TestCase("\r\n")]
    [TestCase("INVITE")]
    [TestCase("INVITE sip:a@b SIP/2.0\r\n")]
    [TestCase("INVITE sip:a@b SIP/2.0\r\n no name\r\n\r\n")]
    [TestCase("INVITE sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n")]
    [TestCase("SIP/2.0 20 OK\r\n\r\n")]
    [TestCase("SIP/2.0\r\n\r\n")]
    [TestCase("INVITE sip:a@b HTTP/1.1\r\n\r\n")]
    public void RefusesGarbageWithoutThrowing(string text)
    {
        Assert.That(SipMessageParser.TryParse(SipTestMessages.Bytes(text), out var message, out var error), Is.False);
        Assert.That(message, Is.Null);
        Assert.That(error.Code, Is.Not.EqualTo(SipParseErrorCode.None));
    }
}
