using System.Globalization;
using System.Net;

namespace CallCenter.Core.Sdp;

// Our o= line on one leg (RFC 3264 §8): the username, session id and address never change for the life of the
// session; the version goes up by one each time we send a description that differs from the last one we sent
// on this leg, and stays when we send the same one again (a session-refresh re-INVITE, a retransmitted 200, an
// answer repeated unchanged as in RFC 4317 §2.5), because "if the version in the origin line does not
// increment, the SDP MUST be identical". Owned by the call's loop; not thread-safe.
public sealed class SdpSessionVersion
{
    private SdpSessionDescription? _last;
    private string _lastText = string.Empty;

    public SdpSessionVersion(string address, string sessionId, ulong initialVersion, string userName = "-")
    {
        ArgumentNullException.ThrowIfNull(address);
        var addressType = IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        if (!SdpSyntax.IsValidAddress(addressType, address))
        {
            throw new ArgumentException($"'{address}' is not an address for o=.", nameof(address));
        }

        if (sessionId is null || sessionId.Length == 0 || sessionId.Length > 20 || !SdpSyntax.IsDigits(sessionId))
        {
            throw new ArgumentException("The session id must be 1 to 20 digits.", nameof(sessionId));
        }

        SdpText.CheckField(userName, nameof(userName));
        Origin = new SdpOrigin(userName, sessionId, initialVersion, "IN", addressType, address);
    }

    // The origin of the last description stamped (or, before the first, the one the first will carry).
    public SdpOrigin Origin { get; private set; }

    // The description last stamped: what this leg last received from us.
    public SdpSessionDescription? Last => _last;

    // A session id unique enough per leg (RFC 8866 §5.2 only asks for uniqueness with the username and
    // address): 62 random bits, so that it fits in 19 digits and in a signed 64-bit integer for the peers that
    // parse it as one. Not a secret (every peer reads it), so not from the cryptographic generator: its four calls
    // into OpenSSL per call, each with a getpid, were the most frequent system call of a call's set-up.
    public static SdpSessionVersion Create(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var id = Random.Shared.NextInt64(1L << 31, 1L << 62);
        return new SdpSessionVersion(address.ToString(), id.ToString(CultureInfo.InvariantCulture), 1);
    }

    // Puts our origin on the description, bumping the version if its content differs from the last one sent
    // (or when forced: an offer that must be seen as new even though nothing in it changed).
    public SdpSessionDescription Stamp(SdpSessionDescription description, bool forceNewVersion = false)
    {
        ArgumentNullException.ThrowIfNull(description);
        var same = WithOrigin(description, Origin);
        if (_last is null)
        {
            return Remember(same);
        }

        var text = same.ToString();
        if (!forceNewVersion && text == _lastText)
        {
            return _last;
        }

        Origin = Origin with { SessionVersion = unchecked(Origin.SessionVersion + 1) };
        return Remember(WithOrigin(description, Origin));
    }

    private SdpSessionDescription Remember(SdpSessionDescription description)
    {
        _last = description;
        _lastText = description.ToString();
        return description;
    }

    private static SdpSessionDescription WithOrigin(SdpSessionDescription description, SdpOrigin origin) =>
        description.Origin == origin ? description : description.ToBuilder().SetOrigin(origin).Build();
}
