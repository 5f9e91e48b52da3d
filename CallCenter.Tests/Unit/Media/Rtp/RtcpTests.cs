using System.Text;
using CallCenter.Media.Rtp;

namespace CallCenter.Tests.Unit.Media.Rtp;

public sealed class RtcpTests
{
    // An SR laid out by hand from RFC 3550 §6.4.1: V=2 RC=1 PT=200 length 12 (13 words); SSRC 0x01020304;
    // NTP 0xE8F0A1B2_C3D4E5F6; RTP ts 0x00010000; 100 packets; 16000 octets; one block about SSRC 0x0A0B0C0D with
    // fraction 0x40, cumulative lost -2 (0xFFFFFE), highest seq 0x0001FFFF, jitter 37, LSR 0xA1B2C3D4, DLSR 0x00008000.
    private static readonly byte[] HandMadeSenderReport =
    [
        0x81, 0xC8, 0x00, 0x0C,
        0x01, 0x02, 0x03, 0x04,
        0xE8, 0xF0, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6,
        0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x64,
        0x00, 0x00, 0x3E, 0x80,
        0x0A, 0x0B, 0x0C, 0x0D,
        0x40, 0xFF, 0xFF, 0xFE,
        0x00, 0x01, 0xFF, 0xFF,
        0x00, 0x00, 0x00, 0x25,
        0xA1, 0xB2, 0xC3, 0xD4,
        0x00, 0x00, 0x80, 0x00,
    ];

    [Test]
    public void ReadsASenderReportFieldByField()
    {
        Assert.That(RtcpCompoundPacket.TryRead(HandMadeSenderReport, out var compound, out var reason), Is.True, reason.ToString());
        Assert.That(compound.PacketCount, Is.EqualTo(1));
        foreach (var packet in compound)
        {
            Assert.That(packet.TryGetReport(out var report), Is.True);
            Assert.That(report.IsSenderReport, Is.True);
            Assert.That(report.Ssrc, Is.EqualTo(0x01020304u));
            Assert.That(report.SenderInfo, Is.EqualTo(new RtcpSenderInfo(0xE8F0A1B2C3D4E5F6, 0x10000, 100, 16000)));
            Assert.That(report.SenderInfo.CompactNtpTimestamp, Is.EqualTo(0xA1B2C3D4u));
            Assert.That(report.BlockCount, Is.EqualTo(1));
            Assert.That(report.GetBlock(0), Is.EqualTo(new RtcpReportBlock(0x0A0B0C0D, 0x40, -2, 0x1FFFF, 37, 0xA1B2C3D4, 0x8000)));
        }
    }

    [Test]
    public void TheWriterProducesTheSameBytesAsTheHandMadeReport()
    {
        var buffer = new byte[64];
        var written = RtcpWriter.WriteSenderReport(
            buffer, 0x01020304, new RtcpSenderInfo(0xE8F0A1B2C3D4E5F6, 0x10000, 100, 16000), new RtcpReportBlock(0x0A0B0C0D, 0x40, -2, 0x1FFFF, 37, 0xA1B2C3D4, 0x8000));

        Assert.That(buffer[..written], Is.EqualTo(HandMadeSenderReport));
    }

    [Test]
    public void AReceiverReportWithSourceDescriptionReadsBack()
    {
        var buffer = new byte[128];
        var block = new RtcpReportBlock(0x55667788, 12, 3, 70_000, 9, 0, 0);
        var length = RtcpWriter.WriteReceiverReport(buffer, 0x11223344, block);
        length += RtcpWriter.WriteSourceDescription(buffer.AsSpan(length), 0x11223344, "relay@pbx"u8);

        Assert.That(RtcpCompoundPacket.TryRead(buffer.AsSpan(0, length), out var compound, out var reason), Is.True, reason.ToString());
        Assert.That(compound.PacketCount, Is.EqualTo(2));
        var types = new List<byte>();
        foreach (var packet in compound)
        {
            types.Add(packet.PacketType);
            Assert.That(packet.FirstSsrc, Is.EqualTo(0x11223344u));
            if (packet.TryGetReport(out var report))
            {
                Assert.That(report.IsSenderReport, Is.False);
                Assert.That(report.SenderInfo, Is.EqualTo(default(RtcpSenderInfo)));
                Assert.That(report.GetBlock(0), Is.EqualTo(block));
            }
            else
            {
                // SDES item CNAME (1), length 9, the text, then null octets up to the word boundary (§6.5).
                var body = packet.Body;
                Assert.That(body[4], Is.EqualTo(1));
                Assert.That(Encoding.ASCII.GetString(body.Slice(6, body[5])), Is.EqualTo("relay@pbx"));
                Assert.That(body.Length % 4, Is.Zero);
                Assert.That(body[15..].ToArray(), Is.All.EqualTo(0));
            }
        }

        Assert.That(types, Is.EqualTo(new byte[] { 201, 202 }));
    }

    [Test]
    public void AnEmptyReceiverReportIsEightBytes()
    {
        var buffer = new byte[8];
        Assert.That(RtcpWriter.WriteReceiverReport(buffer, 9, null), Is.EqualTo(8));
        Assert.That(buffer, Is.EqualTo(new byte[] { 0x80, 201, 0, 1, 0, 0, 0, 9 }));
    }

    [Test]
    public void CumulativeLostIsClampedToTwentyFourSignedBits()
    {
        var buffer = new byte[32];
        RtcpWriter.WriteReceiverReport(buffer, 1, new RtcpReportBlock(2, 0, 10_000_000, 0, 0, 0, 0));
        Assert.That(Read(buffer).CumulativeLost, Is.EqualTo(0x7FFFFF));
        RtcpWriter.WriteReceiverReport(buffer, 1, new RtcpReportBlock(2, 0, -10_000_000, 0, 0, 0, 0));
        Assert.That(Read(buffer).CumulativeLost, Is.EqualTo(-0x800000));
    }

    private static RtcpReportBlock Read(byte[] datagram)
    {
        Assert.That(RtcpCompoundPacket.TryRead(datagram, out var compound, out _), Is.True);
        var enumerator = compound.GetEnumerator();
        Assert.That(enumerator.MoveNext(), Is.True);
        Assert.That(enumerator.Current.TryGetReport(out var report), Is.True);
        return report.GetBlock(0);
    }

    [Test]
    public void RejectsCompoundsThatBreakTheRulesOfAppendixA2()
    {
        var rr = new byte[] { 0x80, 201, 0, 1, 0, 0, 0, 9 };
        var sdes = new byte[] { 0x81, 202, 0, 2, 0, 0, 0, 9, 1, 1, 0x61, 0 };
        Assert.That(Reason([]), Is.EqualTo(RtcpReadError.TooShort));
        Assert.That(Reason(sdes), Is.EqualTo(RtcpReadError.FirstPacketNotReport));
        Assert.That(Reason([0x40, 201, 0, 1, 0, 0, 0, 9]), Is.EqualTo(RtcpReadError.UnsupportedVersion));
        Assert.That(Reason([.. rr, 0x40, 202, 0, 0]), Is.EqualTo(RtcpReadError.UnsupportedVersion), "every packet is checked, not only the first");
        Assert.That(Reason([0x80, 201, 0, 2, 0, 0, 0, 9]), Is.EqualTo(RtcpReadError.LengthMismatch));
        Assert.That(Reason([.. rr, 0x80, 202]), Is.EqualTo(RtcpReadError.TooShort));
        Assert.That(Reason([0xA0, 201, 0, 2, 0, 0, 0, 9, 0, 0, 0, 4, .. sdes]), Is.EqualTo(RtcpReadError.PaddingNotLast));
        Assert.That(Reason([0xA0, 201, 0, 2, 0, 0, 0, 9, 0, 0, 0, 0]), Is.EqualTo(RtcpReadError.BadPadding));
        Assert.That(Reason([0xA0, 201, 0, 2, 0, 0, 0, 9, 0, 0, 0, 12]), Is.EqualTo(RtcpReadError.BadPadding));
        Assert.That(Reason([0x81, 201, 0, 1, 0, 0, 0, 9]), Is.EqualTo(RtcpReadError.ReportTruncated));
        Assert.That(Reason([0x80, 200, 0, 1, 0, 0, 0, 9]), Is.EqualTo(RtcpReadError.ReportTruncated), "an SR without its sender info");
        Assert.That(Reason([.. rr, .. sdes]), Is.EqualTo(RtcpReadError.None));
        Assert.That(Reason([0xA0, 201, 0, 2, 0, 0, 0, 9, 0, 0, 0, 4]), Is.EqualTo(RtcpReadError.None), "padding on the last packet");
    }

    private static RtcpReadError Reason(byte[] datagram)
    {
        RtcpCompoundPacket.TryRead(datagram, out _, out var reason);
        return reason;
    }

    [Test]
    public void MutatedAndTruncatedCompoundsNeverThrow()
    {
        var buffer = new byte[128];
        var length = RtcpWriter.WriteReceiverReport(buffer, 1, new RtcpReportBlock(2, 3, 4, 5, 6, 7, 8));
        length += RtcpWriter.WriteSourceDescription(buffer.AsSpan(length), 1, "x@y"u8);
        var valid = buffer[..length];
        var random = new Random(3550);
        var accepted = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var sample = valid.ToArray();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                sample[random.Next(sample.Length)] = (byte)random.Next(256);
            }

            var cut = random.Next(sample.Length + 1);
            if (RtcpCompoundPacket.TryRead(sample.AsSpan(0, cut), out var compound, out _))
            {
                accepted++;
                foreach (var packet in compound)
                {
                    _ = packet.Body.Length + packet.FirstSsrc;
                    if (packet.TryGetReport(out var report))
                    {
                        _ = report.Ssrc + report.SenderInfo.PacketCount;
                        for (var b = 0; b < report.BlockCount; b++)
                        {
                            _ = report.GetBlock(b);
                        }
                    }
                }
            }
        }

        Assert.That(accepted, Is.GreaterThan(100), "mutations that keep the compound valid must also be read");
    }
}
