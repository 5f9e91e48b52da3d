using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>
/// The call layer's side of the ACD port, as a log of every command in order. It also checks, at the moment of each
/// offer, that the agent has no other offer ringing and no call in progress: a router that broke that rule fails
/// the test at the offending command, whatever the test was about.
/// </summary>
internal sealed class RecordingCallControl : IAcdCallControl
{
    private readonly Dictionary<string, long> _ringing = new(StringComparer.Ordinal);
    private readonly Dictionary<long, AcdOffer> _open = [];
    private readonly HashSet<string> _talking = new(StringComparer.Ordinal);

    public List<string> Log { get; } = [];
    public List<AcdOffer> Offers { get; } = [];
    public List<long> Cancelled { get; } = [];
    public List<long> Connected { get; } = [];
    public List<string> CallBacks { get; } = [];
    public List<(string CallerId, AcdAnnouncement Announcement)> Announcements { get; } = [];
    public List<(string CallerId, string From, OverflowTarget Target)> Overflows { get; } = [];
    public List<(string CallerId, string Queue, QueueExitReason Reason)> Exits { get; } = [];
    public List<string> Violations { get; } = [];

    public IEnumerable<AcdOffer> OffersFor(string callerId) => Offers.Where(o => o.CallerId == callerId);

    public AcdOffer LastOfferTo(string agentId) => Offers.Last(o => o.AgentId == agentId);

    public void OfferToAgent(AcdOffer offer)
    {
        if (_ringing.TryGetValue(offer.AgentId, out var other))
        {
            Violations.Add($"offer {offer.OfferId} to {offer.AgentId} while offer {other} still rings");
        }

        if (_talking.Contains(offer.AgentId))
        {
            Violations.Add($"offer {offer.OfferId} to {offer.AgentId} while on a call");
        }

        _ringing[offer.AgentId] = offer.OfferId;
        _open[offer.OfferId] = offer;
        Offers.Add(offer);
        Log.Add($"offer {offer.CallerId}->{offer.AgentId}");
    }

    public void CancelOffer(long offerId, string callerId, string agentId)
    {
        Cancelled.Add(offerId);
        Close(offerId);
        Log.Add($"cancel {callerId}->{agentId}");
    }

    public void Connect(long offerId, string callerId, string agentId)
    {
        Connected.Add(offerId);
        Close(offerId);
        _talking.Add(agentId);
        Log.Add($"connect {callerId}->{agentId}");
    }

    public void CallBack(string callerId, string number)
    {
        CallBacks.Add(callerId);
        Log.Add($"callback {callerId}");
    }

    public void Announce(string callerId, AcdAnnouncement announcement)
    {
        Announcements.Add((callerId, announcement));
        Log.Add($"announce {callerId} {announcement.Kind}");
    }

    public void Overflow(string callerId, string fromQueue, OverflowTarget target)
    {
        Overflows.Add((callerId, fromQueue, target));
        Log.Add($"overflow {callerId} {fromQueue}->{target}");
    }

    public void Exit(string callerId, string queue, QueueExitReason reason)
    {
        Exits.Add((callerId, queue, reason));
        Log.Add($"exit {callerId} {reason}");
    }

    /// <summary>The test reports that the phone stopped ringing without an answer (failure or timeout seen by the call layer).</summary>
    public void Failed(long offerId) => Close(offerId);

    /// <summary>The test reports the end of an agent's call.</summary>
    public void HungUp(string agentId) => _talking.Remove(agentId);

    private void Close(long offerId)
    {
        if (_open.Remove(offerId, out var offer) && _ringing.TryGetValue(offer.AgentId, out var ringing) && ringing == offerId)
        {
            _ringing.Remove(offer.AgentId);
        }
    }
}
