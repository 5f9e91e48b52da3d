namespace CallCenter.Core.Sip.Messages;

public sealed class SipRequest : SipMessage
{
    internal SipRequest(string method, SipUri requestUri, ReadOnlyMemory<byte> bytes, SipHeaderEntry[] headers, ReadOnlyMemory<byte> body, in SipCoreHeaders core)
        : base(bytes, headers, body, core)
    {
        Method = method;
        RequestUri = requestUri;
    }

    // Case-sensitive token (RFC 3261 §7.1); compare with SipMethods constants.
    public string Method { get; }

    public SipUri RequestUri { get; }

    public override bool IsRequest => true;

    public bool IsMethod(string method) => string.Equals(Method, method, StringComparison.Ordinal);
}
