using System.Globalization;

namespace CallCenter.Core.Sdp;

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2). The session id is
// kept as the digits received (its only use is to be compared and echoed); the version is a number because
// RFC 3264 §8 has it incremented and compared.
public sealed record SdpOrigin(string UserName, string SessionId, ulong SessionVersion, string NetworkType, string AddressType, string Address)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{UserName} {SessionId} {SessionVersion} {NetworkType} {AddressType} {Address}");
}
