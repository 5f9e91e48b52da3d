using CallCenter.Media.Dtmf;
using CallCenter.Media.Rtp;

namespace CallCenter.Tests.Unit.Media.Dtmf;

public sealed class TelephoneEventTests
{
    [Test]
    public void PayloadLayoutFollowsSection23()
    {
        var buffer = new byte[4];
        Assert.That(new TelephoneEvent(5, true, 10, 800).Write(buffer), Is.EqualTo(4));
        Assert.That(buffer, Is.EqualTo(new byte[] { 0x05, 0x8A, 0x03, 0x20 }));

        Assert.That(TelephoneEvent.TryRead(buffer, out var read), Is.True);
        Assert.That(read, Is.EqualTo(new TelephoneEvent(5, true, 10, 800)));
    }

    [Test]
    public void TheReservedBitAndTrailingBytesAreIgnoredAndShortPayloadsRefused()
    {
        Assert.That(TelephoneEvent.TryRead([0x0B, 0x7F, 0x00, 0xA0, 0xEE, 0xEE], out var read), Is.True);
        Assert.That(read, Is.EqualTo(new TelephoneEvent(11, false, 63, 160)));
        Assert.That(TelephoneEvent.TryRead([0x0B, 0x00, 0x00], out _), Is.False);
        Assert.That(() => new TelephoneEvent(1, false, 64, 0).Write(new byte[4]), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void EventCodesMapToTheirSymbolsBothWays()
    {
        const string symbols = "0123456789*#ABCDF";
        for (byte code = 0; code <= 16; code++)
        {
            Assert.That(DtmfEvent.SymbolOf(code), Is.EqualTo(symbols[code]));
            Assert.That(DtmfEvent.TryGetCode(symbols[code], out var back), Is.True);
            Assert.That(back, Is.EqualTo(code));
        }

        Assert.That(DtmfEvent.TryGetCode('b', out var lower) && lower == 13, Is.True);
        Assert.That(DtmfEvent.TryGetCode('E', out _), Is.False);
        Assert.That(() => DtmfEvent.SymbolOf(17), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void AHundredMillisecondDigitAtTwentyMillisecondsIsSevenPackets()
    {
        var frames = TelephoneEventSender.Plan(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20));

        Assert.That(frames.Select(f => f.Event.Duration), Is.EqualTo(new ushort[] { 160, 320, 480, 640, 800, 800, 800 }));
        Assert.That(frames.Select(f => f.Event.End), Is.EqualTo(new[] { false, false, false, false, true, true, true }));
        Assert.That(frames.Select(f => f.Marker), Is.EqualTo(new[] { true, false, false, false, false, false, false }));
        Assert.That(frames.Select(f => f.Offset.TotalMilliseconds), Is.EqualTo(new double[] { 0, 20, 40, 60, 80, 100, 120 }));
        Assert.That(frames.Select(f => f.Event.Code).Distinct(), Is.EqualTo(new byte[] { 5 }));
        Assert.That(frames.Select(f => f.Event.Volume).Distinct(), Is.EqualTo(new byte[] { 10 }));
    }

    [Test]
    public void APartialLastIntervalEndsWithTheExactDuration()
    {
        var frames = TelephoneEventSender.Plan(1, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(20), volume: 7);
        Assert.That(frames.Select(f => (f.Event.Duration, f.Event.End)), Is.EqualTo(new[] { ((ushort)160, false), ((ushort)320, false), ((ushort)400, true), ((ushort)400, true), ((ushort)400, true) }));
    }

    [Test]
    public void ADigitShorterThanOnePacketStartsAndEndsInTheFirst()
    {
        var frames = TelephoneEventSender.Plan(0, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(30));
        Assert.That(frames, Has.Count.EqualTo(3));
        Assert.That(frames[0].Marker && frames[0].Event.End, Is.True);
        Assert.That(frames.Select(f => f.Event.Duration).Distinct(), Is.EqualTo(new ushort[] { 80 }));
        Assert.That(() => TelephoneEventSender.Plan(0, TimeSpan.FromSeconds(9), TimeSpan.FromMilliseconds(20)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void WrittenFramesAreRtpPacketsOfTheEventPayloadType()
    {
        var frame = TelephoneEventSender.Plan(11, TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(20))[0];
        var buffer = new byte[32];
        var length = TelephoneEventSender.Write(buffer, frame, 101, 999, 48_000, 0xABCDEF01);

        Assert.That(length, Is.EqualTo(16));
        Assert.That(RtpPacket.TryRead(buffer.AsSpan(0, length), out var packet, out _), Is.True);
        Assert.That((packet.PayloadType, packet.Marker, packet.SequenceNumber, packet.Timestamp, packet.Ssrc), Is.EqualTo(((byte)101, true, (ushort)999, 48_000u, 0xABCDEF01u)));
        Assert.That(TelephoneEvent.TryRead(packet.Payload, out var payload) && payload == new TelephoneEvent(11, false, 10, 160), Is.True);
    }
}
