using System.Net;

namespace CallCenter.Core.Sip.Auth;

/// <summary>One entry of the ban list shown on the console. <see cref="Source"/> is a /32 for IPv4 and a /64 for
/// IPv6 (see <see cref="AuthFailureTracker"/> for why).</summary>
public sealed record AuthBan(IPNetwork Source, DateTimeOffset BannedAt, DateTimeOffset Until, int Failures);
