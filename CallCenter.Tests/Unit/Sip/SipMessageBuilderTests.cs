using System.Buffers;
using System.Text;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

public sealed class SipMessageBuilderTests
{
    [Test]
    public void ResponseCopiesTheDialogHeadersAndAddsTheToTag()
    {
        var request = SipTestMessages.ParseRequest(SipTestMessages.Invite.Replace("Max-Forwards: 70\r\n", "Timestamp: 54\r\nVia: SIP/2.0/TCP p.example.com;branch=z9hG4bKp\r\n", StringComparison.Ordinal));
        var before = request.ToString();

        var ok = SipResponse.Create(request, 200, toTag: "as83kd9bs");

        Assert.Multiple(() =>
        {
            Assert.That(ok.StatusCode, Is.EqualTo(200));
            Assert.That(ok.ReasonPhrase, Is.EqualTo("OK"));
            Assert.That(ok.Vias.Select(v => v.Branch), Is.EqualTo(new[] { "z9hG4bK776asdhds", "z9hG4bKp" }));
            Assert.That(ok.From!.Tag, Is.EqualTo("1928301774"));
            Assert.That(ok.To!.Tag, Is.EqualTo("as83kd9bs"));
            Assert.That(ok.CallId, Is.EqualTo(request.CallId));
            Assert.That(ok.CSeq, Is.EqualTo(request.CSeq));
            Assert.That(ok.ContentLength, Is.Zero);
            Assert.That(ok.HasHeader("Contact"), Is.False);
            Assert.That(ok.HasHeader("Timestamp"), Is.False, "only a 100 echoes Timestamp");
            Assert.That(SipResponse.Create(request, 100).GetHeaderValue("Timestamp"), Is.EqualTo("54"));
            Assert.That(request.ToString(), Is.EqualTo(before), "the request is untouched");
            Assert.That(request.To!.Tag, Is.Null);
        });
    }

    [Test]
    public void ResponseKeepsAnExistingToTag()
    {
        var request = SipTestMessages.ParseRequest(SipTestMessages.Invite.Replace("To: Bob <sip:bob@biloxi.example.com>", "To: Bob <sip:bob@biloxi.example.com>;tag=old", StringComparison.Ordinal));
        Assert.That(SipResponse.Create(request, 486, toTag: "new").To!.Tag, Is.EqualTo("old"));
        Assert.That(SipMessageBuilder.ForResponse(request, 486, toTag: "new").BuildResponse().To!.Tag, Is.EqualTo("old"));
    }

    [Test]
    public void BuilderForResponseAddsContactAndBody()
    {
        var request = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        var response = SipMessageBuilder.ForResponse(request, 200, toTag: "t1")
            .AddHeader("Contact", "<sip:acd@10.0.0.1>")
            .SetBody(Encoding.ASCII.GetBytes("v=0\r\n"), "application/sdp")
            .BuildResponse();
        Assert.That(response.To!.Tag, Is.EqualTo("t1"));
        Assert.That(response.Contacts.Single().Uri!.Host, Is.EqualTo("10.0.0.1"));
        Assert.That(response.ContentLength, Is.EqualTo(5));
        Assert.That(response.ContentType, Is.EqualTo("application/sdp"));
    }

    [Test]
    public void ForwardingEditsDoNotMutateTheOriginal()
    {
        var original = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        var originalText = original.ToString();

        var builder = SipMessageBuilder.From(original)
            .SetRequestUri(SipUri.Parse("sip:bob@192.0.2.4:5062"))
            .PushVia(SipVia.Create("udp", "proxy.example.com", 5060, "z9hG4bKproxy1", requestRPort: true));
        Assert.That(builder.DecrementMaxForwards(), Is.True);
        var forwarded = builder.BuildRequest();

        Assert.Multiple(() =>
        {
            Assert.That(forwarded.RequestUri.Port, Is.EqualTo(5062));
            Assert.That(forwarded.Vias.Select(v => v.Branch), Is.EqualTo(new[] { "z9hG4bKproxy1", "z9hG4bK776asdhds" }));
            Assert.That(forwarded.MaxForwards, Is.EqualTo(69));
            Assert.That(forwarded.Body.ToArray(), Is.EqualTo(original.Body.ToArray()));
            Assert.That(original.ToString(), Is.EqualTo(originalText));
            Assert.That(original.Vias, Has.Count.EqualTo(1));
            Assert.That(original.MaxForwards, Is.EqualTo(70));
        });
    }

    [Test]
    public void PopViaRemovesOnlyTheTopValueEvenOnASharedLine()
    {
        var response = SipTestMessages.Parse(
            "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bKa, SIP/2.0/UDP b.example.com;branch=z9hG4bKb\r\n" +
            "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
        var builder = SipMessageBuilder.From(response);
        Assert.That(builder.PopVia()!.Host, Is.EqualTo("a.example.com"));
        var passedOn = builder.BuildResponse();
        Assert.That(passedOn.Vias.Single().Host, Is.EqualTo("b.example.com"));
        Assert.That(response.Vias, Has.Count.EqualTo(2));
    }

    [Test]
    public void MaxForwardsZeroIsNotDecremented()
    {
        var request = SipTestMessages.ParseRequest(SipTestMessages.Invite.Replace("Max-Forwards: 70", "Max-Forwards: 0", StringComparison.Ordinal));
        var builder = SipMessageBuilder.From(request);
        Assert.That(builder.DecrementMaxForwards(), Is.False);
        Assert.That(builder.BuildRequest().MaxForwards, Is.Zero);
    }

    [Test]
    public void HeaderEditsReplaceRemoveAndInsert()
    {
        var builder = SipMessageBuilder.ForRequest(SipMethods.Options, SipUri.Parse("sip:a@example.com"))
            .AddHeader("Via", "SIP/2.0/UDP h;branch=z9hG4bK1")
            .AddHeader("Route", "<sip:r2.example.com;lr>")
            .AddHeaderFirst("Route", "<sip:r1.example.com;lr>")
            .AddHeader("X-Note", "one")
            .AddHeader("x-note", "two")
            .SetHeader("Subject", "hello")
            .AddHeader("Call-ID", "c")
            .AddHeader("CSeq", "1 OPTIONS");
        Assert.That(builder.RemoveHeaders("X-NOTE"), Is.EqualTo(2));
        builder.SetHeader("Subject", "bye");
        var request = builder.BuildRequest();
        Assert.That(request.Routes.Select(r => r.Uri!.Host), Is.EqualTo(new[] { "r1.example.com", "r2.example.com" }));
        Assert.That(request.HasHeader("X-Note"), Is.False);
        Assert.That(request.GetHeaderValues("Subject"), Is.EqualTo(new[] { "bye" }));
        Assert.That(() => builder.AddHeader("Bad Name", "x"), Throws.ArgumentException);
        Assert.That(() => builder.AddHeader("X", "a\r\nInjected: 1"), Throws.ArgumentException);
    }

    [Test]
    public void SerializationRoundTripsAndFixesContentLength()
    {
        var original = SipTestMessages.ParseRequest(SipTestMessages.Invite);
        var builder = SipMessageBuilder.From(original);
        var writer = new ArrayBufferWriter<byte>();
        var written = builder.WriteTo(writer);
        Assert.That(written, Is.EqualTo(builder.GetByteCount()));
        Assert.That(Encoding.UTF8.GetString(writer.WrittenSpan), Is.EqualTo(SipTestMessages.Invite), "a canonical message comes back byte for byte");

        var withBody = builder.SetBody(Encoding.ASCII.GetBytes("v=0\r\no=x\r\n"), "application/sdp").BuildRequest();
        Assert.That(withBody.ContentLength, Is.EqualTo(10));
        Assert.That(withBody.CountHeaders("Content-Length"), Is.EqualTo(1));
    }
}
