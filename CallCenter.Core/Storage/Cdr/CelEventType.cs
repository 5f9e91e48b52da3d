namespace CallCenter.Core.Storage.Cdr;

/// <summary>
/// What a CEL row records. The names stored are Asterisk's CEL event names where Asterisk has one (CHAN_START,
/// ANSWER, BRIDGE_ENTER, BLINDTRANSFER, ATTENDEDTRANSFER, HANGUP, CHAN_END, LINKEDID_END...); RING, HOLD and UNHOLD
/// are ours, since Asterisk's CEL has no event for them.
/// </summary>
public enum CelEventType
{
    /// <summary>A leg was created: the INVITE in (caller) or out (callee).</summary>
    ChannelStart,

    /// <summary>The callee's phone rings (180/183 on its leg).</summary>
    Ring,

    Answer,
    BridgeEnter,
    BridgeExit,
    BlindTransfer,
    AttendedTransfer,
    Hold,
    Unhold,

    /// <summary>The leg hung up or was hung up; the cause belongs in the event's extra.</summary>
    Hangup,

    ChannelEnd,

    /// <summary>The last call with this linked id is gone.</summary>
    LinkedIdEnd,

    /// <summary>The call was forwarded (302, or a forward rule of ours).</summary>
    Forward,

    Pickup,

    /// <summary>Anything else a component wants on the record; say what in the extra.</summary>
    UserDefined,
}

public static class CelEventTypes
{
    public static string ToText(this CelEventType type) => type switch
    {
        CelEventType.ChannelStart => "CHAN_START",
        CelEventType.Ring => "RING",
        CelEventType.Answer => "ANSWER",
        CelEventType.BridgeEnter => "BRIDGE_ENTER",
        CelEventType.BridgeExit => "BRIDGE_EXIT",
        CelEventType.BlindTransfer => "BLINDTRANSFER",
        CelEventType.AttendedTransfer => "ATTENDEDTRANSFER",
        CelEventType.Hold => "HOLD",
        CelEventType.Unhold => "UNHOLD",
        CelEventType.Hangup => "HANGUP",
        CelEventType.ChannelEnd => "CHAN_END",
        CelEventType.LinkedIdEnd => "LINKEDID_END",
        CelEventType.Forward => "FORWARD",
        CelEventType.Pickup => "PICKUP",
        CelEventType.UserDefined => "USER_DEFINED",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a CEL event type."),
    };
}
