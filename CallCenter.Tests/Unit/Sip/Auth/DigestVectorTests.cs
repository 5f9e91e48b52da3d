using System.Text;
using CallCenter.Core.Sip.Auth;

namespace CallCenter.Tests.Unit.Sip.Auth;

public sealed class DigestVectorTests
{
    public sealed record Vector(
        string Source, DigestAlgorithm Algorithm, string Username, string Realm, string Password, string Method,
        string Uri, string Nonce, string? NonceCount, string? ClientNonce, string Response)
    {
        public override string ToString() => Source;
    }

    public static IEnumerable<Vector> Vectors()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Protocol", "Vectors", "Digest", "response-vectors.txt");
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var f = line.Split('|');
            Assert.That(DigestCalculator.TryParseAlgorithm(f[1], out var algorithm), Is.True, line);
            yield return new Vector(
                f[0], algorithm, f[2], f[3], f[4], f[5], f[6], f[7],
                f[8].Length == 0 ? null : f[8], f[9].Length == 0 ? null : f[9], f[10]);
        }
    }

    [Test]
    public void TheVectorFileHoldsTheRfcExamples()
    {
        var sources = Vectors().Select(v => v.Source).ToList();
        Assert.That(sources, Has.Some.StartsWith("RFC 7616").And.Some.Contains("SHA-256"));
        Assert.That(sources, Has.Some.StartsWith("RFC 2617"));
        Assert.That(sources, Has.Some.StartsWith("RFC 2069"));
    }

    [TestCaseSource(nameof(Vectors))]
    public void ClientResponseMatchesThePublishedValue(Vector v)
    {
        var response = DigestCalculator.ComputeClientResponse(
            v.Algorithm, v.Username, v.Realm, v.Password, v.Method, v.Uri, v.Nonce, v.NonceCount, v.ClientNonce);

        Assert.That(response, Is.EqualTo(v.Response));
    }

    [TestCaseSource(nameof(Vectors))]
    public void PublishedCredentialsParseBackToTheirParts(Vector v)
    {
        var qop = v.NonceCount is null ? string.Empty : $", qop=auth, nc={v.NonceCount}, cnonce=\"{v.ClientNonce}\"";
        var header = $"Digest username=\"{v.Username}\", realm=\"{v.Realm}\", nonce=\"{v.Nonce}\", uri=\"{v.Uri}\", "
            + $"algorithm={DigestCalculator.Name(v.Algorithm)}, response=\"{v.Response}\"{qop}";

        Assert.That(DigestCredentials.TryParse(header, out var parsed, out var error), Is.True, error.ToString());
        Assert.That(parsed!.Algorithm, Is.EqualTo(v.Algorithm));
        Assert.That(parsed.Nonce, Is.EqualTo(v.Nonce));
        Assert.That(parsed.ClientNonce, Is.EqualTo(v.ClientNonce));
        Assert.That(parsed.NonceCountText, Is.EqualTo(v.NonceCount));
        Assert.That(parsed.HasQop, Is.EqualTo(v.NonceCount is not null));
        Assert.That(parsed.Response, Is.EqualTo(v.Response));
    }

    [Test]
    public void Rfc2617IntermediateValues()
    {
        // RFC 2617 §3.5 spells out HA1 and HA2 for its example; check the steps, not only the end result.
        Span<byte> ha1 = stackalloc byte[32];
        Span<byte> ha2 = stackalloc byte[32];
        DigestCalculator.ComputeHa1(DigestAlgorithm.Md5, "Mufasa", "testrealm@host.com", "Circle Of Life", ha1);
        DigestCalculator.ComputeHa2(DigestAlgorithm.Md5, "GET", "/dir/index.html", ha2);

        Assert.That(Encoding.ASCII.GetString(ha1), Is.EqualTo("939e7578ed9e3c518a452acee763bce9"));
        Assert.That(Encoding.ASCII.GetString(ha2), Is.EqualTo("39aff3a2bab6126f332b942af96d3366"));
    }

    [Test]
    public void LongInputsTakeThePooledPathAndStillHashCorrectly()
    {
        // 600 characters is above the 512-byte stack buffer; compare against a one-shot hash of the same text.
        var uri = "sip:" + new string('a', 600) + "@example.org";
        Span<byte> ha2 = stackalloc byte[64];
        DigestCalculator.ComputeHa2(DigestAlgorithm.Sha256, "INVITE", uri, ha2);

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("INVITE:" + uri)));
        Assert.That(Encoding.ASCII.GetString(ha2), Is.EqualTo(expected));
    }
}
