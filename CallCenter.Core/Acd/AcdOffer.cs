namespace CallCenter.Core.Acd;

/// <summary>A queue call offered to one agent: ring <see cref="Extension"/> for at most <see cref="RingTimeout"/>.
/// Every outcome the call layer reports names <see cref="OfferId"/>.</summary>
public sealed record AcdOffer(long OfferId, string CallerId, string AgentId, string Extension, string Queue, TimeSpan RingTimeout);
