namespace CallCenter.Core.Acd;

/// <summary>Why the call layer could not get an agent's phone to answer an offer. Each counts as a missed offer.</summary>
public enum OfferFailure
{
    NoAnswer,
    Busy,
    Rejected,

    /// <summary>No registered phone, or it did not respond at all.</summary>
    Unreachable,
}
