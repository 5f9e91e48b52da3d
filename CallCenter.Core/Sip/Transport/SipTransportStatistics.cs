using System.Collections.Immutable;

namespace CallCenter.Core.Sip.Transport;

/// <summary>A consistent-enough snapshot of the transport counters for the console (each value is read atomically,
/// the set is not).</summary>
public sealed record SipTransportStatistics
{
    public long DatagramsIn { get; init; }

    /// <summary>Datagrams that waited at least 10, 100 and 500 ms in the kernel's socket buffer before a receive
    /// thread read them (Linux, from the kernel's arrival stamp): the backlog a storm builds before the SIP layer
    /// sees it. 500 ms is T1, when a client retransmits.</summary>
    public long DatagramsWaited10Ms { get; init; }
    public long DatagramsWaited100Ms { get; init; }
    public long DatagramsWaited500Ms { get; init; }
    public long DatagramsOut { get; init; }
    public long OversizeDatagrams { get; init; }

    /// <summary>Keep-alives: empty or CRLF-only datagrams dropped unread, and double-CRLF pings answered on streams.</summary>
    public long KeepAlives { get; init; }

    /// <summary>UDP receive errors the loop survived (ICMP port unreachable reported as ConnectionReset).</summary>
    public long ReceiveErrors { get; init; }

    public long StreamMessagesIn { get; init; }
    public long StreamMessagesOut { get; init; }
    public long BytesIn { get; init; }
    public long BytesOut { get; init; }
    public long SendFailures { get; init; }
    public long HandlerFaults { get; init; }

    public long ConnectionsOpen { get; init; }
    public long ConnectionsAccepted { get; init; }

    /// <summary>Connections this server opened to send a message.</summary>
    public long ConnectionsOpened { get; init; }

    public long ConnectionsRejected { get; init; }
    public ImmutableDictionary<SipConnectionCloseReason, long> ConnectionsClosed { get; init; } =
        ImmutableDictionary<SipConnectionCloseReason, long>.Empty;

    public long Closed(SipConnectionCloseReason reason) => ConnectionsClosed.GetValueOrDefault(reason);
}
