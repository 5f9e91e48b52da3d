using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

/// <summary>
/// One confirmed leg of a call: the dialog between the server and one party, where requests to the party go, the
/// SDP state of the leg's own offer/answer, and the side of the call's relay its media uses. A call is two of these
/// plus the relay; a transfer or a pickup replaces one leg with a new one on the same relay side, which is why
/// nothing here says "caller" or "callee".
/// <para>Threading: touched only on the owning call's context.</para>
/// </summary>
internal sealed class CallLeg
{
    public CallLeg(
        string channel,
        string? extension,
        MediaLegSide side,
        SipDialog dialog,
        SipTarget target,
        SipFlow contactFlow,
        SdpSessionDescription local,
        SdpSessionVersion version,
        SdpMediaSelection? selection)
    {
        Channel = channel;
        Extension = extension;
        Side = side;
        Dialog = dialog;
        Target = target;
        ContactFlow = contactFlow;
        Local = local;
        Version = version;
        Selection = selection;
    }

    /// <summary>The leg's channel name in the CDR and CEL (Asterisk's channel / dstchannel).</summary>
    public string Channel { get; }

    /// <summary>The party's extension, when the party is one of ours.</summary>
    public string? Extension { get; }

    public MediaLegSide Side { get; }

    public SipDialog Dialog { get; }

    public SipTarget Target { get; }

    /// <summary>The flow whose local address goes in our Contact on this leg.</summary>
    public SipFlow ContactFlow { get; }

    /// <summary>Our last description on this leg (the last offer or answer we sent and had accepted).</summary>
    public SdpSessionDescription Local { get; set; }

    public SdpSessionVersion Version { get; }

    public SdpMediaSelection? Selection { get; set; }

    /// <summary>The party itself put the call on hold (its last offer was sendonly, inactive or 0.0.0.0).</summary>
    public bool PartyHolds { get; set; }

    /// <summary>How the party's last offer said hold (sendonly or inactive), mirrored to the other party.</summary>
    public SdpHoldKind HoldKind { get; set; }

    /// <summary>The direction the server wants on this leg from its own re-INVITEs: sendrecv, or the other party's
    /// hold mirrored (RFC 3264 §8.4).</summary>
    public SdpDirection WantedDirection { get; set; } = SdpDirection.SendRecv;

    /// <summary>The direction the party last accepted from us (what the leg is at now).</summary>
    public SdpDirection OfferedDirection { get; set; } = SdpDirection.SendRecv;

    /// <summary>Our re-INVITE on this leg, from the request until its final response.</summary>
    public LegReInvite? ReInvite { get; set; }

    /// <summary>A 491 made us wait (§14.1): the retry timer and its generation, so a stale firing is ignored.</summary>
    public ITimer? GlareTimer { get; set; }

    public int GlareGeneration { get; set; }

    /// <summary>After a transfer: the wait for the transferor to hang up itself before we send BYE.</summary>
    public ITimer? ByeTimer { get; set; }

    /// <summary>The CSeq of the last re-INVITE of ours that got a 2xx, for ACKing its retransmissions.</summary>
    public uint? LastAckedInvite { get; set; }

    /// <summary>The leg's media must move (it came from another call's relay): our next re-INVITE is owed even if
    /// the direction has not changed.</summary>
    public bool NeedsNewOffer { get; set; }

    /// <summary>The party's extension took one of its call-limit slots for this leg, given back when the call ends.</summary>
    public bool HoldsSlot { get; set; }

    /// <summary>The leg is no longer in the call (transferred away, replaced): its dialog is being ended.</summary>
    public bool Released { get; set; }

    public override string ToString() => Channel;
}
