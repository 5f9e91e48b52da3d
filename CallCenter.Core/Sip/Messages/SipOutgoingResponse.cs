namespace CallCenter.Core.Sip.Messages;

/// <summary>
/// A response serialized for a server transaction to send and retransmit (SipMessageBuilder.BuildOutgoingResponse):
/// the status and To tag the state machine acts on, and the octets. Not parsed back into a <see cref="SipResponse"/>,
/// because nothing on the way out reads more than this. Immutable.
/// </summary>
internal sealed class SipOutgoingResponse(int statusCode, string? toTag, ReadOnlyMemory<byte> bytes)
{
    public int StatusCode { get; } = statusCode;

    public string? ToTag { get; } = toTag;

    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
