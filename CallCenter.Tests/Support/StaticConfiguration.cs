using System.Collections.Immutable;
using System.Net;
using CallCenter.Core.Configuration;

namespace CallCenter.Tests.Support;

/// <summary>An <see cref="ILiveConfiguration"/> whose value a test sets; <see cref="Set"/> raises Changed like a reload.</summary>
public sealed class StaticConfiguration(CallCenterOptions options) : ILiveConfiguration
{
    public CallCenterOptions Current { get; private set; } = options;

    public event Action<CallCenterOptions>? Changed;

    public void Set(CallCenterOptions options)
    {
        Current = options;
        Changed?.Invoke(options);
    }

    /// <summary>A small valid option set: one UDP listener on loopback, the given users with password "secret-EXT".</summary>
    public static CallCenterOptions Options(params string[] extensions) => new()
    {
        Node = new NodeOptions { Name = "test" },
        Sip = new SipOptions
        {
            Realm = "test",
            Domain = "test.local",
            Listeners = [new SipListenerOptions { Transport = SipTransport.Udp, Address = IPAddress.Loopback, Port = 0 }],
            Security = new SipSecurityOptions { MaxFailures = 3, FindWindow = TimeSpan.FromMinutes(1), BanTime = TimeSpan.FromMinutes(10) },
        },
        Rtp = new RtpOptions(),
        Web = new WebOptions(),
        Storage = new StorageOptions { DataFolder = "/tmp/unused", RecordingsFolder = "/tmp/unused" },
        Logging = new LoggingOptions { Folder = "/tmp/unused" },
        Shutdown = new ShutdownOptions(),
        Extensions = new ExtensionsOptions
        {
            Users = extensions
                .Select(e => new UserOptions { Extension = e, DisplayName = "User " + e, Credential = new SipCredential { Password = "secret-" + e } })
                .ToImmutableArray(),
        },
    };
}
