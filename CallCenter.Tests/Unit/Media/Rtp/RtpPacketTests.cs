using CallCenter.Media.Rtp;

namespace CallCenter.Tests.Unit.Media.Rtp;

public sealed class RtpPacketTests
{
    // V=2, no P/X/CC, M=0, PT=0 (PCMU), seq 0x1234, ts 0x00001000, SSRC 0xDEADBEEF, then a 4-byte payload.
    private static readonly byte[] Simple =
    [
        0x80, 0x00, 0x12, 0x34,
        0x00, 0x00, 0x10, 0x00,
        0xDE, 0xAD, 0xBE, 0xEF,
        0xFF, 0x7F, 0x00, 0x80,
    ];

    // V=2, P=1, X=1, CC=2; M=1, PT=8; two CSRCs; extension profile 0xBEDE with one word; 3 payload bytes; 2 padding.
    private static readonly byte[] Full =
    [
        0xB2, 0x88, 0xFF, 0xFE,
        0x80, 0x00, 0x00, 0x01,
        0x01, 0x02, 0x03, 0x04,
        0x11, 0x11, 0x11, 0x11,
        0x22, 0x22, 0x22, 0x22,
        0xBE, 0xDE, 0x00, 0x01,
        0xAA, 0xBB, 0xCC, 0xDD,
        0xD5, 0x55, 0xD5, 0x00, 0x02,
    ];

    [Test]
    public void ReadsTheFixedHeaderAndPayload()
    {
        Assert.That(RtpPacket.TryRead(Simple, out var packet, out var reason), Is.True);
        Assert.That(reason, Is.EqualTo(RtpReadError.None));
        Assert.That(packet.Marker, Is.False);
        Assert.That(packet.PayloadType, Is.EqualTo(0));
        Assert.That(packet.SequenceNumber, Is.EqualTo(0x1234));
        Assert.That(packet.Timestamp, Is.EqualTo(0x1000u));
        Assert.That(packet.Ssrc, Is.EqualTo(0xDEADBEEFu));
        Assert.That(packet.HeaderLength, Is.EqualTo(12));
        Assert.That(packet.Payload.ToArray(), Is.EqualTo(new byte[] { 0xFF, 0x7F, 0x00, 0x80 }));
        Assert.That(packet.HasExtension || packet.HasPadding, Is.False);
    }

    [Test]
    public void SkipsCsrcsAndExtensionAndStripsPadding()
    {
        Assert.That(RtpPacket.TryRead(Full, out var packet, out _), Is.True);
        Assert.That(packet.Marker, Is.True);
        Assert.That(packet.PayloadType, Is.EqualTo(8));
        Assert.That(packet.SequenceNumber, Is.EqualTo(0xFFFE));
        Assert.That(packet.Timestamp, Is.EqualTo(0x80000001u));
        Assert.That(packet.CsrcCount, Is.EqualTo(2));
        Assert.That(packet.Csrc(0), Is.EqualTo(0x11111111u));
        Assert.That(packet.Csrc(1), Is.EqualTo(0x22222222u));
        Assert.That(packet.ExtensionProfile, Is.EqualTo(0xBEDE));
        Assert.That(packet.ExtensionData.ToArray(), Is.EqualTo(new byte[] { 0xAA, 0xBB, 0xCC, 0xDD }));
        Assert.That(packet.HeaderLength, Is.EqualTo(28));
        Assert.That(packet.Payload.ToArray(), Is.EqualTo(new byte[] { 0xD5, 0x55, 0xD5 }));
    }

    [TestCase(new byte[] { 0x80, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0 }, RtpReadError.TooShort)]
    [TestCase(new byte[] { 0x40, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0 }, RtpReadError.UnsupportedVersion)]
    [TestCase(new byte[] { 0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4 }, RtpReadError.UnsupportedVersion)] // a STUN binding request
    [TestCase(new byte[] { 0x81, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3 }, RtpReadError.CsrcListTruncated)]
    [TestCase(new byte[] { 0x90, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE }, RtpReadError.ExtensionTruncated)]
    [TestCase(new byte[] { 0x90, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0x00, 0x02, 1, 2, 3, 4 }, RtpReadError.ExtensionTruncated)]
    [TestCase(new byte[] { 0xA0, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0 }, RtpReadError.BadPadding)]
    [TestCase(new byte[] { 0xA0, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 7, 3 }, RtpReadError.BadPadding)]
    [TestCase(new byte[] { 0x81, 0xC8, 0x00, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, RtpReadError.RtcpOnRtpPort)]
    public void RejectsMalformedDatagramsWithAReason(byte[] datagram, RtpReadError expected)
    {
        Assert.That(RtpPacket.TryRead(datagram, out _, out var reason), Is.False);
        Assert.That(reason, Is.EqualTo(expected));
    }

    [Test]
    public void PaddingMayTakeTheWholePayload()
    {
        byte[] datagram = [0xA0, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4];
        Assert.That(RtpPacket.TryRead(datagram, out var packet, out _), Is.True);
        Assert.That(packet.Payload.Length, Is.Zero);
    }

    [Test]
    public void EveryTruncationOfAValidPacketIsRejectedOrReadInsideItsBounds()
    {
        for (var length = 0; length <= Full.Length; length++)
        {
            var prefix = Full.AsSpan(0, length);
            if (RtpPacket.TryRead(prefix, out var packet, out _))
            {
                Assert.That(packet.HeaderLength + packet.Payload.Length, Is.LessThanOrEqualTo(length));
            }
        }

        Assert.That(RtpPacket.TryRead(Full.AsSpan(0, Full.Length - 1), out _, out var reason), Is.False, "the padding count is gone");
        Assert.That(reason, Is.EqualTo(RtpReadError.BadPadding));
    }

    [Test]
    public void RandomDatagramsNeverThrowAndNeverReadPastTheEnd()
    {
        var random = new Random(4711);
        var buffer = new byte[80];
        var accepted = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (i % 2 == 0 && length > 0)
            {
                buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F));
            }

            if (RtpPacket.TryRead(buffer.AsSpan(0, length), out var packet, out _))
            {
                accepted++;
                Assert.That(packet.HeaderLength + packet.Payload.Length, Is.LessThanOrEqualTo(length));
                _ = packet.ExtensionData.Length + packet.ExtensionProfile;
                for (var c = 0; c < packet.CsrcCount; c++)
                {
                    _ = packet.Csrc(c);
                }
            }
        }

        Assert.That(accepted, Is.GreaterThan(1000), "the fuzz should also reach the accepting paths");
    }

    [Test]
    public void WritersChangeOneFieldEach()
    {
        var datagram = Full.ToArray();
        RtpHeaderWriter.SetSequenceNumber(datagram, 7);
        RtpHeaderWriter.SetTimestamp(datagram, 0xFFFFFFF0);
        RtpHeaderWriter.SetSsrc(datagram, 0xCAFEBABE);
        RtpHeaderWriter.SetPayloadType(datagram, 0);

        Assert.That(RtpPacket.TryRead(datagram, out var packet, out _), Is.True);
        Assert.That(packet.SequenceNumber, Is.EqualTo(7));
        Assert.That(packet.Timestamp, Is.EqualTo(0xFFFFFFF0u));
        Assert.That(packet.Ssrc, Is.EqualTo(0xCAFEBABEu));
        Assert.That(packet.PayloadType, Is.EqualTo(0));
        Assert.That(packet.Marker, Is.True, "changing the payload type keeps the marker");

        RtpHeaderWriter.SetMarker(datagram, false);
        Assert.That(RtpPacket.TryRead(datagram, out packet, out _), Is.True);
        Assert.That(packet.Marker, Is.False);
        Assert.That(packet.PayloadType, Is.EqualTo(0), "changing the marker keeps the payload type");
        Assert.That(packet.Csrc(1), Is.EqualTo(0x22222222u));
        Assert.That(packet.Payload.ToArray(), Is.EqualTo(new byte[] { 0xD5, 0x55, 0xD5 }));
    }

    [Test]
    public void AFixedHeaderIsTwelveBytesOfVersionTwo()
    {
        var datagram = new byte[16];
        var written = RtpHeaderWriter.WriteFixedHeader(datagram, marker: true, payloadType: 101, sequenceNumber: 0xABCD, timestamp: 160, ssrc: 42);

        Assert.That(written, Is.EqualTo(12));
        Assert.That(datagram[..12], Is.EqualTo(new byte[] { 0x80, 0xE5, 0xAB, 0xCD, 0, 0, 0, 160, 0, 0, 0, 42 }));
        Assert.That(() => RtpHeaderWriter.SetPayloadType(datagram, 128), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
