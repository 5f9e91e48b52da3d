using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace CallCenter.Core.Sdp;

// Parses a session description (RFC 8866) from a SIP body. Never throws on wire input: a refusal is an
// SdpParseError with a reason. Pure function of its input; safe to call from any thread.
//
// Lenient where deployed phones are sloppy: LF-only (or CR-only) line ends, blank lines, trailing spaces and
// tabs, runs of spaces between fields, an empty or missing s=, a missing t=, session-level lines in any order
// after v=, attribute names in any case, malformed values of the attributes it interprets (read as absent).
// Strict where a mistake would mis-route media or hide an attack: v=0 first, exactly one o= with numeric
// id and version, well-formed c= addresses, m= lines with a real port and (for RTP) payload type numbers,
// unknown line types (RFC 8866 §5: such a description is to be ignored), control characters, and limits on
// size, lines, streams and formats.
public static partial class SdpParser
{
    // A SIP body over UDP is already capped by the transport; this holds for TCP and for bodies built by hand.
    // 16 KiB is twice a WebRTC offer with candidates.
    public const int DefaultMaxLength = 16 * 1024;

    public const int MaxLines = 1024;

    public const int MaxMediaDescriptions = 32;

    // RTP has 128 payload types.
    public const int MaxFormats = 128;

    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out SdpSessionDescription? description, out SdpParseError error) =>
        TryParse(data, DefaultMaxLength, out description, out error);

    public static bool TryParse(ReadOnlySpan<byte> data, int maxLength, [NotNullWhen(true)] out SdpSessionDescription? description, out SdpParseError error)
    {
        description = null;
        if (!CheckSize(data.Length, maxLength, out error))
        {
            return false;
        }

        // Checked on the octets: a NUL would otherwise survive decoding.
        var nul = data.IndexOf((byte)0);
        if (nul >= 0)
        {
            error = new SdpParseError(SdpParseErrorCode.InvalidCharacter, 0, $"NUL octet at offset {nul}");
            return false;
        }

        // RFC 8866 §5: UTF-8 unless a=charset says otherwise; nothing this server reads is outside ASCII, and a
        // malformed sequence in a free-text field (s=, i=) must not cost the call, so it decodes to U+FFFD.
        return new Parser().Run(Encoding.UTF8.GetString(data), out description, out error);
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out SdpSessionDescription? description, out SdpParseError error) =>
        TryParse(text, DefaultMaxLength, out description, out error);

    public static bool TryParse(string text, int maxLength, [NotNullWhen(true)] out SdpSessionDescription? description, out SdpParseError error)
    {
        ArgumentNullException.ThrowIfNull(text);
        description = null;
        return CheckSize(text.Length, maxLength, out error) && new Parser().Run(text, out description, out error);
    }

    private static bool CheckSize(int length, int maxLength, out SdpParseError error)
    {
        if (length == 0)
        {
            error = new SdpParseError(SdpParseErrorCode.Empty, 0, "empty body");
            return false;
        }

        if (length > maxLength)
        {
            error = new SdpParseError(SdpParseErrorCode.TooLarge, 0, $"{length} octets exceed the limit of {maxLength}");
            return false;
        }

        error = SdpParseError.None;
        return true;
    }
}
