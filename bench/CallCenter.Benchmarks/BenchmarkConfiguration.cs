using System.Net;
using CallCenter.Core.Configuration;

namespace CallCenter.Benchmarks;

/// <summary>
/// The configuration the whole-path benchmarks run the server with: realm "callcenter" (what SIPp's scenarios
/// answer), loopback trusted (the load generator is never banned), no listeners or folders used, and the given users.
/// It never changes.
/// </summary>
internal sealed class BenchmarkConfiguration(CallCenterOptions options) : ILiveConfiguration
{
    public const string Realm = "callcenter";

    public CallCenterOptions Current => options;

    public event Action<CallCenterOptions>? Changed
    {
        add { }
        remove { }
    }

    public static BenchmarkConfiguration WithUsers(IEnumerable<UserOptions> users) => new(new CallCenterOptions
    {
        Node = new NodeOptions { Name = "bench" },
        Sip = new SipOptions
        {
            Realm = Realm,
            Domain = "callcenter.local",
            Listeners = [],
            Security = new SipSecurityOptions { TrustedNetworks = [IPNetwork.Parse("127.0.0.0/8")] },
        },
        Rtp = new RtpOptions(),
        Web = new WebOptions(),
        Storage = new StorageOptions { DataFolder = "/tmp/unused", RecordingsFolder = "/tmp/unused" },
        Logging = new LoggingOptions { Folder = "/tmp/unused" },
        Shutdown = new ShutdownOptions(),
        Extensions = new ExtensionsOptions { Users = [.. users] },
    });
}
