using System.Text;
using CallCenter.Core.Sdp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Sdp;

public sealed class SdpParserTests
{
    private const string Minimal =
        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

    [Test]
    public void BaresipOfferIsReadCompletely()
    {
        Assert.That(SdpParser.TryParse(SdpVectors.Bytes("baresip-1.0.0-invite.sdp"), out var sdp, out var error), Is.True, () => error.ToString());

        Assert.That(sdp!.Origin, Is.EqualTo(new SdpOrigin("-", "1130339959", 1418861940, "IN", "IP4", "127.0.0.1")));
        Assert.That(sdp.SessionName, Is.EqualTo("-"));
        Assert.That(sdp.Connection, Is.EqualTo(new SdpConnection("IN", "IP4", "127.0.0.1")));
        Assert.That(sdp.Timings, Has.Count.EqualTo(1));
        Assert.That(sdp.Timings[0].Start, Is.Zero);
        Assert.That(sdp.Attributes, Is.EqualTo(new[] { new SdpAttribute("tool", "baresip 1.0.0") }));
        Assert.That(sdp.Media, Has.Count.EqualTo(1));

        var audio = sdp.Media[0];
        Assert.That(audio.Media, Is.EqualTo("audio"));
        Assert.That(audio.Port, Is.EqualTo(35894));
        Assert.That(audio.Protocol, Is.EqualTo("RTP/AVP"));
        Assert.That(audio.Formats, Is.EqualTo(new[] { "96", "9", "0", "8", "3", "101" }));
        Assert.That(audio.PayloadTypes, Is.EqualTo(new[] { 96, 9, 0, 8, 3, 101 }));
        Assert.That(audio.GetRtpMap(96), Is.EqualTo(new SdpRtpMap(96, "opus", 48000, 2)));
        Assert.That(audio.GetRtpMap(101)!.IsTelephoneEvent, Is.True);
        Assert.That(audio.GetFormatParameters(101), Is.EqualTo("0-15"));
        Assert.That(audio.GetFormatParameters("96"), Is.EqualTo("stereo=1;sprop-stereo=1"));
        Assert.That(audio.GetFormatParameters(0), Is.Null);
        Assert.That(audio.Direction, Is.EqualTo(SdpDirection.SendRecv));
        Assert.That(audio.PacketTime, Is.EqualTo(TimeSpan.FromMilliseconds(20)));
        Assert.That(audio.Rtcp, Is.Null);
        Assert.That(audio.RtcpMux, Is.False);

        // Unknown attributes are kept, in order, between the known ones.
        Assert.That(
            audio.Attributes.Select(a => a.Name),
            Is.EqualTo(new[] { "rtpmap", "fmtp", "rtpmap", "rtpmap", "rtpmap", "rtpmap", "rtpmap", "fmtp", "sendrecv", "label", "rtcp-rsize", "ssrc", "minptime", "ptime" }));
        Assert.That(audio.GetAttribute("ssrc")!.Value, Is.EqualTo("2091137817 cname:sip:1001@127.0.0.1:35070"));
        Assert.That(audio.GetAttribute("rtcp-rsize")!.Value, Is.Null);
    }

    [Test]
    public void LineEndsMayBeLfOnlyOrCrOnly()
    {
        var crlf = SdpVectors.Text("baresip-1.0.0-invite.sdp");
        var expected = SdpVectors.ParseText(crlf).ToString();

        Assert.That(SdpVectors.ParseText(crlf.Replace("\r\n", "\n", StringComparison.Ordinal)).ToString(), Is.EqualTo(expected));
        Assert.That(SdpVectors.ParseText(crlf.Replace("\r\n", "\r", StringComparison.Ordinal)).ToString(), Is.EqualTo(expected));
        Assert.That(expected, Is.EqualTo(crlf), "CRLF input in canonical order comes back byte for byte");
    }

    [Test]
    public void TrailingWhitespaceBlankLinesAndRunsOfSpacesAreTolerated()
    {
        var sloppy = "v=0 \r\no=-  1 1 IN  IP4 192.0.2.1\t\r\ns=-\r\n\r\nc=IN IP4 192.0.2.1  \r\nt=0 0\r\nm=audio  4000 RTP/AVP 0  8\r\na=rtpmap:0 PCMU/8000 \r\n\r\n";

        var sdp = SdpVectors.ParseText(sloppy);

        Assert.That(sdp.Origin.SessionId, Is.EqualTo("1"));
        Assert.That(sdp.Origin.AddressType, Is.EqualTo("IP4"));
        Assert.That(sdp.Media[0].Formats, Is.EqualTo(new[] { "0", "8" }));
        Assert.That(sdp.Media[0].GetRtpMap(0), Is.EqualTo(new SdpRtpMap(0, "PCMU", 8000)));
    }

    [TestCase("s=\r\n")]
    [TestCase("s= \r\n")]
    [TestCase("")]
    public void AnEmptyOrMissingSessionNameIsAcceptedAndWrittenAsDash(string sessionLine)
    {
        var text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n" + sessionLine + "c=IN IP4 192.0.2.1\r\nt=0 0\r\n";

        var sdp = SdpVectors.ParseText(text);

        Assert.That(sdp.SessionName, Is.Empty);
        Assert.That(sdp.ToString(), Does.Contain("\r\ns=-\r\n"));
    }

    [Test]
    public void AMissingTimingIsAcceptedAndWrittenAsUnbounded()
    {
        var sdp = SdpVectors.ParseText("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n");

        Assert.That(sdp.Timings, Is.Empty);
        Assert.That(sdp.ToString(), Does.Contain("\r\nt=0 0\r\nm=audio"));
    }

    [Test]
    public void SessionLevelLinesMayComeInAnyOrderAfterTheVersion()
    {
        // RFC 3264 §9's Figure 1 puts t= before c=; the serializer restores RFC 8866 order.
        var sdp = SdpVectors.ParseText("v=0\no=carol 28908764872 28908764872 IN IP4 100.3.6.6\ns=-\nt=0 0\nc=IN IP4 192.0.2.4\nm=audio 0 RTP/AVP 0 1 3\na=rtpmap:0 PCMU/8000\na=rtpmap:1 1016/8000\na=rtpmap:3 GSM/8000\n");

        Assert.That(sdp.Connection!.Address, Is.EqualTo("192.0.2.4"));
        Assert.That(sdp.ToString(), Does.StartWith("v=0\r\no=carol 28908764872 28908764872 IN IP4 100.3.6.6\r\ns=-\r\nc=IN IP4 192.0.2.4\r\nt=0 0\r\n"));
    }

    [Test]
    public void AStaticPayloadTypeWithoutRtpmapUsesTheRfc3551Table()
    {
        var media = SdpVectors.ParseText(Minimal.Replace("RTP/AVP 0", "RTP/AVP 0 8 18 9 13", StringComparison.Ordinal)).Media[0];

        Assert.That(media.GetRtpMap(0), Is.EqualTo(new SdpRtpMap(0, "PCMU", 8000)));
        Assert.That(media.GetRtpMap(8), Is.EqualTo(new SdpRtpMap(8, "PCMA", 8000)));
        Assert.That(media.GetRtpMap(18)!.EncodingName, Is.EqualTo("G729"));
        Assert.That(media.GetRtpMap(9), Is.EqualTo(new SdpRtpMap(9, "G722", 8000)), "G.722's RTP clock is 8000 by RFC 3551's own erratum");
        Assert.That(media.GetRtpMap(13)!.EncodingName, Is.EqualTo("CN"));
        Assert.That(media.GetRtpMap(96), Is.Null, "dynamic types mean nothing without an rtpmap");
    }

    [Test]
    public void MalformedInterpretedAttributesReadAsAbsentAndStayAsText()
    {
        var text = Minimal.Replace("RTP/AVP 0", "RTP/AVP 0 97", StringComparison.Ordinal)
            + "a=rtpmap:97 iLBC\r\na=ptime:abc\r\na=maxptime:0\r\na=rtcp:70000\r\n";

        var media = SdpVectors.ParseText(text).Media[0];

        Assert.That(media.GetRtpMap(97), Is.Null);
        Assert.That(media.PacketTime, Is.Null);
        Assert.That(media.MaxPacketTime, Is.Null);
        Assert.That(media.Rtcp, Is.Null);
        Assert.That(media.Attributes.Select(a => a.ToString()), Is.EqualTo(new[] { "rtpmap:97 iLBC", "ptime:abc", "maxptime:0", "rtcp:70000" }));
    }

    [Test]
    public void AnFmtpWithoutParametersReadsAsAbsentAndIsNotRelayed()
    {
        var offer = SdpVectors.ParseText(Minimal.Replace("RTP/AVP 0", "RTP/AVP 0 101", StringComparison.Ordinal) + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101\r\n");

        var relayed = SdpOfferAnswer.CreateRelayedOffer(offer, SdpMediaCapabilities.Default, new SdpEndpoint("10.0.0.1", 4000), new SdpSessionVersion("10.0.0.1", "1", 1)).Offer!;

        Assert.That(offer.Media[0].GetFormatParameters(101), Is.Null);
        Assert.That(offer.Media[0].HasAttribute("fmtp"), Is.True, "kept as received");
        Assert.That(relayed.Media[0].HasAttribute("fmtp"), Is.False);
    }

    [Test]
    public void PacketTimesMayBeFractional()
    {
        var media = SdpVectors.ParseText(Minimal + "a=ptime:22.5\r\na=maxptime:150\r\n").Media[0];

        Assert.That(media.PacketTime, Is.EqualTo(TimeSpan.FromMilliseconds(22.5)));
        Assert.That(media.MaxPacketTime, Is.EqualTo(TimeSpan.FromMilliseconds(150)));
    }

    [Test]
    public void RtcpAttributeWithAndWithoutAddressAndRtcpMux()
    {
        var withAddress = SdpVectors.ParseText(Minimal + "a=rtcp:53020 IN IP4 198.51.100.9\r\na=rtcp-mux\r\n").Media[0];
        var portOnly = SdpVectors.ParseText(Minimal + "a=rtcp:53020\r\n").Media[0];

        Assert.That(withAddress.Rtcp, Is.EqualTo(new SdpRtcpAttribute(53020, new SdpConnection("IN", "IP4", "198.51.100.9"))));
        Assert.That(withAddress.RtcpMux, Is.True);
        Assert.That(portOnly.Rtcp, Is.EqualTo(new SdpRtcpAttribute(53020, null)));
        Assert.That(portOnly.RtcpMux, Is.False);
    }

    [Test]
    public void DirectionAttributesAreReadAtBothLevelsWhateverTheirCase()
    {
        var sdp = SdpVectors.ParseText(Minimal.Replace("t=0 0\r\n", "t=0 0\r\na=inactive\r\n", StringComparison.Ordinal) + "a=SendOnly\r\n");

        Assert.That(sdp.Direction, Is.EqualTo(SdpDirection.Inactive));
        Assert.That(sdp.Media[0].Direction, Is.EqualTo(SdpDirection.SendOnly));
    }

    [Test]
    public void Ipv6MulticastAndPortCountsAreUnderstood()
    {
        var sdp = SdpVectors.ParseText(
            "v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\n"
            + "m=audio 49170/2 RTP/AVP 0\r\nc=IN IP4 233.252.0.1/127/3\r\n"
            + "m=video 5000 RTP/AVP 31\r\nc=IN IP6 ff15::101/3\r\n"
            + "m=application 9 UDP/BFCP *\r\n");

        Assert.That(sdp.Connection!.IPAddress!.ToString(), Is.EqualTo("2001:db8::1"));
        Assert.That(sdp.Media[0].PortCount, Is.EqualTo(2));
        Assert.That(sdp.Media[0].Connection, Is.EqualTo(new SdpConnection("IN", "IP4", "233.252.0.1", 127, 3)));
        Assert.That(sdp.Media[1].Connection, Is.EqualTo(new SdpConnection("IN", "IP6", "ff15::101", null, 3)));
        Assert.That(sdp.Media[2].IsRtp, Is.False);
        Assert.That(sdp.Media[2].Formats, Is.EqualTo(new[] { "*" }));
        Assert.That(sdp.Media[2].PayloadTypes, Is.Empty);
        Assert.That(sdp.ToString(), Does.Contain("m=audio 49170/2 RTP/AVP 0\r\nc=IN IP4 233.252.0.1/127/3\r\n").And.Contain("c=IN IP6 ff15::101/3\r\n"));
    }

    [Test]
    public void EveryOptionalLineTypeIsKeptAndWrittenBackInRfcOrder()
    {
        const string Full =
            "v=0\r\no=jdoe 3724394400 3724394405 IN IP4 198.51.100.1\r\ns=Call to John Smith\r\ni=SDP Offer #1\r\n"
            + "u=http://www.jdoe.example.com/home.html\r\ne=Jane Doe <jane@jdoe.example.com>\r\np=+1 617 555-6011\r\n"
            + "c=IN IP4 198.51.100.1\r\nb=AS:128\r\nt=3034423619 3042462419\r\nr=7d 1h 0 25h\r\nz=2882844526 -1h 2898848070 0\r\n"
            + "k=prompt\r\na=recvonly\r\nm=audio 49170 RTP/AVP 0\r\ni=voice\r\nc=IN IP4 198.51.100.2\r\nb=TIAS:64000\r\nk=prompt\r\n"
            + "a=rtpmap:0 PCMU/8000\r\nm=video 51372 RTP/AVP 99\r\na=rtpmap:99 h263-1998/90000\r\n";

        var sdp = SdpVectors.ParseText(Full);

        Assert.That(sdp.Information, Is.EqualTo("SDP Offer #1"));
        Assert.That(sdp.Uri, Is.EqualTo("http://www.jdoe.example.com/home.html"));
        Assert.That(sdp.Emails, Is.EqualTo(new[] { "Jane Doe <jane@jdoe.example.com>" }));
        Assert.That(sdp.Phones, Is.EqualTo(new[] { "+1 617 555-6011" }));
        Assert.That(sdp.Bandwidths, Is.EqualTo(new[] { new SdpBandwidth("AS", 128) }));
        Assert.That(sdp.Timings[0].Start, Is.EqualTo(3034423619UL));
        Assert.That(sdp.Timings[0].Repeats, Is.EqualTo(new[] { "7d 1h 0 25h" }));
        Assert.That(sdp.TimeZones, Is.EqualTo("2882844526 -1h 2898848070 0"));
        Assert.That(sdp.EncryptionKey, Is.EqualTo("prompt"));
        Assert.That(sdp.Media[0].Information, Is.EqualTo("voice"));
        Assert.That(sdp.Media[0].Bandwidths, Is.EqualTo(new[] { new SdpBandwidth("TIAS", 64000) }));
        Assert.That(sdp.Media[0].EncryptionKey, Is.EqualTo("prompt"));
        Assert.That(sdp.ToString(), Is.EqualTo(Full));
    }

    [Test]
    public void ARejectedStreamNeedsNoConnection()
    {
        var sdp = SdpVectors.ParseText("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 31\r\n");

        Assert.That(sdp.Media[0].IsRejected, Is.True);
        Assert.That(sdp.GetRtpEndpoint(sdp.Media[0]), Is.Null);
    }

    public static IEnumerable<TestCaseData> Refusals()
    {
        const string Head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
        TestCaseData Case(string text, SdpParseErrorCode code, int line, string name) => new TestCaseData(text, code, line).SetName("Refuses " + name);

        yield return Case("\r\n\r\n", SdpParseErrorCode.MissingVersion, 0, "blank lines only");
        yield return Case("o=- 1 1 IN IP4 192.0.2.1\r\nv=0\r\n", SdpParseErrorCode.MissingVersion, 1, "a first line other than v=");
        yield return Case("v=1\r\no=- 1 1 IN IP4 192.0.2.1\r\n", SdpParseErrorCode.UnsupportedVersion, 1, "version 1");
        yield return Case("v=0\r\ns=-\r\nt=0 0\r\n", SdpParseErrorCode.MissingOrigin, 0, "no origin");
        yield return Case("v=0\r\no=- 1 IN IP4 192.0.2.1\r\n", SdpParseErrorCode.MalformedOrigin, 2, "an origin of five fields");
        yield return Case("v=0\r\no=- 12a 1 IN IP4 192.0.2.1\r\n", SdpParseErrorCode.MalformedOrigin, 2, "a non-numeric session id");
        yield return Case("v=0\r\no=- 1 99999999999999999999999 IN IP4 192.0.2.1\r\n", SdpParseErrorCode.MalformedOrigin, 2, "a session version beyond 64 bits");
        yield return Case("v=0\r\no=- 1 18446744073709551616 IN IP4 192.0.2.1\r\n", SdpParseErrorCode.MalformedOrigin, 2, "a session version of 2^64");
        yield return Case("v=0\r\no=- 123456789012345678901 1 IN IP4 192.0.2.1\r\n", SdpParseErrorCode.MalformedOrigin, 2, "a 21-digit session id");
        yield return Case(Head + "o=- 2 2 IN IP4 192.0.2.1\r\n", SdpParseErrorCode.DuplicateLine, 6, "a second origin");
        yield return Case(Head + "v=0\r\n", SdpParseErrorCode.DuplicateLine, 6, "a second version");
        yield return Case(Head + "s=again\r\n", SdpParseErrorCode.DuplicateLine, 6, "a second session name");
        yield return Case(Head + "c=IN IP4 192.0.2.2\r\n", SdpParseErrorCode.DuplicateLine, 6, "a second session-level c=");
        yield return Case(Head + "x=unknown\r\n", SdpParseErrorCode.UnknownLineType, 6, "an unknown line type");
        yield return Case(Head + "m=audio 4000 RTP/AVP 0\r\ny=1\r\n", SdpParseErrorCode.UnknownLineType, 7, "an unknown line type in a stream");
        yield return Case(Head + "this is not sdp\r\n", SdpParseErrorCode.MalformedLine, 6, "a garbage line");
        yield return Case(Head + "A=sendonly\r\n", SdpParseErrorCode.MalformedLine, 6, "an upper-case type letter");
        yield return Case(Head + " a=sendonly\r\n", SdpParseErrorCode.MalformedLine, 6, "a line with leading space");
        yield return Case(Head + "a\r\n", SdpParseErrorCode.MalformedLine, 6, "a lone letter");
        yield return Case(Head + "a=x\u0001y\r\n", SdpParseErrorCode.InvalidCharacter, 6, "a control character");
        yield return Case(Head.Replace("c=IN IP4 192.0.2.1", "c=IN IP4", StringComparison.Ordinal), SdpParseErrorCode.MalformedConnection, 4, "a c= of two fields");
        yield return Case(Head.Replace("192.0.2.1\r\nt", "192.168.0.256\r\nt", StringComparison.Ordinal), SdpParseErrorCode.MalformedConnection, 4, "an IPv4 address with 256 in it");
        yield return Case(Head.Replace("192.0.2.1\r\nt", "10.0.0\r\nt", StringComparison.Ordinal), SdpParseErrorCode.MalformedConnection, 4, "a three-part IPv4 address");
        yield return Case(Head.Replace("192.0.2.1\r\nt", "233.252.0.1/300\r\nt", StringComparison.Ordinal), SdpParseErrorCode.MalformedConnection, 4, "a TTL above 255");
        yield return Case(Head.Replace("IN IP4 192.0.2.1\r\nt", "IN IP6 2001:db8::zz\r\nt", StringComparison.Ordinal), SdpParseErrorCode.MalformedConnection, 4, "a bad IPv6 address");
        yield return Case(Head.Replace("192.0.2.1\r\nt", "bad_host!\r\nt", StringComparison.Ordinal), SdpParseErrorCode.MalformedConnection, 4, "a host name with odd characters");
        yield return Case(Head + "m=audio 70000 RTP/AVP 0\r\n", SdpParseErrorCode.MalformedPort, 6, "a port above 65535");
        yield return Case(Head + "m=audio -1 RTP/AVP 0\r\n", SdpParseErrorCode.MalformedPort, 6, "a negative port");
        yield return Case(Head + "m=audio +4000 RTP/AVP 0\r\n", SdpParseErrorCode.MalformedPort, 6, "a signed port");
        yield return Case(Head + "m=audio 4OOO RTP/AVP 0\r\n", SdpParseErrorCode.MalformedPort, 6, "a port with letters");
        yield return Case(Head + "m=audio 99999999999999999999 RTP/AVP 0\r\n", SdpParseErrorCode.MalformedPort, 6, "a huge port");
        yield return Case(Head + "m=audio 4000/0 RTP/AVP 0\r\n", SdpParseErrorCode.MalformedPort, 6, "a port count of zero");
        yield return Case(Head + "m=audio 4000 RTP/AVP\r\n", SdpParseErrorCode.MalformedMedia, 6, "an m= line without formats");
        yield return Case(Head + "m=audio 4000\r\n", SdpParseErrorCode.MalformedMedia, 6, "an m= line without protocol");
        yield return Case(Head + "m=audio 4000 RTP//AVP 0\r\n", SdpParseErrorCode.MalformedMedia, 6, "a protocol with an empty part");
        yield return Case(Head + "m=audio 4000 /RTP 0\r\n", SdpParseErrorCode.MalformedMedia, 6, "a protocol starting with a slash");
        yield return Case(Head + "m=audio 4000 RTP/AVP 128\r\n", SdpParseErrorCode.MalformedFormat, 6, "payload type 128");
        yield return Case(Head + "m=audio 4000 RTP/AVP 0 pcmu\r\n", SdpParseErrorCode.MalformedFormat, 6, "a named RTP format");
        yield return Case(Head + "m=audio 4000 RTP/AVP 00000000000000000000000008\r\n", SdpParseErrorCode.MalformedFormat, 6, "a payload type with a long run of zeros");
        yield return Case(Head + "m=audio 4000 RTP/AVP 0\r\no=- 2 2 IN IP4 192.0.2.1\r\n", SdpParseErrorCode.MisplacedLine, 7, "an origin inside a stream");
        yield return Case(Head + "m=audio 4000 RTP/AVP 0\r\nt=0 0\r\n", SdpParseErrorCode.MisplacedLine, 7, "a timing inside a stream");
        yield return Case("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nr=7d 1h 0 25h\r\n", SdpParseErrorCode.MisplacedLine, 4, "a repeat without a timing");
        yield return Case(Head + "b=AS:lots\r\n", SdpParseErrorCode.MalformedBandwidth, 6, "a bandwidth that is not a number");
        yield return Case(Head + "b=:64\r\n", SdpParseErrorCode.MalformedBandwidth, 6, "a bandwidth without type");
        yield return Case(Head + "t=0\r\n", SdpParseErrorCode.MalformedTiming, 6, "a timing of one field");
        yield return Case(Head + "t=0 -1\r\n", SdpParseErrorCode.MalformedTiming, 6, "a negative stop time");
        yield return Case(Head + "a=:value\r\n", SdpParseErrorCode.MalformedAttribute, 6, "an attribute without name");
        yield return Case(Head + "a=\r\n", SdpParseErrorCode.MalformedAttribute, 6, "an empty attribute");
        yield return Case(Head + "a=bad name:1\r\n", SdpParseErrorCode.MalformedAttribute, 6, "an attribute name with a space");
        yield return Case("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", SdpParseErrorCode.MissingConnection, 0, "a live stream with no address");
    }

    [TestCaseSource(nameof(Refusals))]
    public void MalformedDescriptionsAreRefusedWithAReasonAndALine(string text, SdpParseErrorCode code, int line)
    {
        Assert.That(SdpParser.TryParse(text, out var sdp, out var error), Is.False, () => "parsed:\n" + sdp);
        Assert.That(sdp, Is.Null);
        Assert.That(error.Code, Is.EqualTo(code), error.ToString());
        Assert.That(error.Line, Is.EqualTo(line), error.ToString());
        Assert.That(error.Detail, Is.Not.Empty);

        // The same input as octets gets the same answer.
        Assert.That(SdpParser.TryParse(Encoding.UTF8.GetBytes(text), out _, out var fromBytes), Is.False);
        Assert.That(fromBytes, Is.EqualTo(error));
    }

    [Test]
    public void LineNumbersCountPhysicalLinesWhateverTheLineEnds()
    {
        const string Lf = "v=0\no=- 1 1 IN IP4 192.0.2.1\n\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 70000 RTP/AVP 0\n";

        SdpParser.TryParse(Lf, out _, out var lf);
        SdpParser.TryParse(Lf.Replace("\n", "\r\n", StringComparison.Ordinal), out _, out var crlf);

        Assert.That(lf.Line, Is.EqualTo(7));
        Assert.That(crlf.Line, Is.EqualTo(7));
    }

    [Test]
    public void EmptyInputIsRefused()
    {
        Assert.That(SdpParser.TryParse(string.Empty, out _, out var fromText), Is.False);
        Assert.That(SdpParser.TryParse(ReadOnlySpan<byte>.Empty, out _, out var fromBytes), Is.False);
        Assert.That(fromText.Code, Is.EqualTo(SdpParseErrorCode.Empty));
        Assert.That(fromBytes.Code, Is.EqualTo(SdpParseErrorCode.Empty));
    }

    [Test]
    public void ANulOctetIsRefusedBeforeDecoding()
    {
        var bytes = Encoding.ASCII.GetBytes(Minimal);
        bytes[20] = 0;

        Assert.That(SdpParser.TryParse(bytes, out _, out var error), Is.False);
        Assert.That(error.Code, Is.EqualTo(SdpParseErrorCode.InvalidCharacter));
    }

    [Test]
    public void InvalidUtf8InFreeTextDoesNotCostTheCall()
    {
        var bytes = Encoding.ASCII.GetBytes(Minimal.Replace("s=-", "s=Caf\u00e9", StringComparison.Ordinal)).ToList();
        bytes[bytes.IndexOf((byte)'?')] = 0xE9;

        Assert.That(SdpParser.TryParse(bytes.ToArray(), out var sdp, out var error), Is.True, () => error.ToString());
        Assert.That(sdp!.SessionName, Is.EqualTo("Caf\uFFFD"));
    }

    [Test]
    public void SizeLinesStreamsAndFormatsAreBounded()
    {
        var tooLarge = Minimal + new string('a', SdpParser.DefaultMaxLength);
        var tooManyLines = Minimal + string.Concat(Enumerable.Repeat("a=x\r\n", SdpParser.MaxLines));
        var tooManyMedia = Minimal + string.Concat(Enumerable.Repeat("m=audio 4000 RTP/AVP 0\r\n", SdpParser.MaxMediaDescriptions));
        var tooManyFormats = Minimal.Replace("RTP/AVP 0", "RTP/AVP " + string.Join(' ', Enumerable.Repeat("0", SdpParser.MaxFormats + 1)), StringComparison.Ordinal);
        var justEnoughFormats = Minimal.Replace("RTP/AVP 0", "RTP/AVP " + string.Join(' ', Enumerable.Range(0, SdpParser.MaxFormats)), StringComparison.Ordinal);

        Assert.That(Code(tooLarge), Is.EqualTo(SdpParseErrorCode.TooLarge));
        Assert.That(SdpParser.TryParse(Encoding.ASCII.GetBytes(Minimal), 32, out _, out var small), Is.False);
        Assert.That(small.Code, Is.EqualTo(SdpParseErrorCode.TooLarge));
        Assert.That(Code(tooManyLines), Is.EqualTo(SdpParseErrorCode.TooManyLines));
        Assert.That(Code(tooManyMedia), Is.EqualTo(SdpParseErrorCode.TooManyMedia));
        Assert.That(Code(tooManyFormats), Is.EqualTo(SdpParseErrorCode.TooManyFormats));
        Assert.That(Code(justEnoughFormats), Is.EqualTo(SdpParseErrorCode.None));
    }

    private static SdpParseErrorCode Code(string text)
    {
        SdpParser.TryParse(text, out _, out var error);
        return error.Code;
    }
}
