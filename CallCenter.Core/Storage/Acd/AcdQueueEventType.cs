namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// What happened to a queue call. The stored names are Asterisk's queue_log verbs where one exists (ENTERQUEUE,
/// CONNECT, ABANDON...), so a queue_log written from these rows reads as reporting tools expect; OVERFLOW,
/// CALLBACKREQUEST, CALLBACKFAILED and WRAPUPEND are ours.
/// </summary>
public enum AcdQueueEventType
{
    EnterQueue,
    RingNoAnswer,
    Connect,
    Abandon,
    ExitWithTimeout,
    ExitEmpty,
    ExitWithKey,
    Full,
    JoinEmpty,
    Overflow,
    CallbackRequest,
    CallbackFailed,
    CompleteAgent,
    CompleteCaller,
    WrapUpEnd,
}

public static class AcdQueueEventTypeText
{
    public static string ToText(this AcdQueueEventType type) => type switch
    {
        AcdQueueEventType.EnterQueue => "ENTERQUEUE",
        AcdQueueEventType.RingNoAnswer => "RINGNOANSWER",
        AcdQueueEventType.Connect => "CONNECT",
        AcdQueueEventType.Abandon => "ABANDON",
        AcdQueueEventType.ExitWithTimeout => "EXITWITHTIMEOUT",
        AcdQueueEventType.ExitEmpty => "EXITEMPTY",
        AcdQueueEventType.ExitWithKey => "EXITWITHKEY",
        AcdQueueEventType.Full => "FULL",
        AcdQueueEventType.JoinEmpty => "JOINEMPTY",
        AcdQueueEventType.Overflow => "OVERFLOW",
        AcdQueueEventType.CallbackRequest => "CALLBACKREQUEST",
        AcdQueueEventType.CallbackFailed => "CALLBACKFAILED",
        AcdQueueEventType.CompleteAgent => "COMPLETEAGENT",
        AcdQueueEventType.CompleteCaller => "COMPLETECALLER",
        AcdQueueEventType.WrapUpEnd => "WRAPUPEND",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static AcdQueueEventType Parse(string text) => text switch
    {
        "ENTERQUEUE" => AcdQueueEventType.EnterQueue,
        "RINGNOANSWER" => AcdQueueEventType.RingNoAnswer,
        "CONNECT" => AcdQueueEventType.Connect,
        "ABANDON" => AcdQueueEventType.Abandon,
        "EXITWITHTIMEOUT" => AcdQueueEventType.ExitWithTimeout,
        "EXITEMPTY" => AcdQueueEventType.ExitEmpty,
        "EXITWITHKEY" => AcdQueueEventType.ExitWithKey,
        "FULL" => AcdQueueEventType.Full,
        "JOINEMPTY" => AcdQueueEventType.JoinEmpty,
        "OVERFLOW" => AcdQueueEventType.Overflow,
        "CALLBACKREQUEST" => AcdQueueEventType.CallbackRequest,
        "CALLBACKFAILED" => AcdQueueEventType.CallbackFailed,
        "COMPLETEAGENT" => AcdQueueEventType.CompleteAgent,
        "COMPLETECALLER" => AcdQueueEventType.CompleteCaller,
        "WRAPUPEND" => AcdQueueEventType.WrapUpEnd,
        _ => throw new FormatException($"'{text}' is not a queue event this build knows."),
    };
}
