using System.Diagnostics.CodeAnalysis;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Dialogs;

// The dialog identifier of RFC 3261 §12: Call-ID, local tag and remote tag, always from this
// side's point of view. A dialog we answered (UAS) has our To-tag as the local tag; one we started
// (UAC) has our From-tag. A peer that omits its tag (RFC 2543, §12.1.1) gets "" as its tag.
//
// Call-IDs compare byte by byte (§20.8). Tags are tokens and §7.3.1 makes parameter values
// case-insensitive unless a header says otherwise; matching them without case never rejects a
// correct peer, and our own tags are lower-case hex anyway.
public readonly struct SipDialogId : IEquatable<SipDialogId>
{
    public SipDialogId(string callId, string localTag, string remoteTag)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(localTag);
        ArgumentNullException.ThrowIfNull(remoteTag);
        CallId = callId;
        LocalTag = localTag;
        RemoteTag = remoteTag;
    }

    public string CallId { get; }

    public string LocalTag { get; }

    public string RemoteTag { get; }

    // The UAS view of §12.2.2: a request arriving inside a dialog carries our tag in To and the
    // peer's in From, whichever side created the dialog. False when the request has no To-tag
    // (it is not a mid-dialog request) or no Call-ID.
    public static bool TryFromRequest(SipRequest request, out SipDialogId id)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallId is not { Length: > 0 } callId || request.To?.Tag is not { Length: > 0 } toTag)
        {
            id = default;
            return false;
        }

        id = new SipDialogId(callId, toTag, request.From?.Tag ?? string.Empty);
        return true;
    }

    // The UAC view of §12.1.2: a response to a request we sent carries our tag in From and the
    // answering UAS's tag in To. False when the response has no To-tag (a 100, or a stateless
    // error) or no Call-ID: such a response belongs to no dialog.
    public static bool TryFromResponse(SipResponse response, out SipDialogId id)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.CallId is not { Length: > 0 } callId || response.To?.Tag is not { Length: > 0 } toTag)
        {
            id = default;
            return false;
        }

        id = new SipDialogId(callId, response.From?.Tag ?? string.Empty, toTag);
        return true;
    }

    public bool Equals(SipDialogId other) =>
        string.Equals(CallId, other.CallId, StringComparison.Ordinal)
        && string.Equals(LocalTag, other.LocalTag, StringComparison.OrdinalIgnoreCase)
        && string.Equals(RemoteTag, other.RemoteTag, StringComparison.OrdinalIgnoreCase);

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SipDialogId other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(
        StringComparer.Ordinal.GetHashCode(CallId ?? string.Empty),
        StringComparer.OrdinalIgnoreCase.GetHashCode(LocalTag ?? string.Empty),
        StringComparer.OrdinalIgnoreCase.GetHashCode(RemoteTag ?? string.Empty));

    public static bool operator ==(SipDialogId left, SipDialogId right) => left.Equals(right);

    public static bool operator !=(SipDialogId left, SipDialogId right) => !left.Equals(right);

    // For logs: "callid;local=tag;remote=tag".
    public override string ToString() => CallId + ";local=" + LocalTag + ";remote=" + RemoteTag;
}
