using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using CallCenter.Core.Sip.Auth;

namespace CallCenter.Tests.Unit.Sip.Auth;

/// <summary>The nonce MAC's AES: the FIPS-197 vector on both paths (AES-NI and the platform's), agreement with the
/// platform's AES for random keys, and a tag that depends on every input.</summary>
public sealed class NonceMacTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void TheCipherMatchesFips197AppendixC1(bool useIntrinsics)
    {
        var mac = new NonceMac(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), useIntrinsics);
        var cipher = mac.Encrypt(Vector128.Create(Convert.FromHexString("00112233445566778899aabbccddeeff")));

        Assert.That(Convert.ToHexStringLower(AsBytes(cipher)), Is.EqualTo("69c4e0d86a7b0430d8cdb78070b4c55a"));
    }

    [Test]
    public void TheIntrinsicPathIsInUseOnThisMachineAndAgreesWithThePlatformForRandomKeys()
    {
        Assert.That(new NonceMac(new byte[16]).UsesIntrinsics, Is.EqualTo(System.Runtime.Intrinsics.X86.Aes.IsSupported));
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var key = new byte[16];
            var block = new byte[16];
            random.NextBytes(key);
            random.NextBytes(block);
            using var reference = Aes.Create();
            reference.Key = key;
            var expected = reference.EncryptEcb(block, PaddingMode.None);

            Assert.That(AsBytes(new NonceMac(key).Encrypt(Vector128.Create(block))), Is.EqualTo(expected), $"key {Convert.ToHexString(key)}");
            Assert.That(AsBytes(new NonceMac(key, useIntrinsics: false).Encrypt(Vector128.Create(block))), Is.EqualTo(expected));
        }
    }

    [Test]
    public void TheTagDependsOnTheKeyTheRealmAndEveryBitOfThePayload()
    {
        var key = Enumerable.Range(1, 16).Select(b => (byte)b).ToArray();
        var mac = new NonceMac(key);
        var payload = Enumerable.Range(100, 16).Select(b => (byte)b).ToArray();
        var tag = Tag(mac, "callcenter", payload);

        Assert.That(Tag(mac, "callcenter", payload), Is.EqualTo(tag), "the same inputs give the same tag");
        Assert.That(Tag(new NonceMac(key, useIntrinsics: false), "callcenter", payload), Is.EqualTo(tag), "both paths give the same tag");
        Assert.That(Tag(mac, "other", payload), Is.Not.EqualTo(tag));
        Assert.That(Tag(mac, "callcenter", payload), Is.EqualTo(tag), "the realm cache follows the realm asked for");
        key[0] ^= 1;
        Assert.That(Tag(new NonceMac(key), "callcenter", payload), Is.Not.EqualTo(tag));
        for (var bit = 0; bit < 128; bit++)
        {
            var flipped = (byte[])payload.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(Tag(mac, "callcenter", flipped), Is.Not.EqualTo(tag), $"bit {bit}");
        }
    }

    private static byte[] Tag(NonceMac mac, string realm, byte[] payload)
    {
        var tag = new byte[NonceMac.TagLength];
        mac.Compute(realm, payload, tag);
        return tag;
    }

    private static byte[] AsBytes(Vector128<byte> block)
    {
        var bytes = new byte[16];
        block.CopyTo(bytes);
        return bytes;
    }
}
