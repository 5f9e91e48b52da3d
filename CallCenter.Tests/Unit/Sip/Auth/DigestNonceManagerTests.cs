using CallCenter.Core.Sip.Auth;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Sip.Auth;

public sealed class DigestNonceManagerTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    [Test]
    public void IssuedNoncesAreUniqueAndValidOnlyForTheirRealm()
    {
        var nonces = new DigestNonceManager(new FakeTimeProvider());
        var a = nonces.CreateNonce("pbx");
        var b = nonces.CreateNonce("pbx");

        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(a, Does.Match("^[A-Za-z0-9_-]+$"), "base64url needs no escaping inside a quoted-string");
        Assert.That(nonces.Validate(a, "pbx", Lifetime, out _), Is.EqualTo(NonceValidity.Valid));
        Assert.That(nonces.Validate(a, "other", Lifetime, out _), Is.EqualTo(NonceValidity.Unknown));
    }

    [TestCase("")]
    [TestCase("abc")]
    [TestCase("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void GarbageIsUnknown(string nonce)
    {
        var nonces = new DigestNonceManager(new FakeTimeProvider());

        Assert.That(nonces.Validate(nonce, "pbx", Lifetime, out _), Is.EqualTo(NonceValidity.Unknown));
    }

    [Test]
    public void EveryTamperedCharacterIsDetected()
    {
        var nonces = new DigestNonceManager(new FakeTimeProvider());
        var nonce = nonces.CreateNonce("pbx");
        for (var i = 0; i < nonce.Length; i++)
        {
            var tampered = nonce[..i] + (nonce[i] == 'A' ? 'B' : 'A') + nonce[(i + 1)..];
            Assert.That(nonces.Validate(tampered, "pbx", Lifetime, out _), Is.EqualTo(NonceValidity.Unknown), $"position {i}");
        }
    }

    [Test]
    public void ExpiresAfterItsLifetime()
    {
        var time = new FakeTimeProvider();
        var nonces = new DigestNonceManager(time);
        var nonce = nonces.CreateNonce("pbx");

        time.Advance(Lifetime);
        Assert.That(nonces.Validate(nonce, "pbx", Lifetime, out _), Is.EqualTo(NonceValidity.Valid));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.That(nonces.Validate(nonce, "pbx", Lifetime, out _), Is.EqualTo(NonceValidity.Expired));
    }

    [Test]
    public void ZeroNonceCountIsNeverAccepted()
    {
        var nonces = new DigestNonceManager(new FakeTimeProvider());
        nonces.Validate(nonces.CreateNonce("pbx"), "pbx", Lifetime, out var id);

        Assert.That(nonces.TryUseCount(id, 0), Is.False);
        Assert.That(nonces.TryUseCount(id, 1), Is.True);
    }

    [Test]
    public void TheNonceCountMustRiseAndWithoutQopANonceIsUsedOnce()
    {
        var nonces = new DigestNonceManager(new FakeTimeProvider());
        nonces.Validate(nonces.CreateNonce("pbx"), "pbx", Lifetime, out var counted);
        nonces.Validate(nonces.CreateNonce("pbx"), "pbx", Lifetime, out var once);

        Assert.That(nonces.TryUseCount(counted, 1), Is.True);
        Assert.That(nonces.TryUseCount(counted, 1), Is.False, "the same nc again is a replay");
        Assert.That(nonces.TryUseCount(counted, 3), Is.True, "nc may skip values");
        Assert.That(nonces.TryUseCount(counted, 2), Is.False, "but never go back");
        Assert.That(nonces.TryUseCount(once, null), Is.True);
        Assert.That(nonces.TryUseCount(once, null), Is.False);
        Assert.That(nonces.TryUseCount(once, 5), Is.False, "a nonce used without qop is spent");
        Assert.That(nonces.TrackedCount, Is.EqualTo(2));
    }

    [Test]
    public void ReplayTableIsBoundedAndEvictedNoncesCannotBeReplayed()
    {
        var time = new FakeTimeProvider();
        var nonces = new DigestNonceManager(time, replayCapacity: 4);
        var ids = new List<NonceId>();
        for (var i = 0; i < 10; i++)
        {
            Assert.That(nonces.Validate(nonces.CreateNonce("pbx"), "pbx", Lifetime, out var id), Is.EqualTo(NonceValidity.Valid));
            Assert.That(nonces.TryUseCount(id, 1), Is.True);
            ids.Add(id);
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.That(nonces.TrackedCount, Is.EqualTo(4));
        Assert.That(nonces.EvictedCount, Is.EqualTo(6));

        // The first nonce was forgotten; without the watermark nc=1 would pass again.
        Assert.That(nonces.TryUseCount(ids[0], 1), Is.False);
        Assert.That(nonces.TryUseCount(ids[0], 2), Is.False, "cannot prove it fresh, so the client must get a new one");
        Assert.That(nonces.TryUseCount(ids[9], 2), Is.True, "remembered nonces keep working");
    }

    [Test]
    public void AChallengeAnsweredTenSecondsLateIntoAStormOfTwentyThousandNewNoncesASecondIsStillFresh()
    {
        // A storm's answers lag behind their challenges (a cold start, a backlog): the default table must still
        // remember every nonce used since this one was issued, or its first use is refused as a possible replay.
        var time = new FakeTimeProvider();
        var nonces = new DigestNonceManager(time);
        Assert.That(nonces.Validate(nonces.CreateNonce("pbx"), "pbx", Lifetime, out var late), Is.EqualTo(NonceValidity.Valid));
        for (var i = 0; i < 200_000; i++)
        {
            time.Advance(TimeSpan.FromMicroseconds(50));
            nonces.Validate(nonces.CreateNonce("pbx"), "pbx", Lifetime, out var id);
            Assert.That(nonces.TryUseCount(id, 1), Is.True);
        }

        Assert.That(nonces.TryUseCount(late, 1), Is.True);
        Assert.That(nonces.TryUseCount(late, 1), Is.False, "and then it is remembered like the others");
    }
}
