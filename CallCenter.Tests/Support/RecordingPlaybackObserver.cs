using System.Threading.Channels;
using CallCenter.Media.Relay;

namespace CallCenter.Tests.Support;

/// <summary>Queues the playbacks a relay reports finished, as a call would (post and return).</summary>
public sealed class RecordingPlaybackObserver : IPlaybackObserver
{
    private readonly Channel<RelayPlayback> _finished = Channel.CreateUnbounded<RelayPlayback>();

    public void OnPlaybackFinished(RelayPlayback playback) => _finished.Writer.TryWrite(playback);

    public IReadOnlyList<RelayPlayback> DrainFinished()
    {
        var items = new List<RelayPlayback>();
        while (_finished.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>The next finished playback within <paramref name="wait"/>; throws on timeout.</summary>
    public async Task<RelayPlayback> NextFinishedAsync(TimeSpan wait)
    {
        using var deadline = new CancellationTokenSource(wait);
        return await _finished.Reader.ReadAsync(deadline.Token);
    }
}
