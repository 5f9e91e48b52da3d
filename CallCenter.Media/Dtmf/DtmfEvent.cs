namespace CallCenter.Media.Dtmf;

/// <summary>
/// One key press seen in an RFC 4733 stream: the event code (0-15 DTMF, 16 flash, §3.2), the RTP timestamp that
/// identifies it within its stream, and its volume in -dBm0.
/// </summary>
public readonly record struct DtmfEvent(byte Code, uint Timestamp, byte Volume)
{
    public const byte Flash = 16;

    /// <summary>'0'-'9', '*', '#', 'A'-'D', or 'F' for a hook flash.</summary>
    public char Symbol => SymbolOf(Code);

    public static char SymbolOf(byte code) => code switch
    {
        <= 9 => (char)('0' + code),
        10 => '*',
        11 => '#',
        <= 15 => (char)('A' + code - 12),
        Flash => 'F',
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Only the DTMF events 0-15 and flash (16) have a symbol."),
    };

    /// <summary>The event code for a symbol of <see cref="SymbolOf"/>; false for anything else.</summary>
    public static bool TryGetCode(char symbol, out byte code)
    {
        code = symbol switch
        {
            >= '0' and <= '9' => (byte)(symbol - '0'),
            '*' => 10,
            '#' => 11,
            >= 'A' and <= 'D' => (byte)(symbol - 'A' + 12),
            >= 'a' and <= 'd' => (byte)(symbol - 'a' + 12),
            'F' or 'f' => Flash,
            _ => byte.MaxValue,
        };
        return code != byte.MaxValue;
    }
}
