using System.Collections.Immutable;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// What <see cref="DigestAuthenticator"/> decided about one request. The SIP layer maps it to a response:
/// <list type="bullet">
/// <item><see cref="Authenticated"/>: go on; add <c>Authentication-Info</c> (or Proxy-Authentication-Info) when
/// <see cref="Authenticated.AuthenticationInfo"/> is not null.</item>
/// <item><see cref="Challenge"/>, <see cref="Stale"/>, <see cref="Rejected"/>: 401 with one WWW-Authenticate header
/// field per entry of <c>Challenges</c>, in order (REGISTER, RFC 3261 §22.2), or 407 with Proxy-Authenticate for
/// requests the PBX routes such as INVITE (§22.3). Rejected deliberately gets 401 with a fresh challenge, not 403:
/// it is exactly what an unknown user gets, so svwar/svcrack learn nothing from the status, and a user who mistyped
/// a password can retry. Phones do not loop on it: a second 401 without stale=true makes them give up.</item>
/// <item><see cref="Banned"/>: send nothing at all, like fail2ban's DROP. Silence gives a scanner no signal and no
/// reflected traffic to spoofed sources; the transport should check the tracker before even parsing.</item>
/// </list>
/// </summary>
public abstract record DigestOutcome
{
    private DigestOutcome()
    {
    }

    public sealed record Authenticated(UserOptions User, DigestAlgorithm Algorithm, string? AuthenticationInfo) : DigestOutcome;

    /// <summary>No credentials were sent: the normal first step, not a failure.</summary>
    public sealed record Challenge(ImmutableArray<string> Challenges) : DigestOutcome;

    /// <summary>The digest was right but its nonce expired, came from before a restart, or its nc was replayed.
    /// The challenges carry stale=true, so the phone retries without asking its user (RFC 7616 §3.3).</summary>
    public sealed record Stale(ImmutableArray<string> Challenges) : DigestOutcome;

    /// <summary>Counted as a failure. <see cref="Reason"/> is for the log only and must never reach the wire.</summary>
    public sealed record Rejected(ImmutableArray<string> Challenges, DigestFailure Reason) : DigestOutcome;

    public sealed record Banned : DigestOutcome
    {
        public static Banned Instance { get; } = new();
    }
}
