namespace CallCenter.Core.Sip.Messages;

public sealed partial class SipResponse : SipMessage
{
    internal SipResponse(int statusCode, string reasonPhrase, ReadOnlyMemory<byte> bytes, SipHeaderEntry[] headers, ReadOnlyMemory<byte> body, in SipCoreHeaders core)
        : base(bytes, headers, body, core)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public override bool IsRequest => false;

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
