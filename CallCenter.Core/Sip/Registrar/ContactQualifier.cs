using System.Security.Cryptography;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// Keeps each binding's <see cref="Reachability"/> current by probing it with OPTIONS every QualifyInterval (RFC
/// 3261 §11 used as a keep-alive, what Asterisk calls qualify). The probe also keeps a UDP phone's NAT mapping open.
/// <para>One scheduler timer spreads the probes over the interval: a round takes a snapshot of the bindings and sends
/// one probe every interval/count, so a thousand phones cost a steady trickle, not a burst each minute. At most
/// <see cref="MaxInFlight"/> probes wait for an answer at once; at the bound the round waits for a slot (it
/// stretches rather than drops probes). A binding that disappears mid-round is skipped; one added mid-round is
/// probed from the next round on.</para>
/// <para>Threading: the timer callback, configuration changes and probe completions may run on any thread; one lock
/// guards the schedule, and probes are sent and their results stored outside it.</para>
/// </summary>
public sealed partial class ContactQualifier : IAsyncDisposable
{
    public const int DefaultMaxInFlight = 32;

    private readonly object _gate = new();
    private readonly Queue<long> _round = new();
    private readonly RegistrationStore _store;
    private readonly ISipClient _client;
    private readonly ILiveConfiguration _configuration;
    private readonly ILogger<ContactQualifier> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private TimeSpan _interval;
    private TimeSpan _step;
    private int _inFlight;
    private long _probesSent;
    private long _waitsAtBound;
    private bool _started;
    private bool _disposed;
    private TaskCompletionSource? _drained;

    public ContactQualifier(
        RegistrationStore store, ISipClient client, ILiveConfiguration configuration, TimeProvider time, ILogger<ContactQualifier> logger,
        int maxInFlight = DefaultMaxInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _store = store;
        _client = client;
        _configuration = configuration;
        _logger = logger;
        MaxInFlight = maxInFlight;
        _timer = time.CreateTimer(static state => ((ContactQualifier)state!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public int MaxInFlight { get; }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    public long ProbesSent => Interlocked.Read(ref _probesSent);

    /// <summary>Scheduler ticks that found <see cref="MaxInFlight"/> probes outstanding and waited for a slot.</summary>
    public long WaitsAtBound => Interlocked.Read(ref _waitsAtBound);

    /// <summary>Starts probing per the current QualifyInterval and follows its live changes (zero stops probing).</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            _started = true;
        }

        _configuration.Changed += OnConfigurationChanged;
        OnConfigurationChanged(_configuration.Current);
    }

    public async ValueTask DisposeAsync()
    {
        Task drained;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _round.Clear();
            _drained = _inFlight == 0 ? null : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained?.Task ?? Task.CompletedTask;
        }

        _configuration.Changed -= OnConfigurationChanged;
        await _timer.DisposeAsync();

        // Outstanding probes end with Failure.Stopped once cancelled; wait for them so nothing touches the store later.
        await _stopping.CancelAsync();
        await drained;
        _stopping.Dispose();
    }

    // Runs on the configuration watcher's thread (and once from Start).
    private void OnConfigurationChanged(CallCenterOptions options)
    {
        // Deleted users' phones are no longer registered (see RegistrationStore.RemoveUnknownExtensions): the
        // qualifier is the registrar's part that follows the configuration, so it applies that too.
        _store.RemoveUnknownExtensions(extension => options.Extensions.FindUser(extension) is not null);
        var interval = options.Sip.Registrar.QualifyInterval;
        lock (_gate)
        {
            if (_disposed || interval == _interval)
            {
                return;
            }

            // A new interval starts a new round with the new spacing at once; zero stops the timer.
            _interval = interval;
            _round.Clear();
            _timer.Change(interval > TimeSpan.Zero ? TimeSpan.Zero : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        if (interval > TimeSpan.Zero)
        {
            LogQualifyInterval(_logger, (long)interval.TotalSeconds);
        }
        else
        {
            LogQualifyOff(_logger);
        }
    }

    // Runs on a timer thread (synchronously inside Advance with the fake clock in tests).
    private void OnTick()
    {
        ContactBinding? probe = null;
        lock (_gate)
        {
            if (_disposed || _interval <= TimeSpan.Zero)
            {
                return;
            }

            if (_round.Count == 0)
            {
                var bindings = _store.GetAll();
                if (bindings.Count == 0)
                {
                    // Nothing registered: look again one interval later.
                    _timer.Change(_interval, Timeout.InfiniteTimeSpan);
                    return;
                }

                foreach (var binding in bindings)
                {
                    _round.Enqueue(binding.Id);
                }

                _step = _interval / bindings.Count;
            }

            if (_inFlight >= MaxInFlight)
            {
                Interlocked.Increment(ref _waitsAtBound);
                _timer.Change(_step, Timeout.InfiniteTimeSpan);
                return;
            }

            while (_round.TryDequeue(out var id))
            {
                if (_store.TryGet(id, out var binding))
                {
                    probe = binding;
                    _inFlight++;
                    break;
                }
            }

            _timer.Change(_step, Timeout.InfiniteTimeSpan);
        }

        if (probe is not null)
        {
            Interlocked.Increment(ref _probesSent);
            _ = ProbeAsync(probe);
        }
    }

    private async Task ProbeAsync(ContactBinding binding)
    {
        try
        {
            var result = await _client.SendNonInviteAsync(CreateProbe(binding, _configuration.Current.Sip), binding.Target, _stopping.Token);

            // Any response, even 404 or 405, proves the phone is there (§11: a UA answers OPTIONS as it would an
            // INVITE, and many answer with an error). Only silence or a transport failure count against it.
            Reachability? state = result.Response is not null ? Reachability.Reachable : result.Failure switch
            {
                SipClientFailure.Timeout or SipClientFailure.TransportError => Reachability.Unreachable,
                _ => null,
            };
            if (state is { } verdict && _store.SetReachability(binding.Id, verdict, out var previous, binding.Target))
            {
                LogTransition(binding, previous, verdict, result);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            // A bug in one probe must not stop qualifying the others (STYLE.md §8).
            LogProbeFailed(_logger, binding.Extension, binding.ContactUri.ToString(), ex);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
                if (_inFlight == 0)
                {
                    _drained?.TrySetResult();
                }
            }
        }
    }

    // RFC 3261 §11.1: an OPTIONS to the contact itself, as a UAC outside any dialog (§8.1.1). From names the server
    // so that a phone's log shows who is asking; the transaction layer adds the Via.
    internal static SipMessageBuilder CreateProbe(ContactBinding binding, SipOptions options)
    {
        var callId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + "@" + options.Domain;
        return SipMessageBuilder.ForRequest(SipMethods.Options, binding.ContactUri)
            .AddHeader("Max-Forwards", "70")
            .AddHeader("From", "<sip:callcenter@" + options.Domain + ">;tag=" + SipServerTransaction.NewTag())
            .AddHeader("To", "<" + binding.ContactUri + ">")
            .AddHeader("Call-ID", callId)
            .AddHeader("CSeq", "1 " + SipMethods.Options)
            .AddHeader("User-Agent", options.UserAgent);
    }

    private void LogTransition(ContactBinding binding, Reachability previous, Reachability state, SipClientResult result)
    {
        var contact = binding.ContactUri.ToString();
        var target = binding.Target.ToString();
        if (state == Reachability.Unreachable)
        {
            LogUnreachable(_logger, binding.Extension, contact, target, result.Failure.ToString());
        }
        else if (previous == Reachability.Unreachable)
        {
            LogReachableAgain(_logger, binding.Extension, contact, target);
        }
        else
        {
            LogReachable(_logger, binding.Extension, contact, target, result.StatusCode);
        }
    }
}
