using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

public sealed partial class SipTransactionLayer
{
    /// <summary>
    /// Shard: the door every message passes. In order: a banned source gets silence (answering would tell a scanner
    /// it found a server); the trace sees what arrived; the parser and the validator refuse what no transaction can
    /// be built on, answering requests with the 400-class response they chose (§8.2.6.1, RFC 4475) but never an
    /// ACK, which takes no response (§17).
    /// </summary>
    private void ProcessInbound(SipShard shard, ReadOnlyMemory<byte> bytes, SipFlow flow, long receivedAt, long arrivedAt)
    {
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

        if (TryAbsorbUnparsed(shard, bytes.Span, arrivedAt))
        {
            return;
        }

        var parseOptions = new SipParseOptions(options.Sip.Limits.MaxMessageBytes, flow.IsStream);
        if (!SipMessageParser.TryParse(bytes, parseOptions, out var message, out var error))
        {
            Counters.Malformed();
            SipTransactionLog.Malformed(_logger, flow.ToString(), error.ToString());
            if (!IsAck(bytes.Span) && error.CreateResponseBytes() is { } answer)
            {
                SendStateless(answer, error.StatusCode, flow);
            }

            return;
        }

        if (message is SipRequest counted)
        {
            Counters.RequestReceived(counted.Method);
        }

        if (!SipMessageValidator.TryValidate(message, out var invalid))
        {
            Counters.Malformed();
            SipTransactionLog.Malformed(_logger, flow.ToString(), invalid.ToString());
            if (message is SipRequest { Method: not SipMethods.Ack } && invalid.CreateResponseBytes() is { } answer)
            {
                SendStateless(answer, invalid.StatusCode, flow);
            }

            return;
        }

        if (message is SipResponse response)
        {
            HandleResponse(shard, response, flow);
        }
        else
        {
            HandleRequest(shard, (SipRequest)message, flow, receivedAt, arrivedAt);
        }
    }

    /// <summary>A request the parser refused may still be an ACK, which must not be answered.</summary>
    private static bool IsAck(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        while (start + 1 < bytes.Length && bytes[start] == '\r' && bytes[start + 1] == '\n')
        {
            start += 2;
        }

        return bytes[start..].StartsWith("ACK "u8);
    }
}
