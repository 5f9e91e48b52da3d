using CallCenter.Media.Dtmf;
using CallCenter.Media.Relay;

namespace CallCenter.RtpBench;

/// <summary>The relays' owner in the benchmark: there is no call to tell, so it only counts (from media threads).</summary>
public sealed class CountingObserver : IMediaRelayObserver
{
    private long _digits;
    private long _timeouts;

    public long Digits => Interlocked.Read(ref _digits);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public void OnDigit(MediaRelay relay, MediaLegSide from, DtmfEvent digit) => Interlocked.Increment(ref _digits);

    public void OnMediaTimeout(MediaRelay relay, MediaLegSide leg, TimeSpan silence) => Interlocked.Increment(ref _timeouts);
}
