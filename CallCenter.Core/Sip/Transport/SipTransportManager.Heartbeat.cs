namespace CallCenter.Core.Sip.Transport;

public sealed partial class SipTransportManager
{
    /// <summary>
    /// One timer for all connections (as Kestrel does) rather than one per connection: it walks the table once per
    /// HeartbeatInterval and closes what overran a deadline. Runs on a timer thread (inline in the test clock's
    /// Advance); it only reads stamps and calls TryClose, which never blocks, and the read loop does the cleanup.
    /// A deadline therefore fires up to one interval late, which is fine for timeouts measured in seconds.
    /// </summary>
    private void Heartbeat()
    {
        var now = _time.GetTimestamp();
        var partial = Limits.PartialMessageTimeout;
        var idle = Limits.IdleConnectionTimeout;
        foreach (var connection in _connections.Values)
        {
            if (connection.IsClosed)
            {
                continue;
            }

            SipConnectionCloseReason? reason = null;
            if (Overran(connection.HandshakeStarted, now, partial) || Overran(connection.PartialSince, now, partial))
            {
                reason = SipConnectionCloseReason.PartialTimeout;
            }
            else if (Overran(connection.WriteStarted, now, partial))
            {
                reason = SipConnectionCloseReason.WriteStalled;
            }
            else if (Overran(connection.LastActivity, now, idle))
            {
                reason = SipConnectionCloseReason.Idle;
            }

            if (reason is { } r)
            {
                connection.TryClose(r);
            }
        }
    }

    private bool Overran(long since, long now, TimeSpan limit) =>
        since != SipStreamConnection.NotRunning && _time.GetElapsedTime(since, now) >= limit;
}
