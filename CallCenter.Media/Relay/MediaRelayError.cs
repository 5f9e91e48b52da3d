namespace CallCenter.Media.Relay;

public enum MediaRelayError
{
    None = 0,

    /// <summary>Every port pair of the range is in use (by relays or by other programs).</summary>
    PortsExhausted,

    /// <summary>The relays already hold all the sockets the process's descriptor limit leaves them.</summary>
    SocketBudgetExhausted,

    /// <summary>The bind address cannot be used at all (not this machine's, or permission denied).</summary>
    BindFailed,

    /// <summary>The manager is being disposed.</summary>
    Stopped,
}
