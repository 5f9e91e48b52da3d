using System.Globalization;
using System.Text;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Routing;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

// Blind transfer (RFC 3515, RFC 5589 §6): a party of an answered call sends REFER with Refer-To: sip:EXT@server.
// Being the B2BUA, the server does not pass the REFER on: it accepts it (202), reports progress to the transferor
// in NOTIFYs of the implicit "refer" subscription (RFC 3515 §2.4.4, message/sipfrag bodies: 100 Trying, then the
// target's final status with Subscription-State terminated), places a new leg to the target on the transferor's
// relay side, and when the target answers puts that leg in the transferor's place: the transferee keeps its leg,
// its relay side and its codec (the relay transcodes if the target chose the other one), the transferor's leg is
// ended with BYE. A target that cannot be reached leaves the call as it was (RFC 5589 §6.1's failure case).
// Attended transfer (Refer-To with ?Replaces=) is in .Replaces.cs. Runs on the call's context.
//
// The record: a transfer stays in the call's one CDR row (its unique id and linked id do not change; source,
// destination and answer time are the original call's, billsec runs to the end of the transferred call), and the
// CEL tells what happened, with Asterisk's event names: BLINDTRANSFER (or ATTENDEDTRANSFER) on the transferor's
// channel with {"transferor","transferee","target"} in its extra, then the new channel (UNIQUEID-C, -D...) with
// CHAN_START, RING, ANSWER and BRIDGE_ENTER, and HANGUP on the transferor's channel when it leaves. A failed
// transfer is a USER_DEFINED event {"transferFailed":STATUS}. Asterisk itself opens a new CDR for the transferred
// part; one row per call is what this server's CDR is built on, and the CEL carries the rest.
internal sealed partial class Call
{
    private const string SipfragType = "message/sipfrag;version=2.0";
    private static readonly TimeSpan TransferorGrace = TimeSpan.FromSeconds(2);
    private TransferAttempt? _transfer;
    private char _nextChannel = 'C';

    private void OnRefer(SipServerTransaction transaction, CallLeg leg)
    {
        var request = transaction.Request;
        var referTo = request.GetHeaderValues("Refer-To");
        // RFC 3515 §2.4.1: exactly one Refer-To; a REFER without one (or with several) is 400.
        if (referTo.Count != 1 || !TryReadReferTo(referTo[0], out var target))
        {
            RespondInDialog(transaction, leg, 400, null);
            return;
        }

        if (_transfer is not null || _state != CallState.Answered || Other(leg) is not { } transferee)
        {
            // One transfer at a time; and a REFER from a party whose other party has already gone moves nobody.
            RespondInDialog(transaction, leg, _transfer is not null ? 491 : 403, null);
            return;
        }

        if (target.Headers.Any(h => h.Name.Equals("Replaces", StringComparison.OrdinalIgnoreCase)))
        {
            OnAttendedRefer(transaction, leg, transferee, target);
            return;
        }

        RespondInDialog(transaction, leg, 202, null);
        var attempt = new TransferAttempt(this, leg, transferee, target.User ?? string.Empty, request.CSeq!.Value.Number);
        _transfer = attempt;
        Record(CelEventType.BlindTransfer, leg.Channel, TransferExtra(attempt));
        CallLog.Transferring(_manager.Logger, UniqueId, leg.Channel, transferee.Channel, attempt.Target);
        Forget(NotifyAsync(leg, attempt.ReferSequence, 100, "Trying", terminated: false));

        var options = _manager.Options;
        var user = target.User is { } extension ? options.Extensions.FindUser(extension) : null;
        if (user is null)
        {
            FailTransfer(attempt, 404, "Not Found");
            return;
        }

        var contacts = _manager.Registrations.GetContacts(user.Extension);
        if (contacts.Count == 0)
        {
            FailTransfer(attempt, 480, "Temporarily Unavailable");
            return;
        }

        if (!_manager.TryTakeSlot(user.Extension, user.CallLimit))
        {
            FailTransfer(attempt, 486, "Busy Here");
            return;
        }

        attempt.HoldsSlot = true;
        InviteTransferTarget(attempt, user, contacts[0]);
    }

    /// <summary>RFC 3515 §2.1: Refer-To is a name-addr or an addr-spec; a SIP or SIPS URI is all we can follow.</summary>
    private static bool TryReadReferTo(string value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SipUri? target)
    {
        target = null;
        if (SipNameAddress.TryParse(value.Trim(), out var address) && address.Uri is { IsSip: true } uri)
        {
            target = uri;
            return true;
        }

        return false;
    }

    private void InviteTransferTarget(TransferAttempt attempt, UserOptions target, ContactBinding binding)
    {
        var options = _manager.Options;
        var side = attempt.Transferor.Side;
        var flow = binding.Target.Flow ?? _aFlow;
        var local = MediaEndpointFor(flow, side);
        attempt.Version = SdpSessionVersion.Create(System.Net.IPAddress.Parse(local.Address));
        // The transferee's codec first, so that the relay transcodes only when the target cannot take it.
        var capabilities = Capabilities;
        if (attempt.Transferee.Selection?.Codec is { } chosen)
        {
            capabilities = new SdpMediaCapabilities(
                Capabilities.Codecs.OrderBy(c => c.SameCodec(chosen) ? 0 : 1).ToArray(), Capabilities.TelephoneEventPayloadType, Capabilities.TelephoneEvents, Capabilities.PacketTime);
        }

        attempt.Offer = SdpOfferAnswer.CreateOffer(capabilities, local, attempt.Version);
        attempt.InviteTarget = binding.Target;
        attempt.ContactFlow = flow;
        attempt.Channel = NewChannel();

        // The target sees the transferee calling (RFC 5589 §6: the transferee's INVITE, which a B2BUA makes for it).
        var transfereeExtension = attempt.Transferee.Extension ?? _caller.Extension;
        var displayName = options.Extensions.FindUser(transfereeExtension)?.DisplayName;
        var from = SipNameAddress.Create(SipUri.Create("sip", transfereeExtension, options.Sip.Domain), displayName)
            .WithParameter("tag", SipServerTransaction.NewTag());
        var to = SipNameAddress.Create(SipUri.Create("sip", target.Extension, options.Sip.Domain));
        var invite = NewInvite(binding.ContactUri, from, to, 70, flow, attempt.Offer.ToBytes());
        Record(CelEventType.ChannelStart, attempt.Channel);
        attempt.RingTimer = _manager.Time.CreateTimer(
            _ => Post(() => OnTransferRingTimeout(attempt)), null, options.Calls.RingTimeout, Timeout.InfiniteTimeSpan);
        attempt.Invite = _manager.Invites.SendInvite(invite, binding.Target, attempt);
        Record(CelEventType.Ring, attempt.Channel, "{\"contact\":\"" + binding.Target + "\"}");
        CallLog.Dialing(_manager.Logger, UniqueId, transfereeExtension, target.Extension, binding.Target.ToString());
    }

    private void OnTransferRingTimeout(TransferAttempt attempt)
    {
        if (_transfer == attempt && attempt.Invite is { } invite)
        {
            attempt.TimedOut = true;
            invite.Cancel();
        }
    }

    /// <summary>Call context: the target answered. Its leg takes the transferor's place on the relay; the
    /// transferor hears 200 in the final NOTIFY and is then sent BYE.</summary>
    internal void OnTransferTargetAnswered(TransferAttempt attempt, SipResponse response)
    {
        var invite = attempt.Invite!;
        if (_transfer != attempt || _state != CallState.Answered)
        {
            // A 2xx after the transfer was given up (cancelled, the transferee hung up) or a retransmission of the
            // one already taken (its dialog is in the call, which ACKs it again): §13.2.2.4 wants an ACK either way;
            // a leg that is not in the call is ended at once.
            if (invite.TryCreateDialog(response, false, out var stray, out _))
            {
                var known = AllLegs().FirstOrDefault(l => l.Dialog.Id == stray.Id);
                Forget(_manager.Invites.SendAckAsync(stray.CreateAck(stray.CreatingSequence), attempt.InviteTarget!).AsTask());
                if (known is null)
                {
                    Forget(SendByeAsync(stray, attempt.InviteTarget!));
                }
            }

            return;
        }

        StopTransferTimer(attempt);
        if (!invite.TryCreateDialog(response, attempt.InviteTarget!.Transport == SipTransport.Tls, out var dialog, out var reason))
        {
            CallLog.NoDialog(_manager.Logger, UniqueId, attempt.Channel!, reason);
            return;
        }

        Forget(_manager.Invites.SendAckAsync(dialog.CreateAck(dialog.CreatingSequence), attempt.InviteTarget).AsTask());
        SdpMediaSelection? selection = null;
        if (!response.Body.IsEmpty && IsSdp(response.ContentType) && SdpParser.TryParse(response.Body.Span, out var answer, out _))
        {
            var read = SdpOfferAnswer.ReadAnswer(attempt.Offer!, answer);
            selection = read.IsAccepted ? read.Audio : null;
        }

        if (selection is null)
        {
            CallLog.NoCommonCodec(_manager.Logger, UniqueId, attempt.Channel!, "no usable answer in the target's 2xx");
            Forget(SendByeAsync(dialog, attempt.InviteTarget));
            dialog.Terminate();
            FailTransfer(attempt, 488, "Not Acceptable Here");
            return;
        }

        var leg = new CallLeg(attempt.Channel!, attempt.Target, attempt.Transferor.Side, dialog, attempt.InviteTarget, attempt.ContactFlow ?? _aFlow, attempt.Offer!, attempt.Version!, selection);
        leg.HoldsSlot = attempt.HoldsSlot;
        attempt.HoldsSlot = false;
        _manager.Dialogs.TryAdd(dialog.Id, this);
        _transfer = null;
        var transferor = attempt.Transferor;
        if (!transferor.Released)
        {
            ReleaseLeg(transferor, bye: false);
        }

        SetLeg(leg);
        Configure(leg.Side, selection);
        Record(CelEventType.Answer, leg.Channel);
        Record(CelEventType.BridgeEnter, leg.Channel, TransferExtra(attempt));
        CallLog.Transferred(_manager.Logger, UniqueId, attempt.Transferee.Channel, leg.Channel);
        if (!attempt.TransferorGone)
        {
            Forget(FinishTransferorAsync(transferor, attempt.ReferSequence));
        }

        // A hold the transferor had put on the transferee (and we had relayed) ends with the transferor's leg.
        var transferee = attempt.Transferee;
        transferee.WantedDirection = SdpDirection.SendRecv;
        SendReInvite(transferee);
    }

    /// <summary>Call context: the target refused, did not answer, or could not be reached.</summary>
    internal void OnTransferTargetFailed(TransferAttempt attempt, SipClientResult result)
    {
        if (_transfer != attempt)
        {
            return;
        }

        StopTransferTimer(attempt);
        var status = attempt.TimedOut ? 480 : result.StatusCode;
        var phrase = attempt.TimedOut ? "Temporarily Unavailable" : result.Response?.ReasonPhrase ?? "Request Timeout";
        FailTransfer(attempt, status, phrase);
    }

    /// <summary>The transfer failed: the transferor gets the status in the final NOTIFY and the call goes on as it
    /// was; if the transferor has already left, the transferee has nobody to talk to and the call ends.</summary>
    private void FailTransfer(TransferAttempt attempt, int status, string phrase)
    {
        _transfer = null;
        StopTransferTimer(attempt);
        ReleaseAttemptSlot(attempt);
        CallLog.TransferFailed(_manager.Logger, UniqueId, attempt.Target, status);
        Record(CelEventType.UserDefined, attempt.Transferor.Channel, "{\"transferFailed\":" + status.ToString(CultureInfo.InvariantCulture) + ",\"target\":\"" + attempt.Target + "\"}");
        if (attempt.TransferorGone)
        {
            var transfereeIsCaller = attempt.Transferee.Side == MediaLegSide.A;
            Hangup(HangupParty.System, byeCaller: transfereeIsCaller, byeCallee: !transfereeIsCaller);
            return;
        }

        Forget(NotifyAsync(attempt.Transferor, attempt.ReferSequence, status, phrase, terminated: true));
    }

    /// <summary>The transferor left (BYE) while its transfer was in progress: its leg goes, the call stays for the
    /// transferee, who is connected to the target if it answers (RFC 5589 §6: the transferor need not wait).</summary>
    private bool TryLeaveForTransfer(CallLeg leg)
    {
        if (_transfer is not { } attempt || attempt.Transferor != leg || _state != CallState.Answered)
        {
            return false;
        }

        attempt.TransferorGone = true;
        ReleaseLeg(leg, bye: false);
        return true;
    }

    /// <summary>The call is ending: a transfer in progress is abandoned (its INVITE cancelled).</summary>
    private void StopTransfer()
    {
        if (_transfer is { } attempt)
        {
            _transfer = null;
            StopTransferTimer(attempt);
            ReleaseAttemptSlot(attempt);
            attempt.Invite?.Cancel();
        }
    }

    private void ReleaseAttemptSlot(TransferAttempt attempt)
    {
        if (attempt.HoldsSlot)
        {
            attempt.HoldsSlot = false;
            _manager.ReleaseSlot(attempt.Target);
        }
    }

    private static void StopTransferTimer(TransferAttempt attempt)
    {
        attempt.RingTimer?.Dispose();
        attempt.RingTimer = null;
    }

    /// <summary>The final NOTIFY (200), then BYE on the transferor's leg unless the transferor hangs up itself
    /// within <see cref="TransferorGrace"/> of the NOTIFY's answer. Most phones end the call on reading the 200
    /// (RFC 5589 §6.1's flow; baresip does, at once), and a BYE of ours would cross theirs.</summary>
    private async Task FinishTransferorAsync(CallLeg transferor, uint referSequence)
    {
        await NotifyAsync(transferor, referSequence, 200, "OK", terminated: true).ConfigureAwait(false);
        Post(() =>
        {
            transferor.ByeTimer?.Dispose();
            transferor.ByeTimer = _manager.Time.CreateTimer(
                _ => Post(() =>
                {
                    if (transferor.Dialog.State == SipDialogState.Confirmed)
                    {
                        Forget(SendByeAsync(transferor.Dialog, transferor.Target));
                        transferor.Dialog.Terminate();
                    }
                }),
                null,
                TransferorGrace,
                Timeout.InfiniteTimeSpan);
        });
    }

    /// <summary>A NOTIFY of the REFER's implicit subscription (RFC 3515 §2.4.4) on the transferor's dialog.
    /// Built on the call's context (the dialog's CSeq); sent from any thread.</summary>
    private Task NotifyAsync(CallLeg transferor, uint referSequence, int status, string phrase, bool terminated)
    {
        if (transferor.Dialog.State != SipDialogState.Confirmed)
        {
            return Task.CompletedTask;
        }

        var sipfrag = string.Create(CultureInfo.InvariantCulture, $"SIP/2.0 {status} {phrase}\r\n");
        var notify = transferor.Dialog.CreateRequest(SipMethods.Notify)
            .AddHeader("Event", "refer;id=" + referSequence.ToString(CultureInfo.InvariantCulture))
            .AddHeader("Subscription-State", terminated ? "terminated;reason=noresource" : "active;expires=60")
            .AddHeader("Contact", ContactFor(transferor.ContactFlow))
            .AddHeader("User-Agent", _manager.Options.Sip.UserAgent)
            .SetBody(Encoding.UTF8.GetBytes(sipfrag), SipfragType);
        return SendNotifyAsync(notify, transferor.Target);
    }

    private async Task SendNotifyAsync(SipMessageBuilder notify, SipTarget target)
    {
        var result = await _manager.Client.SendNonInviteAsync(notify, target).ConfigureAwait(false);
        if (result.Response is not { IsSuccess: true })
        {
            CallLog.SendFailed(_manager.Logger, UniqueId, "NOTIFY", result.StatusCode.ToString(CultureInfo.InvariantCulture));
        }
    }

    private void ReleaseTransferSlots()
    {
        foreach (var leg in AllLegs())
        {
            leg.ByeTimer?.Dispose();
            if (leg.HoldsSlot && leg.Extension is { } extension)
            {
                leg.HoldsSlot = false;
                _manager.ReleaseSlot(extension);
            }
        }

        if (_transfer is { } attempt)
        {
            ReleaseAttemptSlot(attempt);
        }
    }

    private string NewChannel() => UniqueId + "-" + _nextChannel++;

    private static string TransferExtra(TransferAttempt attempt) =>
        "{\"transferor\":\"" + attempt.Transferor.Channel + "\",\"transferee\":\"" + attempt.Transferee.Channel + "\",\"target\":\"" + attempt.Target + "\"}";
}
