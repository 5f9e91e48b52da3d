using CallCenter.Core.Configuration;

namespace CallCenter.Core.Sip.Transport;

/// <summary>A configured listener could not be opened (port in use, address not local, unreadable certificate).
/// Thrown by <see cref="SipTransportManager.StartAsync"/> so that the host refuses to start.</summary>
public sealed class SipListenerBindException(SipListenerOptions listener, string reason, Exception? inner)
    : Exception($"Cannot open SIP listener {listener}: {reason}", inner)
{
    public SipListenerOptions Listener { get; } = listener;
}
