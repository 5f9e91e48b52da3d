using System.Threading.Channels;

namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// A consumer's bounded view of the store's changes (the web console, a future presence service). A consumer that
/// falls behind loses the oldest changes, never blocks the store: <see cref="Dropped"/> counts them, and a consumer
/// that sees it grow re-reads the full state with <see cref="RegistrationStore.GetAll"/>.
/// Dispose it to unsubscribe.
/// </summary>
public sealed class RegistrationFeed : IDisposable
{
    private readonly RegistrationStore _store;
    private readonly Channel<RegistrationChange> _channel;
    private long _dropped;

    internal RegistrationFeed(RegistrationStore store, int capacity)
    {
        _store = store;
        _channel = Channel.CreateBounded<RegistrationChange>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        Capacity = capacity;
    }

    public ChannelReader<RegistrationChange> Reader => _channel.Reader;

    public int Capacity { get; }

    public int Depth => _channel.Reader.Count;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Dispose()
    {
        _store.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }

    // Called under the store's lock, so changes arrive in the order the store applied them. Returns true when this
    // write dropped the first change ever, for the store to log once outside its lock.
    internal bool Publish(RegistrationChange change)
    {
        var before = Dropped;
        _channel.Writer.TryWrite(change);
        return before == 0 && Dropped > 0;
    }

    internal void Complete() => _channel.Writer.TryComplete();
}
