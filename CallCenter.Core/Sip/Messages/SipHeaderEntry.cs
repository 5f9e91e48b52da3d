namespace CallCenter.Core.Sip.Messages;

// One header line of a parsed message, as offsets into SipMessage.Bytes. The value range runs
// from the first non-blank octet after the colon to the last non-blank octet of the last
// continuation line, so it still contains any folding (CRLF + WSP); SipMessage.GetValue unfolds.
public readonly record struct SipHeaderEntry(SipHeaderId Id, int LineStart, int NameLength, int ValueStart, int ValueLength)
{
    public int LineLength => ValueStart + ValueLength - LineStart;
}
