using System.Buffers;
using System.Globalization;
using System.Text;

namespace CallCenter.Core.Sdp;

// Serialization in the line order of RFC 8866 §5, CRLF after every line (§5: "<CR><LF>" is the line end; LF
// alone is only tolerated on input).
public sealed partial class SdpSessionDescription
{
    // Computed once: the leg's SdpSessionVersion compares it and the transaction sends it. Two threads racing
    // here build the same string, so the unsynchronized cache is harmless.
    private string? _text;

    public override string ToString()
    {
        if (_text is null)
        {
            var text = new StringBuilder(512);
            Append(text);
            _text = text.ToString();
        }

        return _text;
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());

    public void WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var text = ToString();
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        writer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private void Append(StringBuilder text)
    {
        Line(text, 'v', "0");
        Line(text, 'o', Origin.ToString());

        // RFC 8866 §5.3: s= must not be empty; "-" is the recommended stand-in.
        Line(text, 's', SessionName.Length == 0 || string.IsNullOrWhiteSpace(SessionName) ? "-" : SessionName);
        Optional(text, 'i', Information);
        Optional(text, 'u', Uri);
        foreach (var email in Emails)
        {
            Line(text, 'e', email);
        }

        foreach (var phone in Phones)
        {
            Line(text, 'p', phone);
        }

        if (Connection is not null)
        {
            Line(text, 'c', Connection.ToString());
        }

        foreach (var bandwidth in Bandwidths)
        {
            Line(text, 'b', bandwidth.ToString());
        }

        if (Timings.Count == 0)
        {
            Line(text, 't', "0 0");
        }

        foreach (var timing in Timings)
        {
            Line(text, 't', string.Create(CultureInfo.InvariantCulture, $"{timing.Start} {timing.Stop}"));
            foreach (var repeat in timing.Repeats)
            {
                Line(text, 'r', repeat);
            }
        }

        Optional(text, 'z', TimeZones);
        Optional(text, 'k', EncryptionKey);
        foreach (var attribute in _attributes)
        {
            Line(text, 'a', attribute.ToString());
        }

        foreach (var media in _media)
        {
            AppendMedia(text, media);
        }
    }

    private static void AppendMedia(StringBuilder text, SdpMediaDescription media)
    {
        text.Append("m=").Append(media.Media).Append(' ').Append(media.Port.ToString(CultureInfo.InvariantCulture));
        if (media.PortCount is { } count)
        {
            text.Append('/').Append(count.ToString(CultureInfo.InvariantCulture));
        }

        text.Append(' ').Append(media.Protocol);
        foreach (var format in media.Formats)
        {
            text.Append(' ').Append(format);
        }

        text.Append("\r\n");
        Optional(text, 'i', media.Information);
        foreach (var connection in media.Connections)
        {
            Line(text, 'c', connection.ToString());
        }

        foreach (var bandwidth in media.Bandwidths)
        {
            Line(text, 'b', bandwidth.ToString());
        }

        Optional(text, 'k', media.EncryptionKey);
        foreach (var attribute in media.Attributes)
        {
            Line(text, 'a', attribute.ToString());
        }
    }

    private static void Optional(StringBuilder text, char type, string? value)
    {
        if (value is not null)
        {
            Line(text, type, value);
        }
    }

    private static void Line(StringBuilder text, char type, string value) => text.Append(type).Append('=').Append(value).Append("\r\n");
}
