namespace CallCenter.Core.Sdp;

// Why a description was refused: a code the B2BUA can map (to 488 Not Acceptable Here, or 400 for a broken
// body), the 1-based line where it was found (0 when not about one line) and a detail for the log.
public sealed record SdpParseError(SdpParseErrorCode Code, int Line, string Detail)
{
    public static SdpParseError None { get; } = new(SdpParseErrorCode.None, 0, string.Empty);

    public override string ToString() =>
        Code == SdpParseErrorCode.None ? "no error" : Line > 0 ? $"{Code} at line {Line}: {Detail}" : $"{Code}: {Detail}";
}
