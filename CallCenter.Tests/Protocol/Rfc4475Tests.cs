using System.Text;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Protocol;

// Replays every RFC 4475 torture message (Vectors/rfc4475/<name>.sip, byte-exact) through the
// parser. The table records, per message, what the RFC asks of a receiver and which layer
// acts on it: this layer must parse it, or refuse it with the given status, or parse it and
// leave the refusal to the transaction/application layer (then we check what that layer will
// see). Field checks follow the RFC's description of each valid message.
public sealed class Rfc4475Tests
{
    public enum Outcome
    {
        Parsed,
        Rejected,
        ParsedLaterLayerRejects,
    }

    public sealed record Case(string Name, string Section, Outcome Outcome, int Status = 0, SipParseErrorCode Code = SipParseErrorCode.None, string Why = "")
    {
        public override string ToString() => $"{Section} {Name}";
    }

    public static IEnumerable<Case> Cases =>
    [
        // 3.1.1 valid messages: all must parse.
        new("wsinv", "3.1.1.1", Outcome.Parsed),
        new("intmeth", "3.1.1.2", Outcome.Parsed),
        new("esc01", "3.1.1.3", Outcome.Parsed),
        new("escnull", "3.1.1.4", Outcome.Parsed),
        new("esc02", "3.1.1.5", Outcome.Parsed),
        new("lwsdisp", "3.1.1.6", Outcome.Parsed),
        new("longreq", "3.1.1.7", Outcome.Parsed),
        new("dblreq", "3.1.1.8", Outcome.Parsed),
        new("semiuri", "3.1.1.9", Outcome.Parsed),
        new("transports", "3.1.1.10", Outcome.Parsed),
        new("mpart01", "3.1.1.11", Outcome.Parsed),
        new("unreason", "3.1.1.12", Outcome.Parsed),
        new("noreason", "3.1.1.13", Outcome.Parsed),

        // 3.1.2 invalid messages.
        new("badinv01", "3.1.2.1", Outcome.Rejected, 400, SipParseErrorCode.MalformedVia),
        new("clerr", "3.1.2.2", Outcome.Rejected, 400, SipParseErrorCode.ContentLengthExceedsDatagram),
        new("ncl", "3.1.2.3", Outcome.Rejected, 400, SipParseErrorCode.MalformedContentLength),
        new("scalar02", "3.1.2.4", Outcome.Rejected, 400, SipParseErrorCode.MalformedCSeq, "the RFC wants the 400 for the CSeq"),
        new("scalarlg", "3.1.2.5", Outcome.Rejected, 0, SipParseErrorCode.MalformedCSeq, "a response: discarded, never answered"),
        new("quotbal", "3.1.2.6", Outcome.Rejected, 400, SipParseErrorCode.MalformedTo),
        new("ltgtruri", "3.1.2.7", Outcome.Rejected, 400, SipParseErrorCode.MalformedRequestUri),
        new("lwsruri", "3.1.2.8", Outcome.Rejected, 400, SipParseErrorCode.MalformedStartLine),
        new("lwsstart", "3.1.2.9", Outcome.Rejected, 400, SipParseErrorCode.MalformedStartLine, "rejecting is acceptable per the RFC"),
        new("trws", "3.1.2.10", Outcome.Rejected, 400, SipParseErrorCode.MalformedStartLine, "rejecting is acceptable per the RFC"),
        new("escruri", "3.1.2.11", Outcome.Rejected, 400, SipParseErrorCode.MalformedRequestUri),
        new("baddate", "3.1.2.12", Outcome.Parsed, Why: "the RFC allows ignoring Date when it does not matter, and nothing here reads Date"),
        new("regbadct", "3.1.2.13", Outcome.Rejected, 400, SipParseErrorCode.MalformedContact),
        new("badaspec", "3.1.2.14", Outcome.Rejected, 400, SipParseErrorCode.MalformedTo),
        new("baddn", "3.1.2.15", Outcome.Rejected, 400, SipParseErrorCode.MalformedFrom),
        new("badvers", "3.1.2.16", Outcome.Rejected, 505, SipParseErrorCode.UnsupportedVersion),
        new("mismatch01", "3.1.2.17", Outcome.Rejected, 400, SipParseErrorCode.CSeqMethodMismatch),
        new("mismatch02", "3.1.2.18", Outcome.Rejected, 501, SipParseErrorCode.CSeqMethodMismatch, "unknown method: 501 preferred by the RFC"),
        new("bigcode", "3.1.2.19", Outcome.Rejected, 0, SipParseErrorCode.MalformedStatusCode, "a response: dropped"),

        // 3.2 transaction layer.
        new("badbranch", "3.2.1", Outcome.ParsedLaterLayerRejects, 400, Why: "transaction layer: 400 or fall back to RFC 2543 matching"),

        // 3.3 application layer.
        new("insuf", "3.3.1", Outcome.ParsedLaterLayerRejects, 400, SipParseErrorCode.MissingRequiredHeader),
        new("unkscm", "3.3.2", Outcome.Rejected, 416, SipParseErrorCode.UnsupportedUriScheme),
        new("novelsc", "3.3.3", Outcome.Rejected, 416, SipParseErrorCode.UnsupportedUriScheme, "we route no soap.beep URIs"),
        new("unksm2", "3.3.4", Outcome.ParsedLaterLayerRejects, 400, Why: "registrar: To is not a SIP URI"),
        new("bext01", "3.3.5", Outcome.ParsedLaterLayerRejects, 420, Why: "UAS: 420 Bad Extension listing the Require values"),
        new("invut", "3.3.6", Outcome.ParsedLaterLayerRejects, 415, Why: "UAS: 415 Unsupported Media Type"),
        new("regaut01", "3.3.7", Outcome.ParsedLaterLayerRejects, 401, Why: "registrar: 401 with a challenge it supports"),
        new("multi01", "3.3.8", Outcome.ParsedLaterLayerRejects, 400, SipParseErrorCode.DuplicateSingletonHeader),
        new("mcl01", "3.3.9", Outcome.Rejected, 400, SipParseErrorCode.ConflictingContentLength, "framing error, so refused at parse time"),
        new("bcast", "3.3.10", Outcome.ParsedLaterLayerRejects, 0, Why: "a response whose second Via is broadcast: the core must not use it"),
        new("zeromf", "3.3.11", Outcome.ParsedLaterLayerRejects, 483, Why: "a proxy answers 483; a UAS may answer OPTIONS normally"),
        new("cparam01", "3.3.12", Outcome.Parsed),
        new("cparam02", "3.3.13", Outcome.Parsed),
        new("regescrt", "3.3.14", Outcome.Parsed),
        new("sdp01", "3.3.15", Outcome.ParsedLaterLayerRejects, 406, Why: "UAS: 406 Not Acceptable"),

        // 3.4 backward compatibility.
        new("inv2543", "3.4.1", Outcome.Parsed),
    ];

    private static string VectorDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "Protocol", "Vectors", "rfc4475");

    private static byte[] Load(string name) => File.ReadAllBytes(Path.Combine(VectorDirectory, name + ".sip"));

    [Test]
    public void EveryVectorFileHasACaseAndEveryCaseAFile()
    {
        var files = Directory.GetFiles(VectorDirectory, "*.sip").Select(Path.GetFileNameWithoutExtension).Order().ToArray();
        var cases = Cases.Select(c => c.Name).Order().ToArray();
        Assert.That(files, Is.EqualTo(cases));
        Assert.That(files, Has.Length.EqualTo(49));
    }

    [TestCaseSource(nameof(Cases))]
    public void MessageGetsTheOutcomeTheRfcAsksFor(Case c)
    {
        var data = Load(c.Name);
        var parsed = SipMessageParser.TryParse(data, out var message, out var error);

        if (c.Outcome == Outcome.Rejected)
        {
            Assert.That(parsed, Is.False, "must be refused");
            Assert.That(error.Code, Is.EqualTo(c.Code), error.Detail);
            Assert.That(error.StatusCode, Is.EqualTo(c.Status), error.Detail);
            return;
        }

        Assert.That(parsed, Is.True, () => "must parse: " + error);
        Assert.That(message, Is.Not.Null);
        var validated = SipMessageValidator.TryValidate(message!, out var validationError);
        if (c.Code is SipParseErrorCode.MissingRequiredHeader or SipParseErrorCode.DuplicateSingletonHeader)
        {
            Assert.That(validated, Is.False);
            Assert.That(validationError!.Code, Is.EqualTo(c.Code));
            Assert.That(validationError.StatusCode, Is.EqualTo(c.Status));
        }
        else
        {
            Assert.That(validated, Is.True, () => "unexpected validation error: " + validationError);
        }

        if (FieldChecks.TryGetValue(c.Name, out var check))
        {
            check(message!);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void ParsedMessageSerializesBackToTheSameOctets(Case c)
    {
        if (c.Outcome == Outcome.Rejected || !SipMessageParser.TryParse(Load(c.Name), out var message, out _))
        {
            Assert.That(c.Outcome, Is.EqualTo(Outcome.Rejected));
            return;
        }

        var rebuilt = SipMessageBuilder.From(message).ToBytes();
        Assert.That(SipMessageParser.TryParse(rebuilt, out var again, out var error), Is.True, () => error.ToString());
        Assert.That(again!.CallId, Is.EqualTo(message.CallId));
        Assert.That(again.Vias.Select(v => v.ToString()), Is.EqualTo(message.Vias.Select(v => v.ToString())));
        Assert.That(again.Body.ToArray(), Is.EqualTo(message.Body.ToArray()));
    }

    private static readonly Dictionary<string, Action<SipMessage>> FieldChecks = new()
    {
        ["wsinv"] = m =>
        {
            var r = (SipRequest)m;
            Assert.That(r.Method, Is.EqualTo("INVITE"));
            Assert.That(r.RequestUri.User, Is.EqualTo("vivekg"));
            Assert.That(r.RequestUri.Host, Is.EqualTo("chair-dnrc.example.com"));
            Assert.That(r.RequestUri.Parameters.Single(), Is.EqualTo(new SipParameter("unknownparam", null)));
            Assert.That(m.To!.Tag, Is.EqualTo("1918181833n"));
            Assert.That(m.To.Uri!.User, Is.EqualTo("vivekg"));
            Assert.That(m.From!.DisplayName, Is.EqualTo("J Rosenberg \\\""));
            Assert.That(m.From.Tag, Is.EqualTo("98asjd8"));
            Assert.That(m.MaxForwards, Is.EqualTo(68));
            Assert.That(m.CallId, Is.EqualTo("wsinv.ndaksdj@192.0.2.1"));
            Assert.That(m.CSeq, Is.EqualTo(new SipCSeq(9, "INVITE")));
            Assert.That(m.ContentLength, Is.EqualTo(150));
            Assert.That(m.Body.Length, Is.EqualTo(150));
            Assert.That(m.Vias.Select(v => (v.Transport, v.Host, v.Branch)), Is.EqualTo(new[]
            {
                ("UDP", "192.0.2.2", "390skdjuw"),
                ("TCP", "spindle.example.com", "z9hG4bK9ikj8"),
                ("UDP", "192.168.255.111", "z9hG4bK30239"),
            }));
            Assert.That(m.Vias[0].HasRfc3261Branch, Is.False);
            Assert.That(m.GetHeaderValue("Subject"), Is.EqualTo(string.Empty), "s : with an empty value");
            Assert.That(m.GetHeaderValue("newfangledheader"), Is.EqualTo("newfangled value continued newfangled value"));
            Assert.That(m.GetHeaderValue("UnknownHeaderWithUnusualValue"), Is.EqualTo(";;,,;;,;"));
            Assert.That(m.ContentType, Is.EqualTo("application/sdp"));
            Assert.That(m.Routes.Single().Uri!.IsLooseRouter, Is.True);
            Assert.That(m.Routes.Single().Uri!.GetParameter("unknownwith"), Is.EqualTo("value"));
            var contact = m.Contacts.Single();
            Assert.That(contact.DisplayName, Is.EqualTo("Quoted string \"\""));
            Assert.That(contact.GetParameter("newparam"), Is.EqualTo("newvalue"));
            Assert.That(contact.GetParameter("secondparam"), Is.EqualTo(string.Empty));
            Assert.That(contact.Q, Is.EqualTo(0.33));
        },
        ["intmeth"] = m =>
        {
            var r = (SipRequest)m;
            Assert.That(r.Method, Is.EqualTo("!interesting-Method0123456789_*+`.%indeed'~"));
            Assert.That(r.RequestUri.User, Is.EqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"));
            Assert.That(r.RequestUri.Password, Is.EqualTo("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"));
            Assert.That(r.RequestUri.Host, Is.EqualTo("example.com"));
            Assert.That(m.TopVia!.Branch, Is.EqualTo("z9hG4bK-.!%66*_+`'~"));
            Assert.That(m.To!.DisplayName, Is.EqualTo("BEL:\a NUL:\0 DEL:\x7f"));
            Assert.That(m.From!.DisplayName, Is.EqualTo("token1~` token2'+_ token3*%!.-"));
            Assert.That(m.From.GetParameter("fromParam''~+*_!.-%"), Is.EqualTo("работающий"));
            Assert.That(m.From.Tag, Is.EqualTo("_token~1'+`*%!-."));
            Assert.That(m.CallId, Is.EqualTo("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"));
            Assert.That(m.CSeq, Is.EqualTo(new SipCSeq(139122385, "!interesting-Method0123456789_*+`.%indeed'~")));
            Assert.That(m.MaxForwards, Is.EqualTo(255));
            Assert.That(m.GetHeaderValue("extensionHeader-!.%*+_`'~"), Is.EqualTo("\uFEFF大停電"));
        },
        ["esc01"] = m =>
        {
            var r = (SipRequest)m;
            Assert.That(r.RequestUri.User, Is.EqualTo("sips:user@example.com"));
            Assert.That(r.RequestUri.UserRaw, Is.EqualTo("sips%3Auser%40example.com"));
            Assert.That(m.To!.Uri!.User, Is.EqualTo("user"));
            Assert.That(m.From!.Uri!.User, Is.EqualTo("I have spaces"));
            Assert.That(m.CallId, Is.EqualTo("esc01.239409asdfakjkn23onasd0-3234"));
            var contactUri = m.Contacts.Single().Uri!;
            Assert.That(contactUri.User, Is.EqualTo("caller"));
            Assert.That(contactUri.Parameters[1], Is.EqualTo(new SipParameter("n%61me", "v%61lue%25%34%31")), "kept as written");
            // "value%41" and not "valueA": unescaping is never recursive.
            Assert.That(contactUri.GetParameter("name"), Is.EqualTo("value%41"));
            Assert.That(contactUri.IsLooseRouter, Is.True, "%6C%72 is lr");
            Assert.That(contactUri, Is.EqualTo(SipUri.Parse("sip:caller@host5.example.net;lr;name=value%2541")));
        },
        ["escnull"] = m =>
        {
            Assert.That(m.To!.Uri!.User, Is.EqualTo("null-\0-null"));
            Assert.That(m.Contacts.Select(c => c.Uri!.User), Is.EqualTo(new[] { "\0", "\0\0" }));
            Assert.That(m.Contacts[0].Uri, Is.Not.EqualTo(m.Contacts[1].Uri), "two distinct contacts");
            Assert.That(m.ContentLength, Is.Zero);
        },
        ["esc02"] = m =>
        {
            var r = (SipRequest)m;
            Assert.That(r.Method, Is.EqualTo("RE%47IST%45R"));
            Assert.That(r.IsMethod(SipMethods.Register), Is.False);
            Assert.That(m.To!.DisplayName, Is.EqualTo("%Z%45"));
            Assert.That(m.TopVia!.Branch, Is.EqualTo("z9hG4bK209%fzsnel234"));
            Assert.That(m.Contacts.Select(c => c.Uri!.User), Is.EqualTo(new[] { "alias1", "alias3" }));
            Assert.That(m.GetHeaderValue("C%6Fntact"), Is.EqualTo("<sip:alias2@host2.example.com>"));
        },
        ["lwsdisp"] = m =>
        {
            Assert.That(m.From!.DisplayName, Is.EqualTo("caller"));
            Assert.That(m.From.Tag, Is.EqualTo("323"));
        },
        ["longreq"] = m =>
        {
            Assert.That(m.To!.DisplayName, Is.EqualTo("I have a user name of " + string.Concat(Enumerable.Repeat("extreme", 10)) + " proportion"));
            Assert.That(m.To.Uri!.Port, Is.EqualTo(6000));
            Assert.That(m.To.Uri.GetParameter("unknownparam1"), Is.EqualTo("very" + string.Concat(Enumerable.Repeat("long", 20)) + "value"));
            Assert.That(m.From!.Tag, Has.Length.EqualTo(155));
            Assert.That(m.From.Uri!.User, Is.EqualTo(string.Concat(Enumerable.Repeat("amazinglylongcallername", 5))));
            Assert.That(m.CallId, Does.StartWith("longreq.one").And.EndWith("longcallid"));
            Assert.That(m.Vias, Has.Count.EqualTo(34));
            Assert.That(m.Vias[0].Host, Is.EqualTo("sip33.example.com"));
            Assert.That(m.Vias[^1].Received, Is.EqualTo("192.0.2.5"));
            Assert.That(m.Vias[^1].Branch, Has.Length.EqualTo(4 + (4 * 50) + 11));
        },
        ["dblreq"] = m =>
        {
            var r = (SipRequest)m;
            Assert.That(r.Method, Is.EqualTo("REGISTER"));
            Assert.That(m.Body.Length, Is.Zero, "the trailing INVITE is noise");
            Assert.That(m.ToString(), Does.Not.Contain("INVITE"));
        },
        ["semiuri"] = m =>
        {
            var r = (SipRequest)m;
            Assert.That(r.RequestUri.User, Is.EqualTo("user;par=u@example.net"));
            Assert.That(r.RequestUri.Host, Is.EqualTo("example.com"));
            Assert.That(r.RequestUri.Parameters, Is.Empty);
            Assert.That(m.GetHeaderValues("Accept"), Has.Count.EqualTo(6));
        },
        ["transports"] = m =>
        {
            Assert.That(m.Vias.Select(v => v.Transport), Is.EqualTo(new[] { "UDP", "SCTP", "TLS", "UNKNOWN", "TCP" }));
        },
        ["mpart01"] = m =>
        {
            Assert.That(m.Body.Length, Is.EqualTo(553));
            Assert.That(m.Body.Span.IndexOf((byte)0), Is.GreaterThan(0), "binary part with NULs survives");
            Assert.That(m.TopVia!.HasRPort, Is.True);
            Assert.That(m.TopVia.RPort, Is.Null);
            Assert.That(m.TopVia.Port, Is.EqualTo(5070));
            Assert.That(m.ContentType, Is.EqualTo("multipart/mixed;boundary=7a9cbec02ceef655"));
        },
        ["unreason"] = m =>
        {
            var r = (SipResponse)m;
            Assert.That(r.StatusCode, Is.EqualTo(200));
            Assert.That(r.ReasonPhrase, Is.EqualTo("= 2**3 * 5**2 но сто девяносто девять - простое"));
        },
        ["noreason"] = m =>
        {
            var r = (SipResponse)m;
            Assert.That(r.StatusCode, Is.EqualTo(100));
            Assert.That(r.ReasonPhrase, Is.Empty);
        },
        ["baddate"] = m => Assert.That(m.GetHeaderValue("Date"), Is.EqualTo("Fri, 01 Jan 2010 16:00:00 EST")),
        ["badbranch"] = m =>
        {
            Assert.That(m.TopVia!.Branch, Is.EqualTo("z9hG4bK"));
            Assert.That(m.TopVia.HasRfc3261Branch, Is.False);
        },
        ["insuf"] = m => Assert.That(m.To, Is.Null),
        ["unksm2"] = m =>
        {
            Assert.That(m.To!.Uri!.Scheme, Is.EqualTo("isbn"));
            Assert.That(m.To.Uri.IsSip, Is.False);
            Assert.That(m.From!.Uri!.Scheme, Is.EqualTo("http"));
            Assert.That(m.Contacts.Single().Uri!.Opaque, Is.EqualTo("John_Smith"));
        },
        ["bext01"] = m =>
        {
            Assert.That(m.GetHeaderValues("Require"), Is.EqualTo(new[] { "nothingSupportsThis", "nothingSupportsThisEither" }));
            Assert.That(m.GetHeaderValues("Proxy-Require"), Is.EqualTo(new[] { "noProxiesSupportThis", "norDoAnyProxiesSupportThis" }));
        },
        ["invut"] = m =>
        {
            Assert.That(m.ContentType, Is.EqualTo("application/unknownformat"));
            Assert.That(Encoding.ASCII.GetString(m.Body.Span), Does.StartWith("<audio>"));
        },
        ["regaut01"] = m => Assert.That(m.GetHeaderValue("Authorization"), Is.EqualTo("NoOneKnowsThisScheme opaque-data=here")),
        ["multi01"] = m =>
        {
            Assert.That(m.CountHeaders("Call-ID"), Is.EqualTo(2));
            Assert.That(m.CountHeaders("CSeq"), Is.EqualTo(2));
            Assert.That(m.CountHeaders(SipHeaderId.To), Is.EqualTo(2));
        },
        ["bcast"] = m => Assert.That(m.Vias[1].Host, Is.EqualTo("255.255.255.255")),
        ["zeromf"] = m => Assert.That(m.MaxForwards, Is.Zero),
        ["cparam01"] = m =>
        {
            var contact = m.Contacts.Single();
            Assert.That(contact.IsBracketed, Is.False);
            Assert.That(contact.GetParameter("unknownparam"), Is.EqualTo(string.Empty), "a Contact header parameter");
            Assert.That(contact.Uri!.Parameters, Is.Empty);
        },
        ["cparam02"] = m =>
        {
            var contact = m.Contacts.Single();
            Assert.That(contact.Parameters, Is.Empty);
            Assert.That(contact.Uri!.GetParameter("unknownparam"), Is.EqualTo(string.Empty), "a URI parameter");
        },
        ["regescrt"] = m =>
        {
            var header = m.Contacts.Single().Uri!.Headers.Single();
            Assert.That(header, Is.EqualTo(new SipParameter("Route", "<sip:sip.example.com>")));
        },
        ["sdp01"] = m => Assert.That(m.GetHeaderValues("Accept"), Is.EqualTo(new[] { "text/nobodyKnowsThis" })),
        ["inv2543"] = m =>
        {
            Assert.That(m.ContentLength, Is.Null);
            Assert.That(m.Body.Length, Is.EqualTo(105), "no Content-Length on UDP: the body runs to the end");
            Assert.That(m.TopVia!.Branch, Is.Null);
            Assert.That(m.MaxForwards, Is.Null);
            Assert.That(m.RecordRoutes.Single().Uri!.MAddr, Is.EqualTo("ss1.example.com"));
            // addr-spec without <>: ";user=phone" belongs to the header, not the URI (§20.10).
            Assert.That(m.To!.GetParameter("user"), Is.EqualTo("phone"));
            Assert.That(m.To.Uri!.UserParameter, Is.Null);
            Assert.That(m.From!.Uri!.UserParameter, Is.EqualTo("phone"));
        },
    };
}
