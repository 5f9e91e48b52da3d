using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>The store that keeps answered INVITE (Timer M) and completed non-INVITE (Timer K) client transactions
/// as array slots: lookup by §17.1.3's key, FIFO expiry, growth, and eviction at its bound.</summary>
public sealed class LingeringClientsTests
{
    private const int Capacity = 256;

    [Test]
    public void TheKeyIsTheBranchAndTheMethodBothExact()
    {
        var key = LingeringClients.KeyOf("z9hG4bKa1", "INVITE");

        Assert.That(LingeringClients.KeyOf("z9hG4bKa1", "INVITE"), Is.EqualTo(key));
        Assert.That(LingeringClients.KeyOf("z9hG4bKA1", "INVITE"), Is.Not.EqualTo(key));
        Assert.That(LingeringClients.KeyOf("z9hG4bKa1", "CANCEL"), Is.Not.EqualTo(key), "a CANCEL shares its INVITE's branch");
        Assert.That(LingeringClients.KeyOf("z9hG4bKa1INVITE", ""), Is.Not.EqualTo(key), "the fields are separated");
    }

    [Test]
    public void AnInviteEntryGivesBackItsOwnerAndHandleANonInviteEntryNeither()
    {
        var store = new LingeringClients(Capacity);
        var owner = new RecordingOwner();
        var handle = new SipClientInvite(Wire.Outgoing("INVITE").BuildRequest(), Wire.UdpTarget, static () => { });
        store.Add(LingeringClients.KeyOf("z9hG4bKi", "INVITE"), due: 100, SipTransactionKind.ClientInvite, owner, handle);
        store.Add(LingeringClients.KeyOf("z9hG4bKb", "BYE"), due: 100, SipTransactionKind.ClientNonInvite);

        Assert.That(store.TryFind(LingeringClients.KeyOf("z9hG4bKi", "INVITE"), out var foundOwner, out var foundHandle), Is.True);
        Assert.That((foundOwner, foundHandle), Is.EqualTo((owner, handle)));
        Assert.That(store.TryFind(LingeringClients.KeyOf("z9hG4bKb", "BYE"), out foundOwner, out foundHandle), Is.True);
        Assert.That((foundOwner, foundHandle), Is.EqualTo(((ISipInviteOwner?)null, (SipClientInvite?)null)));
        Assert.That(store.TryFind(LingeringClients.KeyOf("z9hG4bKb", "INVITE"), out _, out _), Is.False);
    }

    [Test]
    public void EntriesLeaveInArrivalOrderWhenDueAndEachLeavingIsReported()
    {
        var ended = new List<SipTransactionKind>();
        var store = new LingeringClients(Capacity, ended.Add);
        store.Add(LingeringClients.KeyOf("b1", "INVITE"), due: 10, SipTransactionKind.ClientInvite);
        store.Add(LingeringClients.KeyOf("b2", "BYE"), due: 20, SipTransactionKind.ClientNonInvite);
        store.Add(LingeringClients.KeyOf("b3", "BYE"), due: 30, SipTransactionKind.ClientNonInvite);

        Assert.That(store.TryGetNextDue(out var next), Is.True);
        Assert.That(next, Is.EqualTo(10));
        Assert.That(store.RemoveDue(19), Is.EqualTo(1));
        Assert.That(store.TryFind(LingeringClients.KeyOf("b1", "INVITE"), out _, out _), Is.False, "gone when due");
        Assert.That(store.TryFind(LingeringClients.KeyOf("b2", "BYE"), out _, out _), Is.True, "not due yet");
        Assert.That(store.RemoveDue(30), Is.EqualTo(2));
        Assert.That(store.TryGetNextDue(out _), Is.False);
        Assert.That(ended, Is.EqualTo(new[] { SipTransactionKind.ClientInvite, SipTransactionKind.ClientNonInvite, SipTransactionKind.ClientNonInvite }));
    }

    [Test]
    public void AShortEntryBehindALongOneLeavesWithItLateNeverEarly()
    {
        var store = new LingeringClients(Capacity);
        store.Add(LingeringClients.KeyOf("long", "INVITE"), due: 100, SipTransactionKind.ClientInvite);
        store.Add(LingeringClients.KeyOf("short", "INVITE"), due: 50, SipTransactionKind.ClientInvite);

        Assert.That(store.RemoveDue(60), Is.Zero);
        Assert.That(store.TryFind(LingeringClients.KeyOf("short", "INVITE"), out _, out _), Is.True);
        Assert.That(store.RemoveDue(100), Is.EqualTo(2));
    }

    [Test]
    public void TheRingGrowsWithEntriesInPlaceThenEvictsTheOldestAtItsBoundAndCountsThem()
    {
        var ended = 0;
        var store = new LingeringClients(Capacity * 2, _ => ended++);
        store.Add(LingeringClients.KeyOf("first", "BYE"), due: 1, SipTransactionKind.ClientNonInvite);
        store.RemoveDue(1);
        for (var i = 0; i < Capacity * 2; i++)
        {
            store.Add(LingeringClients.KeyOf("b" + i, "BYE"), due: 10 + i, SipTransactionKind.ClientNonInvite);
        }

        Assert.That((store.Count, store.Evicted), Is.EqualTo((Capacity * 2, 0L)), "grown once, nothing lost");
        Assert.That(Enumerable.Range(0, Capacity * 2).All(i => store.TryFind(LingeringClients.KeyOf("b" + i, "BYE"), out _, out _)), Is.True, "every entry still found after the ring doubled with its start wrapped");

        store.Add(LingeringClients.KeyOf("over", "BYE"), due: 10_000, SipTransactionKind.ClientNonInvite);
        Assert.That((store.Count, store.Evicted, ended), Is.EqualTo((Capacity * 2, 1L, 2)));
        Assert.That(store.TryFind(LingeringClients.KeyOf("b0", "BYE"), out _, out _), Is.False, "the oldest made room");
        Assert.That(store.TryFind(LingeringClients.KeyOf("over", "BYE"), out _, out _), Is.True);

        Assert.That(store.Clear(), Is.EqualTo(Capacity * 2));
        Assert.That(ended, Is.EqualTo(2 + (Capacity * 2)));
    }
}
