using CallCenter.Core.Sip.Transport;

namespace CallCenter.Tests.Integration.Transport;

/// <summary>
/// A stand-in framer so that these tests exercise the transport alone: a message is everything up to and including
/// the first blank line (no bodies), leading CRLFs are keep-alives, and a first byte that is not a letter is garbage.
/// SIP's Content-Length framing is the message layer's and is tested there.
/// </summary>
internal sealed class HeaderBlockFramer : ISipStreamFramer
{
    public SipFrame Frame(ReadOnlySpan<byte> buffered, int maxMessageBytes)
    {
        var skip = buffered.IndexOfAnyExcept("\r\n"u8);
        if (skip < 0)
        {
            return new SipFrame(SipFrameStatus.NeedMore, buffered.Length, 0);
        }

        var message = buffered[skip..];
        if (!char.IsAsciiLetter((char)message[0]))
        {
            return new SipFrame(SipFrameStatus.Malformed, skip, 0);
        }

        var end = message.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return message.Length >= maxMessageBytes
                ? new SipFrame(SipFrameStatus.TooLarge, skip, 0)
                : new SipFrame(SipFrameStatus.NeedMore, skip, 0);
        }

        var length = end + 4;
        return length > maxMessageBytes
            ? new SipFrame(SipFrameStatus.TooLarge, skip, 0)
            : new SipFrame(SipFrameStatus.Complete, skip, length);
    }
}
