using CallCenter.Server.Service;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Service;

// Unix datagram sockets: Windows has stream AF_UNIX only.
[Platform("Linux")]
public sealed class SystemdNotifierTests
{
    [Test]
    public void SendsEachStateAsOneDatagramToASocketPath()
    {
        using var listener = NotifySocketListener.AtPath();
        using var notifier = new SystemdNotifier(listener.NotifySocketName, NullLogger<SystemdNotifier>.Instance);

        Assert.That(notifier.Ready(), Is.True);
        Assert.That(notifier.Status("Running: 3 calls\nand more"), Is.True);
        Assert.That(notifier.Watchdog(), Is.True);
        Assert.That(notifier.MainPid(4242), Is.True);
        Assert.That(notifier.Stopping(), Is.True);

        Assert.That(listener.Receive(), Is.EqualTo("READY=1"));
        Assert.That(listener.Receive(), Is.EqualTo("STATUS=Running: 3 calls and more"));
        Assert.That(listener.Receive(), Is.EqualTo("WATCHDOG=1"));
        Assert.That(listener.Receive(), Is.EqualTo("MAINPID=4242"));
        Assert.That(listener.Receive(), Is.EqualTo("STOPPING=1"));
    }

    [Test]
    public void AnAtSignMeansTheAbstractNamespace()
    {
        using var listener = NotifySocketListener.Abstract();
        using var notifier = new SystemdNotifier(listener.NotifySocketName, NullLogger<SystemdNotifier>.Instance);

        Assert.That(notifier.Ready(), Is.True);
        Assert.That(listener.Receive(), Is.EqualTo("READY=1"));
    }

    [TestCase(null)]
    [TestCase("")]
    public void WithoutNotifySocketEveryCallIsANoOp(string? socket)
    {
        using var notifier = new SystemdNotifier(socket, NullLogger<SystemdNotifier>.Instance);

        Assert.That(notifier.IsEnabled, Is.False);
        Assert.That(notifier.Ready(), Is.False);
        Assert.That(notifier.Failures, Is.Zero);
    }

    [Test]
    public void AnAddressThatIsNotAUnixSocketDisablesNotification()
    {
        using var notifier = new SystemdNotifier("vsock:2:1234", NullLogger<SystemdNotifier>.Instance);

        Assert.That(notifier.IsEnabled, Is.False);
        Assert.That(notifier.Ready(), Is.False);
    }

    [Test]
    public void ASocketNobodyListensOnNeverThrowsAndCountsTheLoss()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cc-nobody-{Guid.NewGuid():N}.sock");
        using var notifier = new SystemdNotifier(path, NullLogger<SystemdNotifier>.Instance);

        Assert.That(notifier.Ready(), Is.False);
        Assert.That(notifier.Watchdog(), Is.False);
        Assert.That(notifier.Failures, Is.EqualTo(2));
    }

    [Test]
    public void AfterDisposeNotificationsAreDropped()
    {
        using var listener = NotifySocketListener.AtPath();
        var notifier = new SystemdNotifier(listener.NotifySocketName, NullLogger<SystemdNotifier>.Instance);
        notifier.Dispose();

        Assert.That(notifier.Ready(), Is.False);
        Assert.That(listener.NothingWithin(TimeSpan.FromMilliseconds(100)), Is.True);
    }

    [TestCase("30000000", null, 15_000)]
    [TestCase("30000000", "4242", 15_000)]
    [TestCase("1000", "", 0.5)]
    public void TheWatchdogIsPingedAtHalfItsTimeout(string usec, string? pid, double expectedMilliseconds)
    {
        var variables = new Dictionary<string, string?> { ["WATCHDOG_USEC"] = usec, ["WATCHDOG_PID"] = pid };

        Assert.That(SystemdWatchdog.PingInterval(name => variables.GetValueOrDefault(name), 4242),
            Is.EqualTo(TimeSpan.FromMilliseconds(expectedMilliseconds)));
    }

    [TestCase(null, null)]
    [TestCase("0", null)]
    [TestCase("-5", null)]
    [TestCase("soon", null)]
    [TestCase("30000000", "1")]
    [TestCase("30000000", "not-a-pid")]
    public void TheWatchdogIsOffUnlessItIsMeantForThisProcess(string? usec, string? pid)
    {
        var variables = new Dictionary<string, string?> { ["WATCHDOG_USEC"] = usec, ["WATCHDOG_PID"] = pid };

        Assert.That(SystemdWatchdog.PingInterval(name => variables.GetValueOrDefault(name), 4242), Is.Null);
    }
}
