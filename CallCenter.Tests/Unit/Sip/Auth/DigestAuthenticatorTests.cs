using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Sip.Auth;

public sealed partial class DigestAuthenticatorTests
{
    private const string Realm = "pbx.example.org";
    private const string RegisterUri = "sip:pbx.example.org";
    private static readonly IPAddress Phone = IPAddress.Parse("192.0.2.10");

    private FakeTimeProvider _time = null!;
    private AuthFailureTracker _tracker = null!;
    private DigestNonceManager _nonces = null!;
    private DigestAuthenticator _authenticator = null!;
    private SipOptions _sip = null!;
    private ExtensionsOptions _extensions = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _tracker = new AuthFailureTracker(_time, NullLogger<AuthFailureTracker>.Instance);
        _nonces = new DigestNonceManager(_time);
        _authenticator = new DigestAuthenticator(_nonces, _tracker, NullLogger<DigestAuthenticator>.Instance);
        _sip = new SipOptions
        {
            Realm = Realm,
            Domain = Realm,
            Listeners = [],
            Security = new SipSecurityOptions
            {
                MaxFailures = 5,
                FindWindow = TimeSpan.FromMinutes(1),
                BanTime = TimeSpan.FromMinutes(10),
                NonceLifetime = TimeSpan.FromMinutes(5),
                DigestAlgorithms = ["SHA-256", "MD5"],
            },
        };
        _extensions = new ExtensionsOptions
        {
            Users =
            [
                User("1001", new SipCredential { Password = "pass-1001" }),
                User("1002", new SipCredential { Ha1Md5 = Ha1(MD5.HashData, "1002", "pass-1002").ToUpperInvariant() }),
                User("1003", new SipCredential { Ha1Sha256 = Ha1(SHA256.HashData, "1003", "pass-1003") }),
            ],
        };
    }

    [Test]
    public void NoCredentialsGetsSha256ThenMd5ChallengesWithQopAuth()
    {
        var outcome = Authenticate("REGISTER", RegisterUri, null);

        var challenge = AssertChallenge<DigestOutcome.Challenge>(outcome).Challenges;
        Assert.That(challenge, Has.Length.EqualTo(2));
        Assert.That(challenge[0], Does.StartWith("Digest realm=\"pbx.example.org\", nonce=\"").And.Contains("algorithm=SHA-256, qop=\"auth\""));
        Assert.That(challenge[1], Does.Contain("algorithm=MD5, qop=\"auth\""));
        Assert.That(challenge[0], Does.Not.Contain("stale"));
        Assert.That(Nonce(challenge[0]), Is.EqualTo(Nonce(challenge[1])));
        Assert.That(_tracker.TrackedCount, Is.Zero, "a request without credentials is not a failure");
    }

    [TestCase(DigestAlgorithm.Sha256)]
    [TestCase(DigestAlgorithm.Md5)]
    public void PhoneRoundTripAuthenticates(DigestAlgorithm algorithm)
    {
        var challenge = FirstChallenge();
        var header = Answer(challenge, algorithm, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1);

        var outcome = Authenticate("REGISTER", RegisterUri, header, expectedUser: "1001");

        var ok = (DigestOutcome.Authenticated)outcome;
        Assert.That(ok.User.Extension, Is.EqualTo("1001"));
        Assert.That(ok.Algorithm, Is.EqualTo(algorithm));

        // rspauth (RFC 2617 §3.2.3) is the digest with an empty method, computed here from the clear password.
        var rspauth = DigestCalculator.ComputeClientResponse(
            algorithm, "1001", Realm, "pass-1001", string.Empty, RegisterUri, Nonce(challenge), "00000001", "0a4f113b");
        Assert.That(ok.AuthenticationInfo, Is.EqualTo($"qop=auth, rspauth=\"{rspauth}\", cnonce=\"0a4f113b\", nc=00000001"));
    }

    [Test]
    public void InviteUsesTheMethodInTheDigest()
    {
        var challenge = FirstChallenge();
        const string uri = "sip:2000@pbx.example.org";
        var signedForRegister = Answer(challenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", uri, nc: 1);
        var signedForInvite = Answer(challenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "INVITE", uri, nc: 2);

        Assert.That(Authenticate("INVITE", uri, signedForRegister), Is.TypeOf<DigestOutcome.Rejected>());
        Assert.That(Authenticate("INVITE", uri, signedForInvite), Is.TypeOf<DigestOutcome.Authenticated>());
    }

    [Test]
    public void UnknownUserAndWrongPasswordLookTheSame()
    {
        var challenge = FirstChallenge();
        var unknown = Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Sha256, "4711", "guess", "REGISTER", RegisterUri, nc: 1));
        var wrong = Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Sha256, "1001", "guess", "REGISTER", RegisterUri, nc: 1));

        var a = (DigestOutcome.Rejected)unknown;
        var b = (DigestOutcome.Rejected)wrong;
        Assert.That(a.Reason, Is.EqualTo(DigestFailure.UnknownUser));
        Assert.That(b.Reason, Is.EqualTo(DigestFailure.WrongResponse));
        Assert.That(a.Challenges.Select(Shape), Is.EqualTo(b.Challenges.Select(Shape)), "what goes on the wire must not differ");
        Assert.That(a.Challenges.Select(Shape), Is.EqualTo(AssertChallenge<DigestOutcome.Challenge>(Authenticate("REGISTER", RegisterUri, null)).Challenges.Select(Shape)));
        Assert.That(a.Challenges[0], Does.Not.Contain("stale"));
        Assert.That(_tracker.GetBans(), Is.Empty);
    }

    [Test]
    public void FailuresOfEitherKindCountTowardTheSameBan()
    {
        var challenge = FirstChallenge();
        var spare = FirstChallenge();
        for (var i = 0; i < 5; i++)
        {
            var user = i % 2 == 0 ? "4711" : "1001";
            Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Md5, user, "guess", "REGISTER", RegisterUri, nc: 1));
        }

        Assert.That(_tracker.IsBanned(Phone), Is.True);
        var correct = Answer(spare, DigestAlgorithm.Md5, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1);
        Assert.That(Authenticate("REGISTER", RegisterUri, correct), Is.SameAs(DigestOutcome.Banned.Instance));
        Assert.That(Authenticate("REGISTER", RegisterUri, null), Is.SameAs(DigestOutcome.Banned.Instance));
    }

    [Test]
    public void ExpiredNonceWithCorrectDigestIsStaleAndNotCounted()
    {
        var challenge = FirstChallenge();
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        var outcome = Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1));

        var stale = AssertChallenge<DigestOutcome.Stale>(outcome).Challenges;
        Assert.That(stale, Has.All.EndWith("qop=\"auth\", stale=true"));
        Assert.That(_tracker.TrackedCount, Is.Zero);

        var retried = Answer(stale[0], DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1);
        Assert.That(Authenticate("REGISTER", RegisterUri, retried), Is.TypeOf<DigestOutcome.Authenticated>());
    }

    [Test]
    public void NonceJustInsideItsLifetimeIsAccepted()
    {
        var challenge = FirstChallenge();
        _time.Advance(TimeSpan.FromMinutes(5));

        var outcome = Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1));

        Assert.That(outcome, Is.TypeOf<DigestOutcome.Authenticated>());
    }

    [Test]
    public void ExpiredNonceWithWrongDigestIsRejected()
    {
        var challenge = FirstChallenge();
        _time.Advance(TimeSpan.FromMinutes(6));

        var outcome = Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Sha256, "1001", "guess", "REGISTER", RegisterUri, nc: 1));

        Assert.That(((DigestOutcome.Rejected)outcome).Reason, Is.EqualTo(DigestFailure.WrongResponse));
    }

    [Test]
    public void ForgedNonceIsNeverAccepted()
    {
        var nonce = Nonce(FirstChallenge());
        var forged = nonce[..10] + (nonce[10] == 'A' ? 'B' : 'A') + nonce[11..];
        var forgedChallenge = $"Digest realm=\"{Realm}\", nonce=\"{forged}\", algorithm=SHA-256";

        var guessed = Authenticate("REGISTER", RegisterUri, Answer(forgedChallenge, DigestAlgorithm.Sha256, "1001", "guess", "REGISTER", RegisterUri, nc: 1));
        Assert.That(((DigestOutcome.Rejected)guessed).Reason, Is.EqualTo(DigestFailure.WrongResponse));

        // Even with the right password a nonce we did not issue only earns a new challenge.
        var knowing = Authenticate("REGISTER", RegisterUri, Answer(forgedChallenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1));
        Assert.That(knowing, Is.TypeOf<DigestOutcome.Stale>());

        // Characters outside base64url once made the decoder throw; a correct digest over them reaches it.
        var garbage = $"Digest realm=\"{Realm}\", nonce=\"{new string('!', nonce.Length)}\", algorithm=SHA-256";
        var odd = Authenticate("REGISTER", RegisterUri, Answer(garbage, DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1));
        Assert.That(odd, Is.TypeOf<DigestOutcome.Stale>());
    }

    [Test]
    public void NonceFromBeforeARestartIsStaleNotAFailure()
    {
        var before = new DigestNonceManager(_time).CreateNonce(Realm);
        var oldChallenge = $"Digest realm=\"{Realm}\", nonce=\"{before}\", algorithm=MD5";

        var outcome = Authenticate("REGISTER", RegisterUri, Answer(oldChallenge, DigestAlgorithm.Md5, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 7));

        Assert.That(outcome, Is.TypeOf<DigestOutcome.Stale>());
        Assert.That(_tracker.TrackedCount, Is.Zero);
    }

    [Test]
    public void ReplayedNonceCountIsStaleAndAHigherOneIsAccepted()
    {
        var challenge = FirstChallenge();
        string Signed(int nc) => Answer(challenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, nc);

        Assert.That(Authenticate("REGISTER", RegisterUri, Signed(1)), Is.TypeOf<DigestOutcome.Authenticated>());
        Assert.That(Authenticate("REGISTER", RegisterUri, Signed(1)), Is.TypeOf<DigestOutcome.Stale>(), "replay");
        Assert.That(Authenticate("REGISTER", RegisterUri, Signed(2)), Is.TypeOf<DigestOutcome.Authenticated>());
        Assert.That(Authenticate("REGISTER", RegisterUri, Signed(5)), Is.TypeOf<DigestOutcome.Authenticated>(), "gaps are allowed");
        Assert.That(Authenticate("REGISTER", RegisterUri, Signed(3)), Is.TypeOf<DigestOutcome.Stale>(), "lower than the highest seen");
        Assert.That(_tracker.TrackedCount, Is.Zero, "replays are not counted as failures");
    }

    [Test]
    public void LegacyMd5WithoutQopWorksOncePerNonce()
    {
        var challenge = FirstChallenge();
        var header = Answer(challenge, DigestAlgorithm.Md5, "1001", "pass-1001", "REGISTER", RegisterUri, nc: null);
        Assert.That(header, Does.Not.Contain("qop"));

        var first = (DigestOutcome.Authenticated)Authenticate("REGISTER", RegisterUri, header);
        Assert.That(first.AuthenticationInfo, Is.Null);
        Assert.That(Authenticate("REGISTER", RegisterUri, header), Is.TypeOf<DigestOutcome.Stale>());
    }

    [Test]
    public void Sha256WithoutQopIsRejected()
    {
        var header = Answer(FirstChallenge(), DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, nc: null);

        Assert.That(((DigestOutcome.Rejected)Authenticate("REGISTER", RegisterUri, header)).Reason, Is.EqualTo(DigestFailure.QopRequired));
    }

    [Test]
    public void Ha1ConfiguredUsersAuthenticateWithTheirAlgorithmOnly()
    {
        var challenge = FirstChallenge();

        Assert.That(Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Md5, "1002", "pass-1002", "REGISTER", RegisterUri, nc: 1)), Is.TypeOf<DigestOutcome.Authenticated>());
        Assert.That(Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Sha256, "1003", "pass-1003", "REGISTER", RegisterUri, nc: 2)), Is.TypeOf<DigestOutcome.Authenticated>());

        var mismatch = (DigestOutcome.Rejected)Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Sha256, "1002", "pass-1002", "REGISTER", RegisterUri, nc: 3));
        Assert.That(mismatch.Reason, Is.EqualTo(DigestFailure.AlgorithmNotConfigured));
        Assert.That(mismatch.Challenges.Select(Shape), Is.EqualTo(AssertChallenge<DigestOutcome.Challenge>(Authenticate("REGISTER", RegisterUri, null)).Challenges.Select(Shape)));
        Assert.That(_tracker.TrackedCount, Is.EqualTo(1), "counted like any failure, so it is no enumeration oracle");
    }

    [Test]
    public void AlgorithmNotConfiguredIsLoggedForTheAdmin()
    {
        var logger = new CapturingLogger<DigestAuthenticator>();
        var authenticator = new DigestAuthenticator(_nonces, _tracker, logger);
        var header = Answer(FirstChallenge(), DigestAlgorithm.Sha256, "1002", "pass-1002", "REGISTER", RegisterUri, nc: 1);

        authenticator.Authenticate(new DigestRequest("REGISTER", RegisterUri, header, Phone), _sip, _extensions);

        Assert.That(logger.Count(2311), Is.EqualTo(1));
    }

    [Test]
    public void CredentialsForAnotherUserThanTheAddressOfRecordAreRejected()
    {
        var header = Answer(FirstChallenge(), DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1);

        var outcome = Authenticate("REGISTER", RegisterUri, header, expectedUser: "1003");

        Assert.That(((DigestOutcome.Rejected)outcome).Reason, Is.EqualTo(DigestFailure.UserMismatch));
    }

    [Test]
    public void UriMustMatchTheRequestUriIgnoringCase()
    {
        var challenge = FirstChallenge();
        var header = Answer(challenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", "sip:PBX.example.org", nc: 1);

        Assert.That(((DigestOutcome.Rejected)Authenticate("REGISTER", "sip:other.example.org", header)).Reason, Is.EqualTo(DigestFailure.UriMismatch));
        Assert.That(Authenticate("REGISTER", "sip:pbx.example.org", header), Is.TypeOf<DigestOutcome.Authenticated>());
    }

    [Test]
    public void AUriNamingTheSameServerWithoutTheUserPartIsAcceptedAsSippSendsIt()
    {
        var header = Answer(FirstChallenge(), DigestAlgorithm.Sha256, "1001", "pass-1001", "INVITE", "sip:pbx.example.org:5060", nc: 1);

        Assert.That(Authenticate("INVITE", "sip:2000@pbx.example.org:5060", header), Is.TypeOf<DigestOutcome.Authenticated>());
    }

    [Test]
    public void AUriNamingAnotherPortOrHostIsStillRejected()
    {
        var challenge = FirstChallenge();
        var otherPort = Answer(challenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "INVITE", "sip:pbx.example.org:5070", nc: 1);
        var otherHost = Answer(challenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "INVITE", "sip:2000@evil.example.org:5060", nc: 2);

        Assert.That(((DigestOutcome.Rejected)Authenticate("INVITE", "sip:2000@pbx.example.org:5060", otherPort)).Reason, Is.EqualTo(DigestFailure.UriMismatch));
        Assert.That(((DigestOutcome.Rejected)Authenticate("INVITE", "sip:2000@pbx.example.org:5060", otherHost)).Reason, Is.EqualTo(DigestFailure.UriMismatch));
    }

    [Test]
    public void OtherRealmIsRejected()
    {
        var challenge = FirstChallenge().Replace(Realm, "elsewhere", StringComparison.Ordinal);
        var header = Answer(challenge, DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1);

        Assert.That(((DigestOutcome.Rejected)Authenticate("REGISTER", RegisterUri, header)).Reason, Is.EqualTo(DigestFailure.RealmMismatch));
    }

    [Test]
    public void MalformedCredentialsAreACountedFailure()
    {
        var outcome = Authenticate("REGISTER", RegisterUri, "Digest username=\"1001\", realm=");

        Assert.That(((DigestOutcome.Rejected)outcome).Reason, Is.EqualTo(DigestFailure.Malformed));
        Assert.That(_tracker.TrackedCount, Is.EqualTo(1));
    }

    [Test]
    public void SuccessClearsTheFailureCountOfItsSource()
    {
        var challenge = FirstChallenge();
        for (var i = 0; i < 4; i++)
        {
            Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Md5, "1001", "typo", "REGISTER", RegisterUri, nc: 1));
        }

        Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Md5, "1001", "pass-1001", "REGISTER", RegisterUri, nc: 1));
        for (var i = 0; i < 4; i++)
        {
            Authenticate("REGISTER", RegisterUri, Answer(challenge, DigestAlgorithm.Md5, "1001", "typo", "REGISTER", RegisterUri, nc: 2));
        }

        Assert.That(_tracker.IsBanned(Phone), Is.False, "4 + 4 failures with a success between never reach 5 in a row");
    }

    [Test]
    public void ByDefaultOnlyMd5IsOfferedAndASha256AnswerIsRefused()
    {
        var md5Only = _sip with { Security = _sip.Security with { DigestAlgorithms = new SipSecurityOptions().DigestAlgorithms } };
        var challenges = ((DigestOutcome.Challenge)_authenticator.Authenticate(new DigestRequest("REGISTER", RegisterUri, null, Phone, "1001"), md5Only, _extensions)).Challenges;
        Assert.That(challenges, Has.Length.EqualTo(1));
        Assert.That(challenges[0], Does.Contain("algorithm=MD5"));

        var answer = Answer(challenges[0], DigestAlgorithm.Sha256, "1001", "pass-1001", "REGISTER", RegisterUri, 1);
        var outcome = _authenticator.Authenticate(new DigestRequest("REGISTER", RegisterUri, answer, Phone, "1001"), md5Only, _extensions);

        Assert.That(outcome, Is.TypeOf<DigestOutcome.Rejected>());
        Assert.That(((DigestOutcome.Rejected)outcome).Reason, Is.EqualTo(DigestFailure.AlgorithmNotOffered));
    }

    [Test]
    public void ChallengesFollowTheConfiguredOrder()
    {
        var md5First = _sip with { Security = _sip.Security with { DigestAlgorithms = ["MD5", "SHA-256"] } };

        var challenges = _authenticator.CreateChallenges(md5First, stale: false);

        Assert.That(challenges.Select(c => c[(c.IndexOf("algorithm=", StringComparison.Ordinal) + 10)..c.IndexOf(',', c.IndexOf("algorithm=", StringComparison.Ordinal))]),
            Is.EqualTo(new[] { "MD5", "SHA-256" }));
    }

    [Test]
    public void RealmWithQuotesIsEscapedInTheChallenge()
    {
        var challenge = _authenticator.CreateChallenges(_sip with { Realm = "a \"quoted\\\" realm" }, stale: false)[0];

        Assert.That(challenge, Does.StartWith("Digest realm=\"a \\\"quoted\\\\\\\" realm\", "));
    }

    private static UserOptions User(string extension, SipCredential credential) =>
        new() { Extension = extension, DisplayName = "User " + extension, Credential = credential };

    private static string Ha1(Func<byte[], byte[]> hash, string user, string password) =>
        Convert.ToHexStringLower(hash(Encoding.UTF8.GetBytes($"{user}:{Realm}:{password}")));

    private static T AssertChallenge<T>(DigestOutcome outcome)
        where T : DigestOutcome
    {
        Assert.That(outcome, Is.TypeOf<T>());
        return (T)outcome;
    }

    private static string Nonce(string challenge) => NoncePattern().Match(challenge).Groups[1].Value;

    // The challenge with its nonce blanked out: what an observer could compare between two answers.
    private static string Shape(string challenge) => NoncePattern().Replace(challenge, "nonce=\"*\"");

    [GeneratedRegex("nonce=\"([^\"]+)\"")]
    private static partial Regex NoncePattern();

    private string FirstChallenge() => AssertChallenge<DigestOutcome.Challenge>(Authenticate("REGISTER", RegisterUri, null)).Challenges[0];

    private DigestOutcome Authenticate(string method, string uri, string? header, string? expectedUser = null) =>
        _authenticator.Authenticate(new DigestRequest(method, uri, header, Phone, expectedUser), _sip, _extensions);

    // What a phone does with a challenge (RFC 3261 §22.2 / RFC 7616 §3.4); nc null means the RFC 2069 form.
    private static string Answer(string challenge, DigestAlgorithm algorithm, string user, string password, string method, string uri, int? nc)
    {
        var realm = Regex.Match(challenge, "realm=\"([^\"]*)\"").Groups[1].Value;
        var nonce = Nonce(challenge);
        var ncText = nc?.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        var cnonce = nc is null ? null : "0a4f113b";
        var response = DigestCalculator.ComputeClientResponse(algorithm, user, realm, password, method, uri, nonce, ncText, cnonce);
        var header = $"Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm={DigestCalculator.Name(algorithm)}";
        return nc is null ? header : header + $", qop=auth, nc={ncText}, cnonce=\"{cnonce}\"";
    }
}
