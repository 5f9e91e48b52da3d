namespace CallCenter.Core.Sip.Transport;

/// <summary>Transport settings that are not in callcenter.xml: outbound connections and the heartbeat period.</summary>
public sealed record SipTransportSettings
{
    /// <summary>Time allowed for TCP connect plus TLS handshake on an outbound connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Skip server certificate validation on outbound TLS. Tests only: it defeats TLS.</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    /// <summary>How often the heartbeat checks connection deadlines.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
}
