using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Server.Hosting;

/// <summary>
/// Opens the SIP listeners of callcenter.xml when the host starts (all or nothing: a listener that cannot bind
/// stops the start-up with its name) and closes them when it stops. Listener changes in a live edit take effect
/// at the next restart; everything read per message (limits, trace, users) applies at once.
/// Registered before <see cref="LifecycleService"/> so that it stops after it: calls being drained still need SIP.
/// </summary>
public sealed class SipService(
    ILiveConfiguration configuration,
    SipTransactionLayer transactions,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private SipTransportManager? _transport;
    private int _disposed;

    public IReadOnlyList<SipListener> Listeners => _transport?.Listeners ?? [];

    public SipTransportStatistics? TransportStatistics => _transport?.Statistics;

    public SipTransactionStatistics TransactionStatistics => transactions.Statistics;

    public SipCounterSnapshot MessageCounters => transactions.Counters.Snapshot();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = configuration.Current;
        _transport = new SipTransportManager(options.Sip, transactions, time, loggers.CreateLogger<SipTransportManager>());
        await _transport.StartAsync(cancellationToken);
        transactions.Start(_transport);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await transactions.DisposeAsync();
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }
    }
}
