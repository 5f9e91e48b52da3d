using System.Globalization;
using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Routing;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Core.Storage.Cdr;

namespace CallCenter.Core.Calls;

// Offers inside an answered call: a re-INVITE (§14) or an UPDATE (RFC 3311) from either party is answered on its
// own leg, and a change of hold is relayed to the other party with a re-INVITE of ours, so that its phone shows
// "held" and stops sending (and could be played music). The other party gets our offer with the holding party's
// direction mirrored: sendonly (or 0.0.0.0) becomes a=sendonly, inactive stays a=inactive, a resume is sendrecv
// (RFC 3264 §8.4); it answers recvonly or inactive. Glare (491) is retried after §14.1's random wait.
// Runs on the call's context.
internal sealed partial class Call
{
    private void OnReInvite(SipServerTransaction transaction, CallLeg leg)
    {
        var request = transaction.Request;
        if (request.Body.IsEmpty)
        {
            // An offerless re-INVITE asks for our offer (RFC 3264 §4, §8): the current description again; the answer
            // in the ACK changes nothing the relay needs.
            RespondInDialog(transaction, leg, 200, leg.Local);
            return;
        }

        if (!TryReadOffer(request, out var offer, out var rejection))
        {
            RespondInDialog(transaction, leg, rejection, null);
            return;
        }

        var answer = AnswerOffer(leg, offer, out var holdChanged);
        RespondInDialog(transaction, leg, answer is null ? 488 : 200, answer);
        if (holdChanged)
        {
            RelayHold(leg);
        }
    }

    /// <summary>RFC 3311: an UPDATE with an offer is answered in its 200 like a re-INVITE (no ACK follows); one
    /// without a body only refreshes the target (§5.2). An offer while our own re-INVITE on the leg is waiting
    /// for its answer is 491 (§5.2).</summary>
    private void OnUpdate(SipServerTransaction transaction, CallLeg leg)
    {
        var request = transaction.Request;
        if (request.Body.IsEmpty)
        {
            RespondInDialog(transaction, leg, 200, null);
            return;
        }

        if (leg.ReInvite is not null)
        {
            RespondInDialog(transaction, leg, 491, null);
            return;
        }

        if (!TryReadOffer(request, out var offer, out var rejection))
        {
            RespondInDialog(transaction, leg, rejection, null);
            return;
        }

        var answer = AnswerOffer(leg, offer, out var holdChanged);
        RespondInDialog(transaction, leg, answer is null ? 488 : 200, answer);
        if (holdChanged)
        {
            RelayHold(leg);
        }
    }

    private bool TryReadOffer(SipRequest request, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SdpSessionDescription? offer, out int rejection)
    {
        offer = null;
        rejection = 0;
        if (!IsSdp(request.ContentType))
        {
            rejection = 415;
            return false;
        }

        if (!SdpParser.TryParse(request.Body.Span, out offer, out var error))
        {
            CallLog.BadSdp(_manager.Logger, UniqueId, LegName(request), error.ToString());
            rejection = 400;
            return false;
        }

        return true;
    }

    private string LegName(SipRequest request) => FindLeg(request)?.Channel ?? "party";

    /// <summary>Answers a party's offer on its leg and points the relay at what it now says. Our direction is
    /// the one we want on the leg, so a re-INVITE from a party we hold on the other's behalf keeps it held.
    /// Null when nothing in the offer is acceptable (488, the leg stays as it was).</summary>
    private SdpSessionDescription? AnswerOffer(CallLeg leg, SdpSessionDescription offer, out bool holdChanged)
    {
        holdChanged = false;
        var local = MediaEndpointFor(leg.ContactFlow, leg.Side);
        var answer = SdpOfferAnswer.CreateAnswer(offer, Capabilities, local, leg.Version, leg.WantedDirection);
        if (!answer.IsAccepted || answer.Answer is null)
        {
            CallLog.NoCommonCodec(_manager.Logger, UniqueId, leg.Channel, answer.Detail);
            return null;
        }

        if (answer.Audio is { } audio)
        {
            leg.Selection = audio;
            Configure(leg.Side, audio);
            if (audio.IsHold != leg.PartyHolds)
            {
                leg.PartyHolds = audio.IsHold;
                holdChanged = true;
                Record(audio.IsHold ? CelEventType.Hold : CelEventType.Unhold, leg.Channel);
                CallLog.Hold(_manager.Logger, UniqueId, leg.Channel, audio.IsHold ? "holds" : "resumes");
                OnQueueHoldChanged();
            }

            leg.HoldKind = audio.Hold;
        }

        leg.Local = answer.Answer;
        return answer.Answer;
    }

    private void RespondInDialog(SipServerTransaction transaction, CallLeg leg, int status, SdpSessionDescription? body)
    {
        var response = transaction.CreateResponse(status, toTag: leg.Dialog.Id.LocalTag);
        if (status is >= 200 and < 300)
        {
            response.AddHeader("Contact", ContactFor(leg.ContactFlow));
            if (body is not null)
            {
                response.SetBody(body.ToBytes(), "application/sdp");
            }
        }
        else if (status == 415)
        {
            response.AddHeader("Accept", SipCapabilities.Accept);
        }

        CallManager.Respond(transaction, response);
        leg.Dialog.OnResponseSent(transaction.Request, status);
    }

    /// <summary>The party on <paramref name="holder"/> held or resumed: the other party is told with our offer.</summary>
    private void RelayHold(CallLeg holder)
    {
        if (Other(holder) is not { } other)
        {
            return;
        }

        var wanted = !holder.PartyHolds ? SdpDirection.SendRecv
            : holder.HoldKind == SdpHoldKind.Inactive ? SdpDirection.Inactive
            : SdpDirection.SendOnly;
        if (other.WantedDirection == wanted)
        {
            return;
        }

        other.WantedDirection = wanted;
        SendReInvite(other);
    }

    /// <summary>Offers <see cref="CallLeg.WantedDirection"/> on the leg, unless an INVITE is already in progress on
    /// it (§14.1) or a glare wait is running: the direction is offered again once that ends.</summary>
    private void SendReInvite(CallLeg leg)
    {
        if (leg.Released || _state != CallState.Answered || leg.Dialog.State != SipDialogState.Confirmed
            || leg.ReInvite is not null || leg.GlareTimer is not null || (leg.WantedDirection == leg.OfferedDirection && !leg.NeedsNewOffer))
        {
            return;
        }

        if (leg.Dialog.IsInviteInProgress)
        {
            ArmGlareTimer(leg);
            return;
        }

        var local = MediaEndpointFor(leg.ContactFlow, leg.Side);
        // The codec the leg is on: the relay keeps its settings and nothing is renegotiated but the direction.
        var capabilities = leg.Selection is { } selection ? Capabilities.For(selection) : Capabilities;
        var offer = SdpOfferAnswer.CreateOffer(capabilities, local, leg.Version, leg.WantedDirection, forceNewVersion: true);
        var request = leg.Dialog.CreateRequest(SipMethods.Invite)
            .AddHeader("Contact", ContactFor(leg.ContactFlow))
            .AddHeader("Allow", SipCapabilities.Allow)
            .AddHeader("User-Agent", _manager.Options.Sip.UserAgent)
            .SetBody(offer.ToBytes(), "application/sdp");
        var reInvite = new LegReInvite(this, leg, offer, leg.WantedDirection);
        leg.ReInvite = reInvite;
        CallLog.ReInviting(_manager.Logger, UniqueId, leg.Channel, leg.WantedDirection.ToAttributeName());
        _manager.Invites.SendInvite(request, leg.Target, reInvite);
    }

    /// <summary>Call context: a 2xx for one of our re-INVITEs (or its retransmission): ACKed, and the relay follows
    /// the party's answer.</summary>
    internal void OnReInviteAnswered(LegReInvite reInvite, SipResponse response)
    {
        var leg = reInvite.Leg;
        var sequence = response.CSeq?.Number ?? 0;
        if (leg.ReInvite != reInvite)
        {
            // A retransmitted 2xx (our ACK was lost) or the 2xx of an abandoned re-INVITE: the ACK is still owed.
            if (leg.Dialog.State != SipDialogState.Terminated)
            {
                Forget(SendLegAckAsync(leg, sequence));
            }

            return;
        }

        leg.ReInvite = null;
        leg.Dialog.OnResponse(response);
        leg.LastAckedInvite = sequence;
        Forget(SendLegAckAsync(leg, sequence));
        if (!response.Body.IsEmpty && IsSdp(response.ContentType) && SdpParser.TryParse(response.Body.Span, out var answer, out _))
        {
            var read = SdpOfferAnswer.ReadAnswer(reInvite.Offer, answer);
            if (read.IsAccepted && read.Audio is { } audio)
            {
                leg.Selection = audio;
                leg.Local = reInvite.Offer;
                leg.OfferedDirection = reInvite.Direction;
                leg.NeedsNewOffer = false;
                Configure(leg.Side, audio);
            }
            else
            {
                CallLog.NoCommonCodec(_manager.Logger, UniqueId, leg.Channel, read.Detail);
            }
        }

        SendReInvite(leg);
    }

    /// <summary>Call context: our re-INVITE was refused or timed out. 491 is glare (§14.1): try again after the
    /// random wait. 481 and 408 mean the dialog is gone (§12.2.1.2): the party is treated as having hung up.
    /// Anything else leaves the leg as it was (§14.1: the session is unchanged).</summary>
    internal void OnReInviteFailed(LegReInvite reInvite, SipClientResult result)
    {
        var leg = reInvite.Leg;
        if (leg.ReInvite != reInvite)
        {
            return;
        }

        leg.ReInvite = null;
        if (result.Response is { } response)
        {
            leg.Dialog.OnResponse(response);
        }

        var status = result.StatusCode;
        CallLog.ReInviteRefused(_manager.Logger, UniqueId, leg.Channel, status);
        if (status == 491)
        {
            ArmGlareTimer(leg);
        }
        else if (status is 481 or 408 && !leg.Released && _state == CallState.Answered)
        {
            leg.Dialog.Terminate();
            OnLegHungUp(leg);
        }
    }

    /// <summary>§14.1: after a 491 the UAC that owns the Call-ID (that generated it: our UAC legs) waits 2.1–4 s,
    /// the other 0–2 s, in units of 10 ms, so that the two sides do not collide again.</summary>
    private void ArmGlareTimer(CallLeg leg)
    {
        var ownsCallId = leg.Dialog.Role == SipDialogRole.Uac;
        var wait = TimeSpan.FromMilliseconds(10 * (ownsCallId ? Random.Shared.Next(210, 401) : Random.Shared.Next(0, 201)));
        var generation = ++leg.GlareGeneration;
        leg.GlareTimer?.Dispose();
        leg.GlareTimer = _manager.Time.CreateTimer(
            _ => Post(() =>
            {
                if (generation == leg.GlareGeneration)
                {
                    leg.GlareTimer?.Dispose();
                    leg.GlareTimer = null;
                    SendReInvite(leg);
                }
            }),
            null,
            wait,
            Timeout.InfiniteTimeSpan);
    }

    private static void StopGlareTimer(CallLeg leg)
    {
        leg.GlareGeneration++;
        leg.GlareTimer?.Dispose();
        leg.GlareTimer = null;
    }

    private async Task SendLegAckAsync(CallLeg leg, uint inviteSequence)
    {
        var ack = leg.Dialog.CreateAck(inviteSequence);
        var result = await _manager.Invites.SendAckAsync(ack, leg.Target).ConfigureAwait(false);
        if (result != SipSendResult.Sent)
        {
            CallLog.SendFailed(_manager.Logger, UniqueId, "ACK " + inviteSequence.ToString(CultureInfo.InvariantCulture), result.ToString());
        }
    }
}
