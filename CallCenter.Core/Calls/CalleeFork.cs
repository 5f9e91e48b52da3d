using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

/// <summary>
/// The callee's leg when the extension has several phones: parallel forking (RFC 3261 §16.7) done by the B2BUA. One
/// client INVITE goes to each contact at once; the first 2xx wins and the rest are cancelled.
/// <para>Each branch is a UAC call of its own (own Call-ID, From tag and transaction), not a proxy branch of one
/// request: the B2BUA is the UAC on every one of them, and separate Call-IDs keep a phone registered twice (two
/// bindings of one device) from answering the second copy 482 as a merged request (§8.2.2.2).</para>
/// <para>What reaches the caller: one ringing (the first 180/181/182, or a 183 without usable SDP); early media from
/// the first branch that sends a 183 with SDP we can use (later 183s of other branches are not heard: the relay has
/// one callee side, and switching it between phones would splice their tones); if that branch fails, the next
/// branch's 183 may take over. A 200 of another branch then points the relay at the winner.</para>
/// <para>Threading: call context only. The branches' owners (<see cref="CalleeLegOwner"/>) arrive on SIP shards
/// and post to the call, which hands the responses in here; nothing here locks.</para>
/// </summary>
internal sealed class CalleeFork
{
    private readonly ISipInviteClient _invites;
    private readonly ISipClient _client;
    private readonly ILogger _logger;
    private readonly string _uniqueId;
    private readonly List<CalleeBranch> _branches = [];
    private CalleeBranch? _winner;
    private CalleeBranch? _earlyMedia;
    private bool _ringingRelayed;
    private bool _detached;

    public CalleeFork(ISipInviteClient invites, ISipClient client, ILogger logger, string uniqueId)
    {
        _invites = invites;
        _client = client;
        _logger = logger;
        _uniqueId = uniqueId;
    }

    public IReadOnlyList<CalleeBranch> Branches => _branches;

    /// <summary>The branch whose 2xx came first: the callee's leg from then on.</summary>
    public CalleeBranch? Winner => _winner;

    /// <summary>The branch whose early media the caller hears, if any.</summary>
    public CalleeBranch? EarlyMedia => _earlyMedia;

    /// <summary>True while no branch answered and at least one may still do so.</summary>
    public bool IsPending => _winner is null && _branches.Exists(b => b.State == CalleeBranchState.Pending);

    /// <summary>Sends one branch's INVITE. The owner's callbacks arrive later on the call context (never inside
    /// this call: <see cref="ISipInviteClient.SendInvite"/> promises it), so the branch is known by then.</summary>
    public CalleeBranch Send(SipMessageBuilder invite, SipTarget target, CalleeLegOwner owner)
    {
        var handle = _invites.SendInvite(invite, target, owner);
        var branch = new CalleeBranch(handle, target, owner);
        _branches.Add(branch);
        return branch;
    }

    /// <summary>A provisional response of a branch: what the caller should hear of it.
    /// <paramref name="usableEarlyMedia"/>: a 183 whose SDP answers our offer.</summary>
    public ForkProvisional OnProvisional(SipClientInvite invite, bool usableEarlyMedia)
    {
        if (_winner is not null || Find(invite) is not { State: CalleeBranchState.Pending } branch)
        {
            return ForkProvisional.Ignore;
        }

        if (usableEarlyMedia)
        {
            if (_earlyMedia is null)
            {
                _earlyMedia = branch;
                return ForkProvisional.EarlyMedia;
            }

            // The branch already heard repeating its 183, or another phone's media the caller must not hear.
            return ForkProvisional.Ignore;
        }

        // A 180 after early media would tell the caller's phone to play its own ringback over the callee's media
        // (RFC 3960 §3): once media flows, ringing is not relayed any more.
        if (_ringingRelayed || _earlyMedia is not null)
        {
            return ForkProvisional.Ignore;
        }

        _ringingRelayed = true;
        return ForkProvisional.Ringing;
    }

    /// <summary>A 2xx of a branch. The first one wins and cancels the others (§16.7 step 10 asks the same of a
    /// forking proxy); one from another branch afterwards is acknowledged and hung up here at once (§13.2.2.4:
    /// every 2xx makes a dialog, which must be ACKed before it can be ended).</summary>
    public ForkAnswer OnSuccess(SipClientInvite invite, SipResponse response)
    {
        if (Find(invite) is not { } branch)
        {
            return ForkAnswer.Ignore;
        }

        if (_winner is null)
        {
            _winner = branch;
            branch.State = CalleeBranchState.Answered;
            foreach (var other in _branches)
            {
                if (other != branch && other.State == CalleeBranchState.Pending)
                {
                    other.State = CalleeBranchState.Cancelled;
                    other.Invite.Cancel();
                }
            }

            return ForkAnswer.Won;
        }

        if (branch == _winner)
        {
            return ForkAnswer.Winner;
        }

        EndLateAnswer(branch, response);
        return ForkAnswer.Late;
    }

    /// <summary>A branch failed. Returns the caller's final answer once it is decided: when every branch has
    /// failed, the best of their responses (<see cref="ChooseFinal"/>); at once for a 6xx, which also cancels the
    /// branches still ringing (§16.7 step 5: a 6xx speaks for the callee on every device). Null while a branch
    /// may still answer, or once one has.</summary>
    public SipClientResult? OnFailure(SipClientInvite invite, SipClientResult result)
    {
        if (Find(invite) is not { } branch || branch.State == CalleeBranchState.Answered)
        {
            return null;
        }

        var wasPending = branch.State == CalleeBranchState.Pending;
        branch.State = CalleeBranchState.Failed;
        branch.Result = result;
        if (branch == _earlyMedia)
        {
            // The caller heard this phone's media; another phone still ringing may now be heard instead.
            _earlyMedia = null;
        }

        if (_winner is not null || !wasPending)
        {
            return null;
        }

        if (result.StatusCode >= 600)
        {
            CancelAll();
            return result;
        }

        return _branches.Exists(b => b.State == CalleeBranchState.Pending)
            ? null
            : ChooseFinal(_branches.Where(b => b.Result is not null).Select(b => b.Result!.Value));
    }

    /// <summary>Cancels every branch that has not answered (ring timeout, the caller hung up, shutdown).</summary>
    public void CancelAll()
    {
        foreach (var branch in _branches)
        {
            if (branch.State == CalleeBranchState.Pending)
            {
                branch.State = CalleeBranchState.Cancelled;
                branch.Invite.Cancel();
            }
        }
    }

    /// <summary>The call is over or moves on to another callee: no branch's owner may reach the call any more.
    /// The winner's owner keeps its dialog to ACK a retransmitted 2xx again; the others keep what they need to
    /// ACK and end a 2xx that crossed our CANCEL (see <see cref="CalleeLegOwner"/>).</summary>
    public void Detach(SipDialog? winnerDialog)
    {
        if (_detached)
        {
            return;
        }

        _detached = true;
        foreach (var branch in _branches)
        {
            branch.Owner.Detach(branch == _winner ? winnerDialog : null, branch.Target, _invites, _client);
        }
    }

    /// <summary>
    /// The caller's final answer when every branch failed, after RFC 3261 §16.7 step 6 (and §16.7.6's list): a 6xx
    /// if any (the callee declined everywhere); else 486 if any phone was busy (a PBX user with a desk phone busy
    /// and a softphone switched off is busy, not unavailable, and forward-on-busy depends on it); else the lowest
    /// class, within it a response a phone really sent before one we made up (408 for a timeout, 503 for a
    /// transport error), and else the first that came.
    /// </summary>
    public static SipClientResult ChooseFinal(IEnumerable<SipClientResult> results)
    {
        var all = results.ToList();
        if (all.Count == 0)
        {
            return SipClientResult.Failed(SipClientFailure.Timeout);
        }

        if (all.FirstOrDefault(r => r.StatusCode >= 600) is { Response: not null } declined)
        {
            return declined;
        }

        if (all.FirstOrDefault(r => r.StatusCode == 486) is { Response: not null } busy)
        {
            return busy;
        }

        return all
            .OrderBy(r => r.StatusCode / 100)
            .ThenBy(r => r.Response is null ? 1 : 0)
            .First();
    }

    private CalleeBranch? Find(SipClientInvite invite) => _branches.Find(b => b.Invite == invite);

    private void EndLateAnswer(CalleeBranch branch, SipResponse response)
    {
        CallLog.ExtraFork(_logger, _uniqueId);
        branch.State = CalleeBranchState.Answered;
        if (!branch.Invite.TryCreateDialog(response, false, out var dialog, out _))
        {
            return;
        }

        Observe(_invites.SendAckAsync(dialog.CreateAck(dialog.CreatingSequence), branch.Target).AsTask());
        Observe(_client.SendNonInviteAsync(dialog.CreateRequest(SipMethods.Bye), branch.Target));
        dialog.Terminate();
    }

    private void Observe(Task task) =>
        _ = task.ContinueWith(
            static (t, state) =>
            {
                var fork = (CalleeFork)state!;
                CallLog.Fault(fork._logger, fork._uniqueId, t.Exception!);
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}

/// <summary>One INVITE of a <see cref="CalleeFork"/>: the handle, where it went, and how it stands.</summary>
internal sealed class CalleeBranch(SipClientInvite invite, SipTarget target, CalleeLegOwner owner)
{
    public SipClientInvite Invite { get; } = invite;

    public SipTarget Target { get; } = target;

    public CalleeLegOwner Owner { get; } = owner;

    public CalleeBranchState State { get; set; }

    /// <summary>The branch's final failure (a 3xx-6xx, or none with a reason), once it failed.</summary>
    public SipClientResult? Result { get; set; }
}

internal enum CalleeBranchState
{
    Pending,
    Answered,
    Failed,

    /// <summary>We sent (or asked for) its CANCEL; its 487 or a crossing 2xx is still to come.</summary>
    Cancelled,
}

/// <summary>What a branch's provisional response means for the caller.</summary>
internal enum ForkProvisional
{
    Ignore,

    /// <summary>Relay a ringing (the first of the whole fork).</summary>
    Ringing,

    /// <summary>Point the relay at this branch and relay a 183 with our SDP.</summary>
    EarlyMedia,
}

/// <summary>What a branch's 2xx means for the call.</summary>
internal enum ForkAnswer
{
    /// <summary>Not one of this fork's INVITEs (an earlier callee's, after a forward).</summary>
    Ignore,

    /// <summary>The first 2xx: the call is answered on this branch; the others are being cancelled.</summary>
    Won,

    /// <summary>Another 2xx of the winning INVITE: a retransmission, or a second dialog of that one INVITE.</summary>
    Winner,

    /// <summary>A 2xx of another branch after the winner's: already acknowledged and hung up.</summary>
    Late,
}
