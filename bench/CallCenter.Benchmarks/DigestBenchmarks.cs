using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Benchmarks;

/// <summary>
/// One REGISTER credential checked end to end: parse, HA1 from the clear password, HA2, response, nonce MAC and
/// the nc table. Every operation uses a fresh nc (a replay would stop before the table and measure less); after
/// <see cref="Prepared"/> operations the authenticator starts over with an empty table and the same nonce key.
/// </summary>
[MemoryDiagnoser]
public class DigestBenchmarks
{
    private const int Prepared = 4096;
    private const string Realm = "pbx.example.org";
    private const string Uri = "sip:pbx.example.org";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly IPAddress _source = IPAddress.Parse("192.0.2.10");
    private SipOptions _sip = null!;
    private ExtensionsOptions _extensions = null!;
    private string[] _headers = null!;
    private DigestAuthenticator _authenticator = null!;
    private int _next;

    [Params(DigestAlgorithm.Md5, DigestAlgorithm.Sha256)]
    public DigestAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _sip = new SipOptions
        {
            Realm = Realm,
            Domain = Realm,
            Listeners = [],
            Security = new SipSecurityOptions { NonceLifetime = TimeSpan.FromHours(1), DigestAlgorithms = ["SHA-256", "MD5"] },
        };
        var users = Enumerable.Range(1000, 200)
            .Select(n => new UserOptions
            {
                Extension = n.ToString(CultureInfo.InvariantCulture),
                DisplayName = "User",
                Credential = new SipCredential { Password = "secret-" + n },
            });
        _extensions = new ExtensionsOptions { Users = [.. users] };

        Reset();
        var nonce = new DigestNonceManager(TimeProvider.System, Prepared, _key).CreateNonce(Realm);
        _headers = new string[Prepared];
        for (var i = 0; i < Prepared; i++)
        {
            var nc = (i + 1).ToString("x8", CultureInfo.InvariantCulture);
            var response = DigestCalculator.ComputeClientResponse(Algorithm, "1100", Realm, "secret-1100", "REGISTER", Uri, nonce, nc, "0a4f113b");
            _headers[i] = $"Digest username=\"1100\", realm=\"{Realm}\", nonce=\"{nonce}\", uri=\"{Uri}\", "
                + $"response=\"{response}\", algorithm={DigestCalculator.Name(Algorithm)}, qop=auth, nc={nc}, cnonce=\"0a4f113b\"";
        }

        // A benchmark of the wrong path would look fast: make sure every prepared header really authenticates.
        for (var i = 0; i < Prepared; i++)
        {
            if (Authenticate() is not DigestOutcome.Authenticated)
            {
                throw new InvalidOperationException($"prepared header {i} did not authenticate");
            }
        }
    }

    [Benchmark]
    public DigestOutcome Authenticate()
    {
        if (_next == Prepared)
        {
            Reset();
        }

        var request = new DigestRequest("REGISTER", Uri, _headers[_next++], _source, "1100");
        return _authenticator.Authenticate(request, _sip, _extensions);
    }

    [Benchmark]
    public DigestOutcome ChallengeWithoutCredentials() =>
        _authenticator.Authenticate(new DigestRequest("REGISTER", Uri, null, _source, "1100"), _sip, _extensions);

    private void Reset()
    {
        var nonces = new DigestNonceManager(TimeProvider.System, Prepared, _key);
        var tracker = new AuthFailureTracker(TimeProvider.System, NullLogger<AuthFailureTracker>.Instance);
        _authenticator = new DigestAuthenticator(nonces, tracker, NullLogger<DigestAuthenticator>.Instance);
        _next = 0;
    }
}
