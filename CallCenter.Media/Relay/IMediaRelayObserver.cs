using CallCenter.Media.Dtmf;

namespace CallCenter.Media.Relay;

/// <summary>
/// What a relay tells its owner (the call). Both methods run on media threads — <see cref="OnDigit"/> on the thread
/// that reads the leg's socket (the media event loop serving the relay, shared with other calls' media, or the leg's receive loop),
/// <see cref="OnMediaTimeout"/> on the manager's heartbeat — and must only post a message to the call's mailbox and
/// return: no blocking, no locks shared with signaling, no call into the relay that waits (Configure is fine). An
/// exception is caught, counted and logged; the media flow goes on.
/// </summary>
public interface IMediaRelayObserver
{
    /// <summary>A key press arrived as RFC 4733 events from <paramref name="from"/>, or was heard in its audio when
    /// in-band detection is on for that leg (<see cref="MediaRelay.DetectInBandDigits"/>); reported once per press.</summary>
    void OnDigit(MediaRelay relay, MediaLegSide from, DtmfEvent digit);

    /// <summary>No RTP from <paramref name="leg"/> for <paramref name="silence"/> (at least the configured media
    /// timeout). Reported once per silence; if RTP resumes and stops again, it is reported again.</summary>
    void OnMediaTimeout(MediaRelay relay, MediaLegSide leg, TimeSpan silence);
}
