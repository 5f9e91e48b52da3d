namespace CallCenter.Core.Ivr;

/// <summary>What a session knows of its call: the id the port's commands name, and the numbers of the call.</summary>
/// <param name="CallerNumber">The caller's number as presented (From user part or P-Asserted-Identity); a data dip
/// sends it as "caller".</param>
/// <param name="CalledNumber">The number the inbound route matched.</param>
public sealed record IvrCall(string CallId, string CallerNumber, string CalledNumber);
