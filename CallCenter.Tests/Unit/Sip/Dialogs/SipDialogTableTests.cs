using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using static CallCenter.Tests.Unit.Sip.Dialogs.DialogFlows;

namespace CallCenter.Tests.Unit.Sip.Dialogs;

public sealed class SipDialogTableTests
{
    [Test]
    public void IncomingRequestsFindTheirDialogWhicheverSideCreatedIt()
    {
        var bobs = new SipDialogTable<Call>();
        var alices = new SipDialogTable<Call>();
        var bobCall = new Call("bob");
        var aliceCall = new Call("alice");
        bobs.TryAdd(Uas(BobReceivesInvite, 200).Id, bobCall);
        alices.TryAdd(Uac(AliceInvite, AliceReceivesOk).Id, aliceCall);

        Assert.That(bobs.TryMatch(FromAlice("BYE", 3), out var atBob), Is.True);
        Assert.That(atBob, Is.SameAs(bobCall));
        Assert.That(alices.TryMatch(Request(AliceReceivesBye), out var atAlice), Is.True, "Bob's BYE carries Alice's tag in To");
        Assert.That(atAlice, Is.SameAs(aliceCall));
        Assert.That(alices.TryMatch(Response(AliceReceivesOk), out var byResponse), Is.True);
        Assert.That(byResponse, Is.SameAs(aliceCall));
    }

    [Test]
    public void AnUnknownToTagIs481AndNoToTagIsANewRequest()
    {
        var table = new SipDialogTable<Call>();
        table.TryAdd(Uas(BobReceivesInvite, 200).Id, new Call("bob"));
        var stale = Request(FromAlice("BYE", 3).ToString().Replace(";tag=314159", ";tag=lost-in-restart", StringComparison.Ordinal));
        var initial = Request(BobReceivesInvite);
        var staleAck = Request(FromAlice("ACK", 2).ToString().Replace(";tag=314159", ";tag=lost-in-restart", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(table.TryMatch(stale, out _), Is.False);
            Assert.That(SipDialogRejection.ForUnmatched(stale), Is.EqualTo(new SipDialogRejection(481, "Call/Transaction Does Not Exist")));
            Assert.That(table.TryMatch(initial, out _), Is.False);
            Assert.That(SipDialogRejection.ForUnmatched(initial), Is.Null, "no To-tag: a request outside any dialog");
            Assert.That(SipDialogRejection.ForUnmatched(staleAck), Is.Null, "an ACK is never answered");
            Assert.That(table.TryMatch(Response(AliceReceivesRinging.Replace(";tag=314159", string.Empty, StringComparison.Ordinal)), out _), Is.False);
        });
    }

    [Test]
    public void TagsMatchWithoutCaseButCallIdsMatchExactly()
    {
        var id = new SipDialogId("a84b4c76e66710@pc33", "AbC", "xYz");

        Assert.Multiple(() =>
        {
            Assert.That(new SipDialogId("a84b4c76e66710@pc33", "abc", "XYZ"), Is.EqualTo(id));
            Assert.That(new SipDialogId("a84b4c76e66710@pc33", "abc", "XYZ").GetHashCode(), Is.EqualTo(id.GetHashCode()));
            Assert.That(new SipDialogId("A84B4C76E66710@pc33", "AbC", "xYz"), Is.Not.EqualTo(id));
            Assert.That(new SipDialogId("a84b4c76e66710@pc33", "xYz", "AbC"), Is.Not.EqualTo(id), "local and remote are not interchangeable");
            Assert.That(id.ToString(), Is.EqualTo("a84b4c76e66710@pc33;local=AbC;remote=xYz"));
        });
    }

    [Test]
    public void RemovalNamesTheOwnerAndAddingTwiceFails()
    {
        var table = new SipDialogTable<Call>();
        var id = new SipDialogId("c1", "l", "r");
        var first = new Call("first");

        Assert.That(table.TryAdd(id, first), Is.True);
        Assert.That(table.TryAdd(id, new Call("second")), Is.False);
        Assert.That(table.TryRemove(id, new Call("first")), Is.False, "another owner, even one that looks alike");
        Assert.That(table.TryGet(id, out var found), Is.True);
        Assert.That(found, Is.SameAs(first));
        Assert.That(table.TryRemove(id, first), Is.True);
        Assert.That(table.TryRemove(id, first), Is.False);
        Assert.That(table.Count, Is.Zero);
    }

    [Test]
    public async Task AddMatchAndRemoveFromSeveralThreadsKeepEveryEntryWithItsOwner()
    {
        const int Workers = 4;
        const int PerWorker = 400;
        var table = new SipDialogTable<Call>();
        var template = FromAlice("INFO", 3).ToString();
        var wrongOwner = 0;
        var missed = 0;
        using var start = new Barrier(Workers + 1);

        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerWorker; i++)
            {
                var callId = $"w{w}-c{i}@atlanta.example.com";
                var call = new Call(callId);
                if (!table.TryAdd(new SipDialogId(callId, BobTag, AliceTag), call))
                {
                    Interlocked.Increment(ref wrongOwner);
                }

                var request = Request(template.Replace(CallId, callId, StringComparison.Ordinal));
                if (!table.TryMatch(request, out var owner))
                {
                    Interlocked.Increment(ref missed);
                }
                else if (!ReferenceEquals(owner, call))
                {
                    Interlocked.Increment(ref wrongOwner);
                }

                if (i % 2 == 1 && !table.TryRemove(new SipDialogId(callId, BobTag, AliceTag), call))
                {
                    Interlocked.Increment(ref missed);
                }
            }
        })).ToArray();

        // A reader that races the writers: whatever it finds must be the owner that was added.
        var reader = Task.Run(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < PerWorker; i++)
                {
                    var callId = $"w{i % Workers}-c{i}@atlanta.example.com";
                    if (table.TryGet(new SipDialogId(callId, BobTag.ToUpperInvariant(), AliceTag), out var owner) && owner.Name != callId)
                    {
                        Interlocked.Increment(ref wrongOwner);
                    }
                }
            }
        });

        await Task.WhenAll([.. workers, reader]);

        Assert.That(wrongOwner, Is.Zero);
        Assert.That(missed, Is.Zero);
        Assert.That(table.Count, Is.EqualTo(Workers * PerWorker / 2));
        for (var w = 0; w < Workers; w++)
        {
            Assert.That(table.TryGet(new SipDialogId($"w{w}-c0@atlanta.example.com", BobTag, AliceTag), out var kept), Is.True);
            Assert.That(kept!.Name, Is.EqualTo($"w{w}-c0@atlanta.example.com"));
            Assert.That(table.TryGet(new SipDialogId($"w{w}-c1@atlanta.example.com", BobTag, AliceTag), out _), Is.False);
        }
    }

    private sealed class Call(string name)
    {
        public string Name { get; } = name;
    }
}
