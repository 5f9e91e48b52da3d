using System.Net;
using System.Text.RegularExpressions;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Routing;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Sip.Routing;

/// <summary>The server's transaction user: RFC 3261 §8.2 checks, OPTIONS, and digest on REGISTER/INVITE.</summary>
public sealed partial class SipRequestDispatcherTests
{
    private static readonly IPEndPoint Phone = new(IPAddress.Parse("192.0.2.10"), 5062);

    private FakeTimeProvider _time = null!;
    private AuthFailureTracker _failures = null!;
    private StaticConfiguration _configuration = null!;
    private SipRequestDispatcher _dispatcher = null!;
    private RegistrationStore _store = null!;
    private readonly List<RecordingServerTransaction> _transactions = [];

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _failures = new AuthFailureTracker(_time, NullLogger<AuthFailureTracker>.Instance);
        _configuration = new StaticConfiguration(StaticConfiguration.Options("1000", "1001"));
        var authenticator = new DigestAuthenticator(new DigestNonceManager(_time), _failures, NullLogger<DigestAuthenticator>.Instance);
        _store = new RegistrationStore(_time, NullLogger<RegistrationStore>.Instance);
        var registrar = new SipRegistrar(_store, _configuration, NullLogger<SipRegistrar>.Instance);
        _dispatcher = new SipRequestDispatcher(_configuration, authenticator, _failures, registrar, NullLogger<SipRequestDispatcher>.Instance);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        foreach (var transaction in _transactions)
        {
            transaction.Dispose();
        }
    }

    [Test]
    public void OptionsIsAnsweredWithOurCapabilitiesAndTheSourceStampedInTheVia()
    {
        var transaction = Dispatch(Request("OPTIONS", "sip:1000@127.0.0.1"));

        var response = transaction.Final;
        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.GetHeaderValue("Allow"), Is.EqualTo(SipCapabilities.Allow));
        Assert.That(response.GetHeaderValue("Accept"), Is.EqualTo("application/sdp"));
        Assert.That(response.GetHeaderValue("Server"), Is.EqualTo("CallCenter"));
        Assert.That(response.To!.Tag, Is.Not.Null);
        Assert.That(response.TopVia!.Received, Is.EqualTo("192.0.2.10"));
        Assert.That(response.TopVia.RPort, Is.EqualTo(5062));
    }

    [TestCase("FOO", 501)]
    [TestCase("SUBSCRIBE", 405)]
    [TestCase("MESSAGE", 405)]
    [TestCase("BYE", 481)]
    [TestCase("INFO", 481)]
    public void MethodsWeDoNotTakeOutsideADialogGetTheStatusSection8Prescribes(string method, int status)
    {
        var transaction = Dispatch(Request(method, "sip:1000@127.0.0.1"));

        Assert.That(transaction.Final.StatusCode, Is.EqualTo(status));
        if (status == 405)
        {
            Assert.That(transaction.Final.GetHeaderValue("Allow"), Is.EqualTo(SipCapabilities.Allow), "§8.2.1: 405 carries Allow");
        }
    }

    [Test]
    public void ARequestForADialogWeDoNotHaveGets481()
    {
        var transaction = Dispatch(Request("OPTIONS", "sip:1000@127.0.0.1", toTag: "gone"));

        Assert.That(transaction.Final.StatusCode, Is.EqualTo(481));
    }

    [Test]
    public void ARequiredExtensionWeLackGets420ListingIt()
    {
        var transaction = Dispatch(Request("OPTIONS", "sip:1000@127.0.0.1", extra: "Require: 100rel, timer\r\n"));

        Assert.That(transaction.Final.StatusCode, Is.EqualTo(420));
        Assert.That(transaction.Final.GetHeaderValue("Unsupported"), Is.EqualTo("100rel, timer"));
    }

    [Test]
    public void RegisterWithoutCredentialsIsChallengedWith401OfferingMd5Alone()
    {
        var response = Dispatch(Register("1000")).Final;

        Assert.That(response.StatusCode, Is.EqualTo(401));
        Assert.That(response.GetHeaderValues("WWW-Authenticate").Single(), Does.Contain("algorithm=MD5").And.Contain("qop=\"auth\""));
    }

    [Test]
    public void WithSha256EnabledTheChallengeOffersItFirst()
    {
        var options = _configuration.Current;
        _configuration.Set(options with { Sip = options.Sip with { Security = options.Sip.Security with { DigestAlgorithms = ["SHA-256", "MD5"] } } });

        var transaction = Dispatch(Register("1000"));

        var response = transaction.Final;
        Assert.That(response.StatusCode, Is.EqualTo(401));
        var challenges = response.GetHeaderValues("WWW-Authenticate");
        Assert.That(challenges, Has.Count.EqualTo(2));
        Assert.That(challenges[0], Does.Contain("algorithm=SHA-256"));
        Assert.That(challenges[1], Does.Contain("algorithm=MD5"));
        Assert.That(response.HasHeader("Proxy-Authenticate"), Is.False);
    }

    [Test]
    public void AnUnknownExtensionGetsTheSameChallengeAsAKnownOneButCountsTowardABan()
    {
        var known = Dispatch(Register("1000")).Final;
        var unknown = Dispatch(Register("4711")).Final;

        Assert.That(unknown.StatusCode, Is.EqualTo(known.StatusCode));
        Assert.That(Masked(Shape(unknown), "4711"), Is.EqualTo(Masked(Shape(known), "1000")), "same headers, same order, only nonce and tags differ");
        Assert.That(_failures.IsBanned(Phone.Address), Is.False);

        Dispatch(Register("4712"));
        Dispatch(Register("4713"));

        Assert.That(_failures.IsBanned(Phone.Address), Is.True, "three unknown users with MaxFailures=3 ban the source");
        Assert.That(_failures.GetBans().Single().Source.BaseAddress, Is.EqualTo(Phone.Address));
    }

    [Test]
    public void AKnownExtensionAskingForItsChallengeNeverCountsTowardABan()
    {
        for (var i = 0; i < 10; i++)
        {
            Dispatch(Register("1000"));
        }

        Assert.That(_failures.IsBanned(Phone.Address), Is.False);
    }

    [Test]
    public void AnAuthenticatedRegisterIsAppliedByTheRegistrarAndProvesTheServerKnowsThePassword()
    {
        var challenge = Dispatch(Register("1000")).Final;
        var authorization = Answer(challenge.GetHeaderValues("WWW-Authenticate")[0], "1000", "secret-1000", "REGISTER", "sip:127.0.0.1");

        var response = Dispatch(Register("1000", $"Authorization: {authorization}\r\n")).Final;

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Contacts.Single().Uri!.ToString(), Is.EqualTo("sip:1000@192.0.2.10:5062"));
        Assert.That(response.GetHeaderValue("Authentication-Info"), Does.Contain("rspauth="));
        Assert.That(_store.GetContacts("1000"), Has.Count.EqualTo(1));
    }

    [Test]
    public void ARegisterWithAnotherUsersPasswordChangesNothing()
    {
        var challenge = Dispatch(Register("1001")).Final;
        var authorization = Answer(challenge.GetHeaderValues("WWW-Authenticate")[0], "1000", "secret-1000", "REGISTER", "sip:127.0.0.1");

        var response = Dispatch(Register("1001", $"Authorization: {authorization}\r\n")).Final;

        Assert.That(response.StatusCode, Is.EqualTo(401), "1000's credentials do not register 1001's address of record");
        Assert.That(_store.GetContacts("1001"), Is.Empty);
    }

    [Test]
    public void InviteWithoutCredentialsIsChallengedWith407()
    {
        var response = Dispatch(Invite(from: "1000", to: "1001")).Final;

        Assert.That(response.StatusCode, Is.EqualTo(407));
        Assert.That(response.GetHeaderValues("Proxy-Authenticate"), Has.Count.EqualTo(1));
        Assert.That(response.HasHeader("WWW-Authenticate"), Is.False);
    }

    [TestCase("1001", 480)]
    [TestCase("5555", 404)]
    public void AnAuthenticatedInviteIsRoutedByItsRequestUri(string destination, int status)
    {
        var challenge = Dispatch(Invite(from: "1000", to: destination)).Final;
        var authorization = Answer(challenge.GetHeaderValues("Proxy-Authenticate")[0], "1000", "secret-1000", "INVITE", $"sip:{destination}@127.0.0.1");

        var response = Dispatch(Invite(from: "1000", to: destination, extra: $"Proxy-Authorization: {authorization}\r\n")).Final;

        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(response.GetHeaderValue("Proxy-Authentication-Info"), Does.Contain("rspauth="));
    }

    [Test]
    public void AWrongPasswordGetsAFreshChallengeAndCountsAsAFailure()
    {
        var challenge = Dispatch(Invite(from: "1000", to: "1001")).Final;
        var authorization = Answer(challenge.GetHeaderValues("Proxy-Authenticate")[0], "1000", "wrong", "INVITE", "sip:1001@127.0.0.1");

        for (var i = 0; i < 3; i++)
        {
            var response = Dispatch(Invite(from: "1000", to: "1001", extra: $"Proxy-Authorization: {authorization}\r\n")).Final;
            Assert.That(response.StatusCode, Is.EqualTo(407));
        }

        Assert.That(_failures.IsBanned(Phone.Address), Is.True);
    }

    [Test]
    public void ASuspectSourceIsThrottledBeforeItIsBanned()
    {
        var options = _configuration.Current;
        _configuration.Set(options with { Sip = options.Sip with { Security = options.Sip.Security with { MaxFailures = 6 } } });
        var challenge = Dispatch(Invite(from: "1000", to: "1001")).Final;
        var wrong = $"Proxy-Authorization: {Answer(challenge.GetHeaderValues("Proxy-Authenticate")[0], "1000", "wrong", "INVITE", "sip:1001@127.0.0.1")}\r\n";

        var answered = Enumerable.Range(0, 4).Select(_ => DispatchMaybe(Invite(from: "1000", to: "1001", extra: wrong))).ToList();

        Assert.That(answered.Take(3).Select(t => t.Final.StatusCode), Is.All.EqualTo(407), "failures 1-3: the third makes a suspect and is still answered");
        Assert.That(answered[3].Discarded, Is.True, "failure 4 within the same second goes unanswered");
        Assert.That(answered[3].Responses, Is.Empty);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(DispatchMaybe(Invite(from: "1000", to: "1001", extra: wrong)).Final.StatusCode, Is.EqualTo(407), "one answer a second");
        Assert.That(_failures.IsBanned(Phone.Address), Is.False);
        Assert.That(DispatchMaybe(Invite(from: "1000", to: "1001", extra: wrong)).Final.StatusCode, Is.EqualTo(407), "the sixth failure bans; its answer goes");
        Assert.That(_failures.IsBanned(Phone.Address), Is.True, "throttled failures still count toward the ban");
    }

    [Test]
    public void CredentialsForAnotherUserThanTheFromAreRejected()
    {
        var challenge = Dispatch(Invite(from: "1001", to: "1000")).Final;
        var authorization = Answer(challenge.GetHeaderValues("Proxy-Authenticate")[0], "1000", "secret-1000", "INVITE", "sip:1000@127.0.0.1");

        var response = Dispatch(Invite(from: "1001", to: "1000", extra: $"Proxy-Authorization: {authorization}\r\n")).Final;

        Assert.That(response.StatusCode, Is.EqualTo(407), "1000's password does not let a caller pose as 1001");
    }

    [Test]
    public void ACancelledInviteEndsWith487UnlessItAlreadyEnded()
    {
        using var ringing = new RecordingServerTransaction(Invite("1000", "1001"), Phone);
        _dispatcher.OnCancel(ringing);
        Assert.That(ringing.Final.StatusCode, Is.EqualTo(487));

        _dispatcher.OnCancel(ringing);
        Assert.That(ringing.Responses, Has.Count.EqualTo(1), "a second CANCEL adds nothing");
    }

    private RecordingServerTransaction Dispatch(string request)
    {
        var transaction = new RecordingServerTransaction(request, Phone);
        _transactions.Add(transaction);
        _dispatcher.OnRequest(transaction);
        Assert.That(transaction.Responses.Count(r => r.StatusCode >= 200), Is.EqualTo(1), "every request ends with exactly one final response");
        return transaction;
    }

    // Like Dispatch, for requests that may legitimately get no answer (a throttled source).
    private RecordingServerTransaction DispatchMaybe(string request)
    {
        var transaction = new RecordingServerTransaction(request, Phone);
        _transactions.Add(transaction);
        _dispatcher.OnRequest(transaction);
        Assert.That(transaction.Discarded || transaction.Responses.Count(r => r.StatusCode >= 200) == 1, Is.True);
        return transaction;
    }

    private static string Shape(CallCenter.Core.Sip.Messages.SipResponse response) =>
        string.Join("|", response.Headers.Select(h => response.GetName(h) + "=" + NonceOrTag().Replace(response.GetValue(h), "X")));

    // What differs between two answers besides the values that are random by design: the From/To user is echoed.
    private static string Masked(string shape, string extension) => shape.Replace(extension, "EXT", StringComparison.Ordinal);

    private static string Answer(string challenge, string user, string password, string method, string uri)
    {
        var nonce = NonceValue().Match(challenge).Groups[1].Value;
        var response = DigestCalculator.ComputeClientResponse(DigestAlgorithm.Md5, user, "test", password, method, uri, nonce, "00000001", "c0ffee");
        return $"Digest username=\"{user}\", realm=\"test\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", " +
            "algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c0ffee\"";
    }

    private static string Register(string extension, string extra = "") => Request(
        "REGISTER", "sip:127.0.0.1", to: $"<sip:{extension}@127.0.0.1>", from: $"<sip:{extension}@127.0.0.1>;tag=r{extension}",
        extra: $"Contact: <sip:{extension}@192.0.2.10:5062>\r\n" + extra);

    private static string Invite(string from, string to, string extra = "") => Request(
        "INVITE", $"sip:{to}@127.0.0.1", to: $"<sip:{to}@127.0.0.1>", from: $"<sip:{from}@127.0.0.1>;tag=i{from}",
        extra: $"Contact: <sip:{from}@192.0.2.10:5062>\r\n" + extra);

    private static string Request(string method, string uri, string? to = null, string? from = null, string? toTag = null, string extra = "") =>
        $"{method} {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK{Guid.NewGuid():N};rport\r\nMax-Forwards: 70\r\n" +
        $"From: {from ?? "<sip:probe@192.0.2.10>;tag=abc123"}\r\nTo: {to ?? $"<{uri}>"}{(toTag is null ? "" : ";tag=" + toTag)}\r\n" +
        $"Call-ID: {Guid.NewGuid():N}@test\r\nCSeq: 1 {method}\r\n{extra}Content-Length: 0\r\n\r\n";

    [GeneratedRegex("nonce=\"([^\"]+)\"")]
    private static partial Regex NonceValue();

    [GeneratedRegex("(nonce=\"[^\"]+\"|tag=[0-9a-f]+|branch=[^;,]+|[0-9a-f]{32}@test)")]
    private static partial Regex NonceOrTag();
}
