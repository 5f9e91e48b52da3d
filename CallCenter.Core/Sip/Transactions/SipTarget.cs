using System.Net;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// Where a request the server originates goes. A registered phone is best reached over the flow it registered
/// from (RFC 5626's idea without its headers: a NAT only lets packets back in on the mapping the phone opened, and a
/// TCP phone listens on no port of its own), so <see cref="Flow"/> is tried first when given; if that connection is
/// gone, the request goes to <see cref="EndPoint"/> over <see cref="Transport"/>.
/// </summary>
public sealed record SipTarget(SipTransport Transport, IPEndPoint EndPoint, SipFlow? Flow = null, string? TlsHost = null)
{
    public static SipTarget From(SipFlow flow) => new(flow.Transport, flow.Remote, flow);

    public override string ToString() => Flow?.ToString() ?? $"{Transport.ToString().ToLowerInvariant()}:{EndPoint}";
}
