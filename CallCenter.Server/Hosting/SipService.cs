using CallCenter.Core.Acd;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Media.Relay;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Server.Hosting;

/// <summary>
/// Opens the SIP listeners of callcenter.xml when the host starts (all or nothing: a listener that cannot bind
/// stops the start-up with its name), starts the transaction layer on them and the qualifying of registered
/// contacts, and closes it all when the host stops. Listener changes in a live edit take effect at the next
/// restart; everything read per message (limits, trace, users, expiry bounds) applies at once.
/// Registered before <see cref="LifecycleService"/> so that it stops after it: calls being drained still need SIP.
/// The ACD starts and stops with it: its dispatcher is attached to the call layer before the first INVITE can arrive,
/// follows every configuration generation, and stops after the calls (whose ends it still records).
/// </summary>
public sealed class SipService(
    ILiveConfiguration configuration,
    SipTransactionLayer transactions,
    ContactQualifier qualifier,
    RegistrationStore registrations,
    CallManager calls,
    AcdDispatcher acd,
    MediaRelayManager media,
    AuthFailureTracker failures,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    // The fail2ban table forgets ended bans and quiet sources this often; it is O(sources), so not per request.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private SipTransportManager? _transport;
    private ITimer? _sweep;
    private int _disposed;

    public IReadOnlyList<SipListener> Listeners => _transport?.Listeners ?? [];

    public SipTransportStatistics? TransportStatistics => _transport?.Statistics;

    public SipTransactionStatistics TransactionStatistics => transactions.Statistics;

    public SipCounterSnapshot MessageCounters => transactions.Counters.Snapshot();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = configuration.Current;
        configuration.Changed += OnConfigurationChanged;
        _transport = new SipTransportManager(options.Sip, transactions, time, loggers.CreateLogger<SipTransportManager>());
        await _transport.StartAsync(cancellationToken);
        transactions.FlowClosed += OnFlowClosed;
        transactions.Start(_transport);
        qualifier.Start();
        await SipWarmUp.RunAsync(_transport.Listeners, options, loggers.CreateLogger(typeof(SipWarmUp).FullName!), cancellationToken);
        _sweep = time.CreateTimer(_ => failures.Sweep(configuration.Current.Sip.Security), null, SweepInterval, SweepInterval);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    // The reloading thread: queues and agents change in the ACD's own loop, in generation order.
    private void OnConfigurationChanged(CallCenterOptions options) => acd.ApplyConfiguration(options);

    // Transport loop: a phone's TCP/TLS connection closed, so its bindings over it are unreachable.
    private void OnFlowClosed(SipFlow flow) => registrations.MarkFlowClosed(flow);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_sweep is not null)
        {
            await _sweep.DisposeAsync();
        }

        // Calls first (their BYEs and CANCELs need the layer), then the ACD (it has their last reports), then the
        // relays, then the probes (client transactions of the layer), then the layer, then the sockets under it.
        configuration.Changed -= OnConfigurationChanged;
        await calls.DisposeAsync();
        await acd.DisposeAsync();
        await media.DisposeAsync();
        await qualifier.DisposeAsync();
        await transactions.DisposeAsync();
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }
    }
}
