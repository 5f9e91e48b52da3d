using CallCenter.Core.Collections;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>The open-addressing index under Timer J's store: it must answer exactly as a dictionary would through
/// any mix of sets, overwrites and removals, including the backward shift across the table's end.</summary>
public sealed class HashedKeyIndexTests
{
    [TestCase(1, 4)]
    [TestCase(2, 16)]
    [TestCase(3, 300)]
    public void ItAnswersAsADictionaryThroughRandomSetsAndRemovals(int seed, int keyPool)
    {
        var random = new Random(seed);
        var keys = Enumerable.Range(0, keyPool).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40)).ToArray();
        // Start tiny so that runs wrap around the end of the table and the table has to grow.
        var index = new HashedKeyIndex(1);
        var model = new Dictionary<ulong, long>();
        for (var step = 0; step < 50_000; step++)
        {
            var key = keys[random.Next(keys.Length)];
            var value = random.Next(1_000);
            if (random.Next(3) == 0)
            {
                // Remove with the filed value most of the time, with another one sometimes (a newer entry's key).
                var filed = model.TryGetValue(key, out var v) ? v : -1;
                var asked = random.Next(4) == 0 ? value : filed;
                var expected = filed >= 0 && filed == asked;
                Assert.That(index.Remove(key, asked), Is.EqualTo(expected), $"step {step}: Remove");
                if (expected)
                {
                    model.Remove(key);
                }
            }
            else
            {
                index.Set(key, value);
                model[key] = value;
            }

            Assert.That(index.Count, Is.EqualTo(model.Count), $"step {step}: Count");
            if (step % 97 == 0)
            {
                foreach (var k in keys)
                {
                    var found = index.TryGetValue(k, out var got);
                    Assert.That(found, Is.EqualTo(model.ContainsKey(k)), $"step {step}: key {k:x}");
                    if (found)
                    {
                        Assert.That(got, Is.EqualTo(model[k]), $"step {step}: value of {k:x}");
                    }
                }
            }
        }

        Assert.That(index.Size, Is.GreaterThanOrEqualTo(2 * model.Count));
    }

    [Test]
    public void ZeroIsAKeyAndAValueLikeAnyOther()
    {
        var index = new HashedKeyIndex(4);
        index.Set(0, 0);

        Assert.That(index.TryGetValue(0, out var value), Is.True);
        Assert.That(value, Is.Zero);
        Assert.That(index.Remove(0, 0), Is.True);
        Assert.That(index.TryGetValue(0, out _), Is.False);
        Assert.That(index.Count, Is.Zero);
    }

    [Test]
    public void AKeyFiledAgainInTheRingPointsAtTheNewerEntryAndOutlivesTheOlder()
    {
        var ring = new DueRing<ulong, Entry>(4);
        ring.Add(new Entry(7, Due: 10));
        ring.Add(new Entry(9, Due: 11));
        ring.Add(new Entry(7, Due: 12));

        Assert.That(ring.TryFind(7, out var sequence), Is.True);
        Assert.That(sequence, Is.EqualTo(2));
        Assert.That(ring.RemoveDue(11, _ => { }), Is.EqualTo(2));
        Assert.That(ring.TryFind(9, out _), Is.False);
        Assert.That(ring.TryFind(7, out sequence), Is.True, "the older entry's expiry must not take the newer one's key");
        Assert.That(sequence, Is.EqualTo(2));
        Assert.That(ring.IndexedCount, Is.EqualTo(1));
        Assert.That(ring.RemoveDue(12, _ => { }), Is.EqualTo(1));
        Assert.That(ring.TryFind(7, out _), Is.False);
        Assert.That(ring.IndexedCount, Is.Zero);
    }

    [Test]
    public void TheRingsIndexGrowsWithTheRing()
    {
        var ring = new DueRing<ulong, Entry>(2);
        for (ulong key = 1; key <= 1_000; key++)
        {
            if (ring.Count == ring.Capacity)
            {
                Assert.That(ring.TryGrow(4_096), Is.True);
            }

            ring.Add(new Entry(key * 0x9E3779B97F4A7C15UL, Due: (long)key));
        }

        for (ulong key = 1; key <= 1_000; key++)
        {
            Assert.That(ring.TryFind(key * 0x9E3779B97F4A7C15UL, out var sequence), Is.True);
            Assert.That(sequence, Is.EqualTo((long)key - 1));
        }
    }

    private readonly record struct Entry(ulong Key, long Due) : IDueEntry<ulong>;
}
