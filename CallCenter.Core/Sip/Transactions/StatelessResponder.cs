using System.Security.Cryptography;
using System.Threading.Channels;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The SIP layer above the transport until the transaction layer takes its place: a stateless UAS
/// (RFC 3261 §8.2.7). It answers malformed requests with the 400-class response the parser chose, OPTIONS with
/// 200 (§11: the server answers capability queries itself), CANCEL with 481 (no transaction can match yet) and
/// every other request with 501, and drops responses, ACKs and anything from a banned source.
/// <para>Threading: transport loops only enqueue into a bounded channel (never blocking a socket); one consumer
/// task parses and answers in arrival order. A full queue drops and counts, as UDP peers retransmit.</para>
/// </summary>
public sealed partial class StatelessResponder : ISipTransportHandler, IAsyncDisposable
{
    public const int QueueCapacity = 8_192;

    private static readonly string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, REFER, NOTIFY, INFO, UPDATE";

    private readonly Channel<Inbound> _inbound = Channel.CreateBounded<Inbound>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly ILiveConfiguration _configuration;
    private readonly AuthFailureTracker _bans;
    private readonly ILogger<StatelessResponder> _logger;
    private readonly ILogger _trace;
    private readonly CancellationTokenSource _stopping = new();
    private Func<SipFlow, ReadOnlyMemory<byte>, ValueTask>? _send;
    private Task? _loop;
    private int _disposed;

    public StatelessResponder(ILiveConfiguration configuration, AuthFailureTracker bans, ILoggerFactory loggers)
    {
        _configuration = configuration;
        _bans = bans;
        _logger = loggers.CreateLogger<StatelessResponder>();
        _trace = loggers.CreateLogger(SipTrace.Category);
    }

    public SipCounters Counters { get; } = new();

    public int QueueDepth => _inbound.Reader.Count;

    /// <summary>Starts the consumer; <paramref name="send"/> is the transport's send for a flow.</summary>
    public void Start(Func<SipFlow, ReadOnlyMemory<byte>, ValueTask> send)
    {
        _send = send;
        _loop = Task.Run(() => ConsumeAsync(_stopping.Token));
    }

    // Runs on a transport receive loop: hand on and return.
    public void OnMessageReceived(ReadOnlyMemory<byte> message, SipFlow flow)
    {
        if (!_inbound.Writer.TryWrite(new Inbound(message, flow)))
        {
            Counters.Dropped();
        }
    }

    public void OnTransportError(SipTransportError error) => LogTransportError(_logger, error.ToString());

    public async ValueTask DisposeAsync()
    {
        // Both the host (on stop) and the container (on dispose) end this object.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _inbound.Writer.TryComplete();
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            try
            {
#pragma warning disable VSTHRD003 // The loop is this object's own, started in Start(); awaiting it joins the consumer.
                await _loop;
#pragma warning restore VSTHRD003
            }
            catch (OperationCanceledException)
            {
                // Stopping while messages were still queued: they are dropped with the process.
            }
        }

        _stopping.Dispose();
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        await foreach (var inbound in _inbound.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                await HandleAsync(inbound);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug handling one message must not stop SIP for everyone (STYLE.md §8): log and go on.
                LogHandlerFailed(_logger, inbound.Flow.ToString(), ex);
            }
        }
    }

    private async ValueTask HandleAsync(Inbound inbound)
    {
        var (bytes, flow) = inbound;
        if (_bans.IsBanned(flow.Remote.Address))
        {
            Counters.FromBannedSource();
            return;
        }

        var options = _configuration.Current;
        if (options.Logging.SipTrace)
        {
            SipTrace.Received(_trace, flow, bytes);
        }

        var parseOptions = new SipParseOptions(options.Sip.Limits.MaxMessageBytes, flow.IsStream);
        if (!SipMessageParser.TryParse(bytes, parseOptions, out var message, out var error))
        {
            Counters.Malformed();
            LogMalformed(_logger, flow.ToString(), error.ToString());
            if (error.CreateResponseBytes() is { } answer)
            {
                await SendAsync(flow, answer, error.StatusCode, options);
            }

            return;
        }

        if (message is not SipRequest request)
        {
            return;
        }

        Counters.RequestReceived(request.Method);
        if (!SipMessageValidator.TryValidate(request, out var invalid))
        {
            Counters.Malformed();
            if (invalid.CreateResponseBytes() is { } answer)
            {
                await SendAsync(flow, answer, invalid.StatusCode, options);
            }

            return;
        }

        var status = request.Method switch
        {
            "ACK" => 0,
            "OPTIONS" => 200,
            "CANCEL" => 481,
            _ => 501,
        };
        if (status == 0)
        {
            return;
        }

        var response = SipMessageBuilder.ForResponse(request, status, reason: null, toTag: NewTag());
        if (request.TopVia is { } via)
        {
            response.RemoveFirstValue("Via");
            response.AddHeaderFirst("Via", SipViaStamp.Stamp(via, flow.Remote));
        }

        response.AddHeader("Server", options.Sip.UserAgent);
        if (status == 200)
        {
            response.AddHeader("Allow", AllowedMethods);
            response.AddHeader("Accept", "application/sdp");
            response.AddHeader("Supported", "replaces");
        }

        await SendAsync(flow, response.ToBytes(), status, options);
    }

    private async ValueTask SendAsync(SipFlow flow, byte[] bytes, int status, CallCenterOptions options)
    {
        if (_send is null)
        {
            return;
        }

        Counters.ResponseSent(status);
        if (options.Logging.SipTrace)
        {
            SipTrace.Sent(_trace, flow, bytes);
        }

        await _send(flow, bytes);
    }

    // §19.3: at least 32 bits of randomness.
    private static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private readonly record struct Inbound(ReadOnlyMemory<byte> Bytes, SipFlow Flow);

    [LoggerMessage(EventId = 2400, Level = LogLevel.Debug, Message = "Malformed SIP from {Flow}: {Error}")]
    private static partial void LogMalformed(ILogger logger, string flow, string error);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Error, Message = "Handling a SIP message from {Flow} failed; the message was dropped")]
    private static partial void LogHandlerFailed(ILogger logger, string flow, Exception exception);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Debug, Message = "SIP transport: {Error}")]
    private static partial void LogTransportError(ILogger logger, string error);
}
