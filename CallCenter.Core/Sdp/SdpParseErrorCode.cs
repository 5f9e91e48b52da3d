namespace CallCenter.Core.Sdp;

public enum SdpParseErrorCode
{
    None = 0,
    Empty,
    TooLarge,
    TooManyLines,
    TooManyMedia,
    TooManyFormats,
    InvalidCharacter,
    MalformedLine,
    UnknownLineType,
    MisplacedLine,
    DuplicateLine,
    MissingVersion,
    UnsupportedVersion,
    MissingOrigin,
    MalformedOrigin,
    MalformedConnection,
    MissingConnection,
    MalformedBandwidth,
    MalformedTiming,
    MalformedMedia,
    MalformedPort,
    MalformedFormat,
    MalformedAttribute,
}
