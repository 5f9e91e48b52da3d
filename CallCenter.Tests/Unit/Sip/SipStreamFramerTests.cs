using System.Buffers;
using System.Text;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

public sealed class SipStreamFramerTests
{
    private static readonly int InviteLength = Encoding.ASCII.GetByteCount(SipTestMessages.Invite);

    [Test]
    public void FramesOneCompleteMessage()
    {
        var frame = SipStreamFramer.Frame(SipTestMessages.Bytes(SipTestMessages.Invite), 65_535);
        Assert.That(frame, Is.EqualTo(new SipFrame(SipFrameStatus.Complete, 0, InviteLength, false)));
    }

    [Test]
    public void SkipsKeepAlivesAndReportsAPing()
    {
        var frame = SipStreamFramer.Frame(SipTestMessages.Bytes("\r\n\r\n\r\n" + SipTestMessages.Invite), 65_535);
        Assert.That(frame.Status, Is.EqualTo(SipFrameStatus.Complete));
        Assert.That(frame.KeepAliveLength, Is.EqualTo(6));
        Assert.That(frame.SawPing, Is.True);
        Assert.That(frame.MessageLength, Is.EqualTo(InviteLength));
    }

    [Test]
    public void KeepAliveAloneNeedsMore()
    {
        var frame = SipStreamFramer.Frame("\r\n"u8, 65_535);
        Assert.That(frame, Is.EqualTo(new SipFrame(SipFrameStatus.NeedMore, 2, 0, false)));
    }

    [Test]
    public void PartialHeadersAndPartialBodyNeedMore()
    {
        var bytes = SipTestMessages.Bytes(SipTestMessages.Invite);
        Assert.That(SipStreamFramer.Frame(bytes.AsSpan(0, 50), 65_535).Status, Is.EqualTo(SipFrameStatus.NeedMore));
        Assert.That(SipStreamFramer.Frame(bytes.AsSpan(0, bytes.Length - 1), 65_535).Status, Is.EqualTo(SipFrameStatus.NeedMore));
    }

    [Test]
    public void TwoMessagesInOneBufferAreCutOneAtATime()
    {
        var bytes = SipTestMessages.Bytes(SipTestMessages.Invite + SipTestMessages.Invite.Replace("314159", "314160", StringComparison.Ordinal));
        var first = SipStreamFramer.Frame(bytes, 65_535);
        Assert.That(first.MessageLength, Is.EqualTo(InviteLength));
        var rest = bytes.AsMemory(first.KeepAliveLength + first.MessageLength);
        var second = SipStreamFramer.Frame(rest.Span, 65_535);
        Assert.That(second.Status, Is.EqualTo(SipFrameStatus.Complete));
        Assert.That(SipMessageParser.TryParse(rest[..second.MessageLength], SipParseOptions.Stream, out var message, out _), Is.True);
        Assert.That(message!.CSeq!.Value.Number, Is.EqualTo(314160u));
    }

    [Test]
    public void MultiSegmentSequenceIsFramed()
    {
        var bytes = SipTestMessages.Bytes(SipTestMessages.Invite);
        var first = new Segment(bytes.AsMemory(0, 100));
        var last = first.Append(bytes.AsMemory(100));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.That(SipStreamFramer.Frame(sequence, 65_535), Is.EqualTo(new SipFrame(SipFrameStatus.Complete, 0, InviteLength, false)));
    }

    [Test]
    public void OversizeHeadersOrBodyAreTooLarge()
    {
        Assert.That(SipStreamFramer.Frame(SipTestMessages.Bytes(SipTestMessages.Invite), 100).Status, Is.EqualTo(SipFrameStatus.TooLarge));
        var endless = SipTestMessages.Bytes("INVITE sip:a@b SIP/2.0\r\nX: " + new string('a', 300));
        Assert.That(SipStreamFramer.Frame(endless, 200).Status, Is.EqualTo(SipFrameStatus.TooLarge));
        var huge = SipTestMessages.Invite.Replace("Content-Length: 4", "Content-Length: 999999999", StringComparison.Ordinal);
        Assert.That(SipStreamFramer.Frame(SipTestMessages.Bytes(huge), 65_535).Status, Is.EqualTo(SipFrameStatus.TooLarge));
    }

    [TestCase("Content-Length: 4", "")]
    [TestCase("Content-Length: 4", "Content-Length: -4")]
    [TestCase("Content-Length: 4", "Content-Length: 4\r\nl: 5")]
    public void MissingOrBadContentLengthIsMalformed(string from, string to)
    {
        var text = SipTestMessages.Invite.Replace(from + "\r\n", to.Length == 0 ? string.Empty : to + "\r\n", StringComparison.Ordinal);
        Assert.That(SipStreamFramer.Frame(SipTestMessages.Bytes(text), 65_535).Status, Is.EqualTo(SipFrameStatus.Malformed));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
