using System.Threading.Channels;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Relay;

namespace CallCenter.Tests.Support;

public sealed record RelayDigit(MediaLegSide From, DtmfEvent Digit);

public sealed record RelayTimeout(MediaLegSide Leg, TimeSpan Silence);

/// <summary>Queues what a relay reports, as a real call would (post and return).</summary>
public sealed class RecordingRelayObserver : IMediaRelayObserver
{
    private readonly Channel<RelayDigit> _digits = Channel.CreateUnbounded<RelayDigit>();
    private readonly Channel<RelayTimeout> _timeouts = Channel.CreateUnbounded<RelayTimeout>();

    /// <summary>Makes OnDigit throw after recording, to prove the relay survives a faulty owner.</summary>
    public bool ThrowOnDigit { get; set; }

    public void OnDigit(MediaRelay relay, MediaLegSide from, DtmfEvent digit)
    {
        _digits.Writer.TryWrite(new RelayDigit(from, digit));
        if (ThrowOnDigit)
        {
            throw new InvalidOperationException("observer fault injected by the test");
        }
    }

    public void OnMediaTimeout(MediaRelay relay, MediaLegSide leg, TimeSpan silence) => _timeouts.Writer.TryWrite(new RelayTimeout(leg, silence));

    public IReadOnlyList<RelayDigit> DrainDigits() => Drain(_digits.Reader);

    public IReadOnlyList<RelayTimeout> DrainTimeouts() => Drain(_timeouts.Reader);

    private static List<T> Drain<T>(ChannelReader<T> reader)
    {
        var items = new List<T>();
        while (reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }
}
