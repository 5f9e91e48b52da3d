using System.Net;

namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// The parts of a request that digest authentication looks at, as the SIP layer hands them over.
/// <paramref name="Credentials"/> is the Authorization / Proxy-Authorization header value (null when absent);
/// <paramref name="ExpectedUser"/> is the user part the credentials must name (the To user for REGISTER, the
/// From user for INVITE), or null to skip that check.
/// </summary>
public readonly record struct DigestRequest(
    string Method,
    string RequestUri,
    string? Credentials,
    IPAddress Source,
    string? ExpectedUser = null);
