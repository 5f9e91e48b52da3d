using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using CallCenter.Core.Configuration;
using Microsoft.Extensions.Logging;

using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// Digest authentication of requests from phones (REGISTER, INVITE and the like), RFC 3261 §22 with the RFC 7616 /
/// RFC 8760 algorithms MD5 and SHA-256 and qop=auth. The options come with each call, so a reloaded configuration
/// (new users, new passwords) applies to the very next request. Thread-safe and synchronous: it never blocks.
/// <para>Decisions worth knowing (see <see cref="DigestOutcome"/> for how each outcome is answered):</para>
/// <list type="bullet">
/// <item>Every challenge offers the configured algorithms in order with one shared nonce (RFC 8760 §2.4: the client
/// takes the first it supports; MD5 alone by default, as many phones refuse a challenge naming SHA-256). We cannot
/// tailor the offer to the user, who is unknown until credentials come.</item>
/// <item>A user configured with only an MD5 HA1 whose phone answers SHA-256 is an ordinary, counted failure. Not
/// counting it, or answering it differently, would let a scanner learn which extensions exist and how they are
/// configured. The log says why (event 2311) so the admin can give a password or both HA1s.</item>
/// <item>An unknown user is checked against a dummy HA1, so it costs the same hashing as a real one and ends in the
/// same Rejected outcome with the same challenge. Every path computes exactly one H(A1).</item>
/// <item>The RFC 2069 form without qop is accepted for MD5 only, for old phones. It has no nc, so its nonce is good
/// for one request; the phone's next request is answered stale=true and it retries silently.</item>
/// <item>stale=true is given only when the digest itself was right (RFC 2617 §3.2.1): for expired nonces, nonces from
/// before a restart (so phones re-register after a restart without counting failures) and replayed nc values.
/// None of those count toward a ban; a replay carries a correct digest and gains nothing but a new challenge.</item>
/// <item>The uri parameter must equal the request-URI string, ignoring ASCII case: phones copy it verbatim. A proxy
/// that rewrites the request-URI between phone and us would break this; none sits there in our deployments.</item>
/// </list>
/// </summary>
public sealed partial class DigestAuthenticator
{
    private readonly DigestNonceManager _nonces;
    private readonly AuthFailureTracker _failures;
    private readonly ILogger<DigestAuthenticator> _logger;

    // Stands in for the password of users that do not exist or lack the chosen algorithm's HA1.
    private readonly string _dummyPassword = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public DigestAuthenticator(DigestNonceManager nonces, AuthFailureTracker failures, ILogger<DigestAuthenticator> logger)
    {
        _nonces = nonces;
        _failures = failures;
        _logger = logger;
    }

    public DigestOutcome Authenticate(in DigestRequest request, SipOptions sip, ExtensionsOptions extensions)
    {
        if (_failures.IsBanned(request.Source))
        {
            return DigestOutcome.Banned.Instance;
        }

        if (request.Credentials is null)
        {
            return new DigestOutcome.Challenge(CreateChallenges(sip, stale: false));
        }

        if (!DigestCredentials.TryParse(request.Credentials, out var credentials, out var parseError))
        {
            LogMalformed(request.Source, parseError);
            return Fail(request, sip, DigestFailure.Malformed);
        }

        if (!string.Equals(credentials.Realm, sip.Realm, StringComparison.Ordinal))
        {
            return Fail(request, sip, DigestFailure.RealmMismatch);
        }

        if (request.ExpectedUser is not null && !string.Equals(credentials.Username, request.ExpectedUser, StringComparison.Ordinal))
        {
            return Fail(request, sip, DigestFailure.UserMismatch);
        }

        if (!UriMatches(credentials.Uri, request.RequestUri))
        {
            return Fail(request, sip, DigestFailure.UriMismatch);
        }

        if (!credentials.HasQop && credentials.Algorithm != DigestAlgorithm.Md5)
        {
            return Fail(request, sip, DigestFailure.QopRequired);
        }

        // An algorithm the admin did not offer is refused even if we could check it: answering MD5 to a
        // SHA-256-only challenge is a downgrade, whoever attempts it.
        if (!IsOffered(sip, credentials.Algorithm))
        {
            return Fail(request, sip, DigestFailure.AlgorithmNotOffered);
        }

        var algorithm = credentials.Algorithm;
        var length = DigestCalculator.HexLength(algorithm);
        Span<byte> ha1 = stackalloc byte[DigestCalculator.MaxHexLength];
        ha1 = ha1[..length];
        var user = extensions.FindUser(credentials.Username);
        var known = ResolveHa1(user, credentials.Username, sip.Realm, algorithm, ha1);

        Span<byte> ha2 = stackalloc byte[length];
        Span<byte> expected = stackalloc byte[length];
        Span<byte> received = stackalloc byte[length];
        DigestCalculator.ComputeHa2(algorithm, request.Method, credentials.Uri, ha2);
        DigestCalculator.ComputeResponse(
            algorithm, ha1, credentials.Nonce, credentials.NonceCountText, credentials.ClientNonce, ha2, expected);
        Encoding.ASCII.GetBytes(credentials.Response, received);

        // Both operands are lower-case hex of the same length (the parser checked), so this compares the full value
        // in constant time and a timing probe learns nothing about how many leading characters matched.
        var digestMatches = CryptographicOperations.FixedTimeEquals(expected, received);
        if (!digestMatches || !known)
        {
            var reason = user is null ? DigestFailure.UnknownUser
                : !known ? DigestFailure.AlgorithmNotConfigured
                : DigestFailure.WrongResponse;
            if (reason == DigestFailure.AlgorithmNotConfigured)
            {
                LogAlgorithmNotConfigured(credentials.Username, DigestCalculator.Name(algorithm));
            }

            return Fail(request, sip, reason);
        }

        var validity = _nonces.Validate(credentials.Nonce, sip.Realm, sip.Security.NonceLifetime, out var nonceId);
        if (validity != NonceValidity.Valid
            || !_nonces.TryUseCount(nonceId, credentials.HasQop ? credentials.NonceCount : null))
        {
            LogStale(credentials.Username, request.Source, validity);
            return new DigestOutcome.Stale(CreateChallenges(sip, stale: true));
        }

        _failures.RecordSuccess(request.Source);
        var info = credentials.HasQop ? CreateAuthenticationInfo(credentials, ha1) : null;
        return new DigestOutcome.Authenticated(user!, algorithm, info);
    }

    /// <summary>
    /// One WWW-Authenticate / Proxy-Authenticate value per configured algorithm, in the configured order of
    /// preference (RFC 7616 §3.3, RFC 8760 §2.4). They share one nonce: it is not tied to an algorithm, and one MAC
    /// per challenge is cheaper.
    /// </summary>
    public ImmutableArray<string> CreateChallenges(SipOptions sip, bool stale)
    {
        ArgumentNullException.ThrowIfNull(sip);
        var nonce = _nonces.CreateNonce(sip.Realm);
        var quotedRealm = Quote(sip.Realm);
        var suffix = stale ? ", qop=\"auth\", stale=true" : ", qop=\"auth\"";
        var algorithms = sip.Security.DigestAlgorithms.IsDefaultOrEmpty ? ["MD5"] : sip.Security.DigestAlgorithms;
        var challenges = ImmutableArray.CreateBuilder<string>(algorithms.Length);
        foreach (var algorithm in algorithms)
        {
            challenges.Add($"Digest realm={quotedRealm}, nonce=\"{nonce}\", algorithm={algorithm}{suffix}");
        }

        return challenges.MoveToImmutable();
    }

    /// <summary>
    /// RFC 2617 §3.2.2.5: the server SHOULD check that the digest uri names the Request-URI, so that an answer cannot
    /// be replayed against another resource. Equal ignoring case passes; so does a SIP URI with the same scheme, host
    /// and port whose user part differs or is missing, because SIPp's [authentication] (and some phones) answer an
    /// INVITE for sip:2000@pbx with uri="sip:pbx": the answer still cannot be carried to another server.
    /// </summary>
    private static bool UriMatches(string? answered, string requestUri)
    {
        if (string.Equals(answered, requestUri, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return SipUri.TryParse(answered, out var digest) && SipUri.TryParse(requestUri, out var target)
            && string.Equals(digest.Scheme, target.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(digest.Host, target.Host, StringComparison.OrdinalIgnoreCase)
            && digest.Port == target.Port;
    }

    private static bool IsOffered(SipOptions sip, DigestAlgorithm algorithm)
    {
        var name = DigestCalculator.Name(algorithm);
        return sip.Security.DigestAlgorithms.IsDefaultOrEmpty
            ? algorithm == DigestAlgorithm.Md5
            : sip.Security.DigestAlgorithms.Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    private bool ResolveHa1(UserOptions? user, string username, string realm, DigestAlgorithm algorithm, Span<byte> ha1)
    {
        var credential = user?.Credential;
        if (credential?.Password is { } password)
        {
            DigestCalculator.ComputeHa1(algorithm, username, realm, password, ha1);
            return true;
        }

        // Hash the dummy even when a stored HA1 follows, so that this path costs what the others cost.
        DigestCalculator.ComputeHa1(algorithm, username, realm, _dummyPassword, ha1);
        var stored = algorithm == DigestAlgorithm.Sha256 ? credential?.Ha1Sha256 : credential?.Ha1Md5;
        return DigestCalculator.TryNormalizeHex(stored, ha1.Length, ha1);
    }

    private DigestOutcome Fail(in DigestRequest request, SipOptions sip, DigestFailure reason)
    {
        _failures.RecordFailure(request.Source, sip.Security, reason);
        return new DigestOutcome.Rejected(CreateChallenges(sip, stale: false), reason);
    }

    // RFC 7616 §3.5 / RFC 2617 §3.2.3: rspauth proves to the phone that we know its secret too;
    // it is the request-digest with an empty method in A2.
    private static string CreateAuthenticationInfo(DigestCredentials credentials, ReadOnlySpan<byte> ha1)
    {
        var length = ha1.Length;
        Span<byte> ha2 = stackalloc byte[length];
        Span<byte> rspauth = stackalloc byte[length];
        DigestCalculator.ComputeHa2(credentials.Algorithm, string.Empty, credentials.Uri, ha2);
        DigestCalculator.ComputeResponse(
            credentials.Algorithm, ha1, credentials.Nonce, credentials.NonceCountText, credentials.ClientNonce, ha2, rspauth);
        return $"qop=auth, rspauth=\"{Encoding.ASCII.GetString(rspauth)}\", cnonce={Quote(credentials.ClientNonce!)}, nc={credentials.NonceCountText}";
    }

    private static string Quote(string value)
    {
        if (value.AsSpan().IndexOfAny('"', '\\') < 0)
        {
            return $"\"{value}\"";
        }

        var builder = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }
}
