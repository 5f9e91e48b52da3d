namespace CallCenter.Tests.Support;

/// <summary>
/// The SIP peers nobody here wrote, from Debian's packages. A test that needs one and finds it missing fails with
/// the install command: interop that silently skips would let a green run prove nothing.
/// </summary>
public static class Peers
{
    public sealed record Peer(string Command, string DebianPackage);

    public static readonly Peer Sipp = new("sipp", "sip-tester");
    public static readonly Peer Baresip = new("baresip", "baresip");
    public static readonly Peer Sipsak = new("sipsak", "sipsak");
    public static readonly Peer SvMap = new("svmap", "sipvicious");
    public static readonly Peer SvWar = new("svwar", "sipvicious");
    public static readonly Peer SvCrack = new("svcrack", "sipvicious");

    // Not a SIP peer: it makes the tones baresip sends and measures what it recorded.
    public static readonly Peer Sox = new("sox", "sox");

    public static readonly IReadOnlyList<Peer> All = [Sipp, Baresip, Sipsak, SvMap, SvWar, SvCrack, Sox];

    /// <summary>The peer's full path, or a failed test that says how to install it.</summary>
    public static string Require(Peer peer) =>
        Find(peer.Command)
        ?? throw new AssertionException(
            $"The interop peer '{peer.Command}' is not installed. Run ./test.sh as root (it installs it) or: apt-get install {peer.DebianPackage}");

    public static string? Find(string command)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(folder, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
