using CallCenter.Core.Sip.Auth;

namespace CallCenter.Tests.Unit.Sip.Auth;

public sealed class DigestCredentialsTests
{
    // The SHA-256 Authorization value of RFC 7616 §3.9.1, with the line folding removed.
    private const string Rfc7616Sha256 =
        "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", algorithm=SHA-256, "
        + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
        + "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
        + "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
        + "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

    private const string Md5Response = "0123456789abcdef0123456789abcdef";

    [Test]
    public void ParsesTheRfc7616Example()
    {
        Assert.That(DigestCredentials.TryParse(Rfc7616Sha256, out var c, out var error), Is.True, error.ToString());
        Assert.That(c!.Username, Is.EqualTo("Mufasa"));
        Assert.That(c.Realm, Is.EqualTo("http-auth@example.org"));
        Assert.That(c.Uri, Is.EqualTo("/dir/index.html"));
        Assert.That(c.Algorithm, Is.EqualTo(DigestAlgorithm.Sha256));
        Assert.That(c.NonceCount, Is.EqualTo(1u));
        Assert.That(c.HasQop, Is.True);
        Assert.That(c.Opaque, Is.EqualTo("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"));
    }

    [Test]
    public void SchemeAndParameterNamesAreCaseInsensitiveAndResponseIsLowerCased()
    {
        var header = $"dIgEsT USERNAME=\"1001\",Realm=\"pbx\" ,NONCE=\"n\",\tUri=\"sip:pbx\", RESPONSE=\"{Md5Response.ToUpperInvariant()}\", ALGORITHM=md5";

        Assert.That(DigestCredentials.TryParse(header, out var c, out var error), Is.True, error.ToString());
        Assert.That(c!.Username, Is.EqualTo("1001"));
        Assert.That(c.Response, Is.EqualTo(Md5Response));
        Assert.That(c.Algorithm, Is.EqualTo(DigestAlgorithm.Md5));
        Assert.That(c.HasQop, Is.False);
    }

    [Test]
    public void QuotedPairsAreUnescapedAndTokensAcceptedForQuotedParameters()
    {
        var header = $"Digest username=\"a\\\"b\\\\c\", realm=pbx, nonce=\"n\", uri=\"sip:pbx\", response={Md5Response}, qop=\"auth\", nc=0000000a, cnonce=x";

        Assert.That(DigestCredentials.TryParse(header, out var c, out var error), Is.True, error.ToString());
        Assert.That(c!.Username, Is.EqualTo("a\"b\\c"));
        Assert.That(c.Realm, Is.EqualTo("pbx"));
        Assert.That(c.NonceCount, Is.EqualTo(10u));
        Assert.That(c.NonceCountText, Is.EqualTo("0000000a"));
    }

    [Test]
    public void AbsentAlgorithmMeansMd5AndUnknownParametersAreIgnored()
    {
        var header = $"Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"sip:pbx\", response=\"{Md5Response}\", x-vendor=\"y\", ,";

        Assert.That(DigestCredentials.TryParse(header, out var c, out _), Is.True);
        Assert.That(c!.Algorithm, Is.EqualTo(DigestAlgorithm.Md5));
    }

    [TestCase("", DigestParseError.Empty)]
    [TestCase("   ", DigestParseError.Empty)]
    [TestCase("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", DigestParseError.NotDigestScheme)]
    [TestCase("Digest", DigestParseError.NotDigestScheme)]
    [TestCase("Digestusername=\"a\"", DigestParseError.NotDigestScheme)]
    [TestCase("Digest username=\"1001\", username=\"1002\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\"", DigestParseError.DuplicateParameter)]
    [TestCase("Digest username=\"1001\", USERNAME=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\"", DigestParseError.DuplicateParameter)]
    [TestCase("Digest realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\"", DigestParseError.MissingUsername)]
    [TestCase("Digest username=\"1001\", nonce=\"n\", uri=\"u\", response=\"R\"", DigestParseError.MissingRealm)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", uri=\"u\", response=\"R\"", DigestParseError.MissingNonce)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", response=\"R\"", DigestParseError.MissingUri)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\"", DigestParseError.MissingResponse)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", algorithm=MD5-sess", DigestParseError.UnsupportedAlgorithm)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", algorithm=SHA-512-256", DigestParseError.UnsupportedAlgorithm)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", algorithm=SHA-256-sess", DigestParseError.UnsupportedAlgorithm)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", algorithm=AKAv1-MD5", DigestParseError.UnsupportedAlgorithm)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", qop=auth-int, nc=00000001, cnonce=\"c\"", DigestParseError.UnsupportedQop)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", qop=auth, cnonce=\"c\"", DigestParseError.MissingNonceCount)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", qop=auth, nc=00000001", DigestParseError.MissingClientNonce)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", qop=auth, nc=0000001, cnonce=\"c\"", DigestParseError.MalformedNonceCount)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", qop=auth, nc=0000000g, cnonce=\"c\"", DigestParseError.MalformedNonceCount)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", qop=auth, nc=+0000001, cnonce=\"c\"", DigestParseError.MalformedNonceCount)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", nc=00000001", DigestParseError.UnexpectedNonceCount)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", userhash=true", DigestParseError.UnsupportedUserhash)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"0123\"", DigestParseError.MalformedResponse)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"0123456789abcdef0123456789abcdeg\"", DigestParseError.MalformedResponse)]
    [TestCase("Digest username=\"1001\", realm=\"pbx\", nonce=\"n\", uri=\"u\", response=\"R\", algorithm=SHA-256", DigestParseError.MalformedResponse)]
    [TestCase("Digest username=\"1001", DigestParseError.Syntax)]
    [TestCase("Digest username=", DigestParseError.Syntax)]
    [TestCase("Digest username \"1001\"", DigestParseError.Syntax)]
    [TestCase("Digest username=\"1001\" realm=\"pbx\"", DigestParseError.Syntax)]
    [TestCase("Digest username=\"10\r\n01\"", DigestParseError.Syntax)]
    [TestCase("Digest username=\"1001\\", DigestParseError.Syntax)]
    [TestCase("Digest =\"1001\"", DigestParseError.Syntax)]
    public void MalformedValuesAreRefusedWithAReason(string header, DigestParseError expected)
    {
        header = header.Replace("\"R\"", $"\"{Md5Response}\"", StringComparison.Ordinal);

        Assert.That(DigestCredentials.TryParse(header, out var c, out var error), Is.False);
        Assert.That(c, Is.Null);
        Assert.That(error, Is.EqualTo(expected));
    }

    [Test]
    public void NullIsRefused()
    {
        Assert.That(DigestCredentials.TryParse((string?)null, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(DigestParseError.Empty));
    }

    [Test]
    public void TooManyParametersAreRefused()
    {
        var header = "Digest " + string.Join(", ", Enumerable.Range(0, 40).Select(i => $"x{i}=y"));

        Assert.That(DigestCredentials.TryParse(header, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(DigestParseError.TooManyParameters));
    }

    [Test]
    public void EveryTruncationOfAValidValueIsHandledWithoutThrowing()
    {
        for (var length = 0; length < Rfc7616Sha256.Length; length++)
        {
            var prefix = Rfc7616Sha256[..length];
            Assert.DoesNotThrow(() => DigestCredentials.TryParse(prefix, out _, out _), prefix);
        }

        // Cut before the response ends, every prefix is missing something required.
        var responseEnd = Rfc7616Sha256.IndexOf("6c1\"", StringComparison.Ordinal) + 4;
        for (var length = 0; length < responseEnd; length++)
        {
            Assert.That(DigestCredentials.TryParse(Rfc7616Sha256[..length], out _, out _), Is.False, Rfc7616Sha256[..length]);
        }
    }

    [Test]
    public void RandomMutationsNeverThrow()
    {
        // Bounded and reproducible: a fixed seed and a fixed number of rounds.
        var random = new Random(7616);
        const string alphabet = "\"\\,= \t\r\nDigestusernamerealmnoncequopcn0123456789abcdef\u00e9\u0000\u007f";
        var accepted = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var chars = Rfc7616Sha256.ToCharArray().ToList();
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits && chars.Count > 0; e++)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: chars.RemoveAt(at); break;
                    default: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                }
            }

            var mutated = new string([.. chars]);
            bool ok = false;
            Assert.DoesNotThrow(() => ok = DigestCredentials.TryParse(mutated, out _, out _), mutated);
            if (ok)
            {
                accepted++;
            }
        }

        // Some mutations land inside quoted values and stay valid; most break the syntax. Both must happen,
        // or the fuzz is not exercising the parser.
        Assert.That(accepted, Is.GreaterThan(0).And.LessThan(20_000));
    }

    [Test]
    public void RandomGarbageNeverThrows()
    {
        var random = new Random(2617);
        for (var round = 0; round < 5_000; round++)
        {
            var chars = new char[random.Next(0, 200)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)random.Next(0, 0x250);
            }

            var text = "Digest " + new string(chars);
            Assert.DoesNotThrow(() => DigestCredentials.TryParse(text, out _, out _));
        }
    }
}
