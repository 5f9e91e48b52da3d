namespace CallCenter.Core.Sip.Registrar;

public enum RegistrationChangeKind
{
    Added,
    Refreshed,

    /// <summary>Removed by the phone: expires=0, or the "*" wildcard (§10.2.2).</summary>
    Removed,

    /// <summary>Removed to make room for a new contact when the extension reached its MaxContacts.</summary>
    Evicted,

    Expired,
    ReachabilityChanged,
}

/// <summary>One change of the live registration state, as the change feed delivers it. <see cref="Binding"/> is the
/// state after the change, or the last state for the kinds that remove a binding.</summary>
public sealed record RegistrationChange(RegistrationChangeKind Kind, ContactBinding Binding);
