namespace CallCenter.Core.Sdp;

// One a= line (RFC 8866 §5.13): "a=name" (a property attribute, Value null) or "a=name:value". Kept in the order
// received, unknown ones included, so that a description passed on is the one that came in.
public sealed record SdpAttribute(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : Name + ":" + Value;
}
