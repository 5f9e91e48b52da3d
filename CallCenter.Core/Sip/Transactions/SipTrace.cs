using System.Text;
using CallCenter.Core.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The full-message SIP trace. It logs to its own category, which Server routes to a file of its own; callers check
/// the live <c>sipTrace</c> switch first so that a message is only turned into text while the trace is on.
/// </summary>
public static partial class SipTrace
{
    public const string Category = "CallCenter.SipTrace";

    public static void Received(ILogger trace, SipFlow flow, ReadOnlyMemory<byte> bytes) =>
        LogMessage(trace, "<<", flow.ToString(), Encoding.UTF8.GetString(bytes.Span));

    public static void Sent(ILogger trace, SipFlow flow, ReadOnlyMemory<byte> bytes) => Sent(trace, flow.ToString(), bytes);

    /// <summary>A message sent to a destination that may have no flow yet (a request to a target's endpoint).</summary>
    public static void Sent(ILogger trace, string destination, ReadOnlyMemory<byte> bytes) =>
        LogMessage(trace, ">>", destination, Encoding.UTF8.GetString(bytes.Span));

    [LoggerMessage(EventId = 2499, Level = LogLevel.Information, Message = "{Direction} {Flow}\n{Message}")]
    private static partial void LogMessage(ILogger logger, string direction, string flow, string message);
}
