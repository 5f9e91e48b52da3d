using System.Security.Cryptography;
using System.Text;
using CallCenter.Core.Sip.Auth;

namespace CallCenter.Tests.Unit.Sip.Auth;

public sealed class Md5Tests
{
    public static IEnumerable<TestCaseData> Rfc1321Suite()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Protocol", "Vectors", "Digest", "md5-rfc1321.txt");
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var last = line.LastIndexOf('|');
            yield return new TestCaseData(line[1..last], line[(last + 1)..]).SetName($"{{m}}(\"{line[1..last]}\")");
        }
    }

    [Test]
    public void TheVectorFileHoldsTheWholeSuite() => Assert.That(Rfc1321Suite().Count(), Is.EqualTo(7));

    [TestCaseSource(nameof(Rfc1321Suite))]
    public void DigestMatchesRfc1321(string message, string digest)
    {
        Span<byte> hash = stackalloc byte[Md5.HashSize];
        Md5.HashData(Encoding.ASCII.GetBytes(message), hash);
        Assert.That(Convert.ToHexStringLower(hash), Is.EqualTo(digest));
    }

    // Every padding case: the tail alone in one block (< 56 bytes), spilling into a second (56-63), and several
    // whole blocks before it, up to past 4 blocks.
    [Test]
    public void DigestMatchesTheFrameworkForEveryLengthUpTo300()
    {
        var random = new Random(1321);
        var data = new byte[300];
        random.NextBytes(data);
        Span<byte> ours = stackalloc byte[Md5.HashSize];
        for (var length = 0; length <= data.Length; length++)
        {
            Md5.HashData(data.AsSpan(0, length), ours);
            Assert.That(ours.ToArray(), Is.EqualTo(MD5.HashData(data.AsSpan(0, length))), $"length {length}");
        }
    }
}
