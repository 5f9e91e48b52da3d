using System.Net;
using System.Text;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>The compact Timer J store: FIFO expiry, the arena's growth and eviction, and the branch check that
/// keeps a hash collision from answering with another transaction's response.</summary>
public sealed class CompletedTransactionsTests
{
    private const int Arena = 64 * 1024;

    // The store only hands the flow back; it never reads the listener.
    private static readonly SipFlow Flow = new(null!, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5060), 0);

    [Test]
    public void AnEntryIsFoundByItsKeyAndBranchAndCopiedOut()
    {
        var store = new CompletedTransactions(Arena);
        var key = CompletedTransactions.KeyOf("z9hG4bKa1", "192.0.2.10:5060", "REGISTER");
        store.Add(key, Response("z9hG4bKa1", 200), Flow, due: 100, silenced: false);

        Assert.That(store.TryFind(key, "z9hG4bKa1", out var found), Is.True);
        Assert.That(Encoding.ASCII.GetString(found.Response), Is.EqualTo(Encoding.ASCII.GetString(Response("z9hG4bKa1", 200))));
        Assert.That(found.Flow, Is.EqualTo(Flow));
        Assert.That(found.Silenced, Is.False);
        Assert.That(store.BytesHeld, Is.EqualTo(found.Response.Length));
    }

    [Test]
    public void TheKeyIgnoresTheCaseOfSentByButNotOfTheBranchOrMethod()
    {
        var key = CompletedTransactions.KeyOf("z9hG4bKa1", "Phone.Example:5060", "REGISTER");

        Assert.That(CompletedTransactions.KeyOf("z9hG4bKa1", "phone.example:5060", "REGISTER"), Is.EqualTo(key));
        Assert.That(CompletedTransactions.KeyOf("z9hG4bKA1", "phone.example:5060", "REGISTER"), Is.Not.EqualTo(key));
        Assert.That(CompletedTransactions.KeyOf("z9hG4bKa1", "phone.example:5060", "OPTIONS"), Is.Not.EqualTo(key));
        Assert.That(CompletedTransactions.KeyOf("z9hG4bKa1", "phone.example:5061", "REGISTER"), Is.Not.EqualTo(key));
    }

    [Test]
    public void AKeyWhoseStoredResponseCarriesAnotherBranchIsNotAMatch()
    {
        // What a hash collision would look like: the index points at an entry for a different branch.
        var store = new CompletedTransactions(Arena);
        var key = CompletedTransactions.KeyOf("z9hG4bKa1", "192.0.2.10:5060", "REGISTER");
        store.Add(key, Response("z9hG4bKa1", 200), Flow, due: 100, silenced: false);

        Assert.That(store.TryFind(key, "z9hG4bKother", out _), Is.False);
    }

    [Test]
    public void ADiscardedEntryIsFoundAsSilencedWithNoBytes()
    {
        var store = new CompletedTransactions(Arena);
        var key = CompletedTransactions.KeyOf("z9hG4bKd", "192.0.2.10:5060", "REGISTER");
        store.Add(key, [], Flow, due: 100, silenced: true);

        Assert.That(store.TryFind(key, "z9hG4bKd", out var found), Is.True);
        Assert.That(found.Silenced, Is.True);
        Assert.That(found.Response, Is.Empty);
    }

    [Test]
    public void EntriesLeaveInOrderWhenDueAndTheArenaEmpties()
    {
        var store = new CompletedTransactions(Arena);
        for (var i = 0; i < 10; i++)
        {
            store.Add(Key(i), Response(Branch(i), 200), Flow, due: 100 + i, silenced: false);
        }

        Assert.That(store.TryGetNextDue(out var first), Is.True);
        Assert.That(first, Is.EqualTo(100));
        Assert.That(store.RemoveDue(104), Is.EqualTo(5));
        Assert.That(store.Count, Is.EqualTo(5));
        Assert.That(store.TryFind(Key(4), Branch(4), out _), Is.False, "expired");
        Assert.That(store.TryFind(Key(5), Branch(5), out _), Is.True, "not yet due");

        Assert.That(store.RemoveDue(1_000), Is.EqualTo(5));
        Assert.That(store.TryGetNextDue(out _), Is.False);
        Assert.That(store.BytesHeld, Is.Zero);
        Assert.That(store.Evicted, Is.Zero);
    }

    [TestCase(CompletedTransactions.DefaultChunkBytes)]
    [TestCase(Arena)]
    public void TheArenaGrowsUpToItsBoundAndEveryEntryKeepsItsBytes(int chunkBytes)
    {
        // 64 KB to start, 256 KB at most: 2,000 responses of ~120 bytes need about 240 KB, so it doubles twice.
        var store = new CompletedTransactions(4 * Arena, chunkBytes: chunkBytes);
        for (var i = 0; i < 2_000; i++)
        {
            Assert.That(store.Add(Key(i), Response(Branch(i), 200), Flow, due: i, silenced: false), Is.Zero);
        }

        Assert.That(store.Count, Is.EqualTo(2_000));
        for (var i = 0; i < 2_000; i += 97)
        {
            Assert.That(store.TryFind(Key(i), Branch(i), out var found), Is.True, $"entry {i}");
            Assert.That(found.Response, Is.EqualTo(Response(Branch(i), 200)), $"entry {i}");
        }
    }

    [TestCase(CompletedTransactions.DefaultChunkBytes)]
    [TestCase(Arena)]
    public void AfterAStormTheArenaShrinksAsItsEntriesExpireAndTheRestKeepTheirBytes(int chunkBytes)
    {
        // A storm grows the arena to 16 times its first size; as it ends, entries expire and the arena halves
        // each time what it holds falls under an eighth, the live ones laid out again and still found intact.
        var store = new CompletedTransactions(16 * Arena, chunkBytes: chunkBytes);
        const int Storm = 8_000;
        for (var i = 0; i < Storm; i++)
        {
            Assert.That(store.Add(Key(i), Response(Branch(i), 200), Flow, due: i, silenced: false), Is.Zero);
        }

        Assert.That(store.ArenaBytes, Is.EqualTo(16 * Arena));
        var sizes = new List<int>();
        for (var now = 0; now < Storm - 50; now += 100)
        {
            store.RemoveDue(now);
            sizes.Add(store.ArenaBytes);
            for (var i = now + 1; i < Storm; i += 331)
            {
                Assert.That(store.TryFind(Key(i), Branch(i), out var found), Is.True, $"entry {i} at {now}");
                Assert.That(found.Response, Is.EqualTo(Response(Branch(i), 200)), $"entry {i} at {now}");
            }
        }

        Assert.That(sizes, Is.Ordered.Descending);
        Assert.That(store.ArenaBytes, Is.LessThanOrEqualTo(2 * Arena), $"sizes {string.Join(",", sizes)}");
        Assert.That(store.BytesHeld, Is.LessThanOrEqualTo(store.ArenaBytes));

        // New entries after the shrink go where the layout says.
        for (var i = Storm; i < Storm + 500; i++)
        {
            store.Add(Key(i), Response(Branch(i), 200), Flow, due: i, silenced: false);
        }

        for (var i = Storm - 40; i < Storm + 500; i++)
        {
            Assert.That(store.TryFind(Key(i), Branch(i), out var found), Is.True, $"entry {i}");
            Assert.That(found.Response, Is.EqualTo(Response(Branch(i), 200)), $"entry {i}");
        }

        Assert.That(store.Evicted, Is.Zero);
    }

    [Test]
    public void AFullArenaEvictsTheOldestAndCountsThem()
    {
        var store = new CompletedTransactions(Arena);
        var evicted = 0;
        for (var i = 0; i < 2_000; i++)
        {
            evicted += store.Add(Key(i), Response(Branch(i), 200), Flow, due: i, silenced: false);
        }

        Assert.That(evicted, Is.GreaterThan(0));
        Assert.That(store.Evicted, Is.EqualTo(evicted));
        Assert.That(store.Count + evicted, Is.EqualTo(2_000));
        Assert.That(store.BytesHeld, Is.LessThanOrEqualTo(Arena));
        Assert.That(store.TryFind(Key(0), Branch(0), out _), Is.False, "the oldest left first");
        Assert.That(store.TryFind(Key(1_999), Branch(1_999), out var last), Is.True);
        Assert.That(last.Response, Is.EqualTo(Response(Branch(1_999), 200)));
    }

    [Test]
    public void AResponseLargerThanAQuarterOfTheArenaIsNotKept()
    {
        var store = new CompletedTransactions(Arena);
        var huge = new byte[(Arena / 4) + 1];

        Assert.That(store.Add(Key(1), huge, Flow, due: 1, silenced: false), Is.EqualTo(1));
        Assert.That(store.Count, Is.Zero);
        Assert.That(store.Evicted, Is.EqualTo(1));
    }

    /// <summary>Entries of many sizes come and go so that the arena grows, wraps, grows again with its newest runs in
    /// the chunk of its oldest, and shrinks, in chunks smaller than the arena: every live entry is found with its own
    /// bytes after every step.</summary>
    [Test]
    public void InChunksEntriesKeepTheirBytesThroughGrowingWrappingAndShrinking()
    {
        var store = new CompletedTransactions(32 * Arena, chunkBytes: Arena);
        var random = new Random(12);
        var live = new Queue<(int Id, byte[] Bytes, long Due)>();
        var sizes = new HashSet<int>();
        long now = 0;
        for (var id = 0; id < 30_000; id++)
        {
            // Load in waves: a slow stretch lets the arena shrink, a fast one makes it grow while it has wrapped.
            var wave = (id / 3_000) % 2 == 0 ? 40 : 4;
            now++;
            var padding = new string('x', random.Next(0, 2_500));
            var bytes = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Response(Branch(id), 200)) + padding);
            Assert.That(store.Add(Key(id), bytes, Flow, due: now + wave * 20, silenced: false), Is.Zero, $"entry {id}");
            live.Enqueue((id, bytes, now + wave * 20));
            store.RemoveDue(now);
            while (live.Count > 0 && live.Peek().Due <= now)
            {
                live.Dequeue();
            }

            sizes.Add(store.ArenaBytes);
            if (id % 97 == 0)
            {
                foreach (var (liveId, liveBytes, _) in live)
                {
                    Assert.That(store.TryFind(Key(liveId), Branch(liveId), out var found), Is.True, $"entry {liveId} after {id}");
                    Assert.That(found.Response, Is.EqualTo(liveBytes), $"entry {liveId} after {id}");
                }
            }
        }

        Assert.That(store.Evicted, Is.Zero);
        Assert.That(sizes.Max(), Is.GreaterThan(2 * Arena), "the arena grew past one chunk");
        Assert.That(store.Count, Is.EqualTo(live.Count));
    }

    [Test]
    public void ClearEmptiesTheStore()
    {
        var store = new CompletedTransactions(Arena);
        store.Add(Key(1), Response(Branch(1), 200), Flow, due: 1, silenced: false);
        store.Add(Key(2), [], Flow, due: 2, silenced: true);

        Assert.That(store.Clear(), Is.EqualTo(2));
        Assert.That(store.Count, Is.Zero);
        Assert.That(store.BytesHeld, Is.Zero);
    }

    private static string Branch(int i) => "z9hG4bK" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ulong Key(int i) => CompletedTransactions.KeyOf(Branch(i), "192.0.2.10:5060", "REGISTER");

    private static byte[] Response(string branch, int status) => Encoding.ASCII.GetBytes(
        $"SIP/2.0 {status} OK\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch={branch}\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n");
}
