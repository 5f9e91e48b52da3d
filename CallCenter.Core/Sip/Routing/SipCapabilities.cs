using System.Collections.Frozen;

namespace CallCenter.Core.Sip.Routing;

/// <summary>
/// What the server tells peers it can do (RFC 3261 §11.2, §20.5, §20.37). One place, so that an OPTIONS answer, a
/// 405's Allow and a 420's check never disagree. Only what is really implemented is listed: a phone that trusts an
/// Allow or Supported line will use it.
/// </summary>
public static class SipCapabilities
{
    /// <summary>The Allow header value (§20.5): the methods we take. INFO, UPDATE (RFC 3311), REFER (RFC 3515) and
    /// NOTIFY are taken inside a call's dialogs only; out of one they get 481.</summary>
    public const string Allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, REFER, NOTIFY";

    public const string Accept = "application/sdp";

    /// <summary>Option tags (§19.2) we implement: "replaces" (RFC 3891 §6.1), an INVITE whose Replaces names one of
    /// our confirmed dialogs takes that dialog's party's place.</summary>
    public static FrozenSet<string> SupportedOptionTags { get; } = new[] { "replaces" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Methods some RFC defines, so a peer sending one gets 405 with our Allow list rather than 501 (§8.2.1, §21.5.2).
    /// </summary>
    public static FrozenSet<string> KnownMethods { get; } = new[]
    {
        "INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO",
        "REFER", "MESSAGE", "UPDATE",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Methods that only make sense inside a dialog: out of one they get 481 (§12.2.2), not 405.</summary>
    public static FrozenSet<string> DialogOnlyMethods { get; } =
        new[] { "BYE", "PRACK", "INFO", "UPDATE", "REFER", "NOTIFY" }.ToFrozenSet(StringComparer.Ordinal);
}
