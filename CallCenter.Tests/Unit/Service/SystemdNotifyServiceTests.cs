using CallCenter.Server.Service;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Service;

[Platform("Linux")]
public sealed class SystemdNotifyServiceTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    [Test]
    public async Task ReportsReadyWatchdogAndStoppingOverTheHostsLife()
    {
        using var listener = NotifySocketListener.AtPath();
        using var notifier = new SystemdNotifier(listener.NotifySocketName, NullLogger<SystemdNotifier>.Instance);
        using var lifetime = new FakeHostLifetime();
        var time = new FakeTimeProvider();
        using var service = new SystemdNotifyService(notifier, lifetime, time, Interval, NullLogger<SystemdNotifyService>.Instance);

        await service.StartAsync(CancellationToken.None);
        Assert.That(listener.NothingWithin(Quiet), Is.True, "nothing may be said before the host has started");

        lifetime.NotifyStarted();
        Assert.That(listener.Receive(), Is.EqualTo("READY=1"));
        Assert.That(listener.Receive(), Is.EqualTo("STATUS=Running"));

        time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.That(listener.NothingWithin(Quiet), Is.True, "no ping before half the watchdog timeout");
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(listener.Receive(), Is.EqualTo("WATCHDOG=1"));
        time.Advance(Interval);
        Assert.That(listener.Receive(), Is.EqualTo("WATCHDOG=1"));

        lifetime.StopApplication();
        Assert.That(listener.Receive(), Is.EqualTo("STOPPING=1"));
        Assert.That(listener.Receive(), Is.EqualTo("STATUS=Stopping: draining calls"));

        // The drain keeps the watchdog fed until the service itself is stopped.
        time.Advance(Interval);
        Assert.That(listener.Receive(), Is.EqualTo("WATCHDOG=1"));

        await service.StopAsync(CancellationToken.None);
        time.Advance(Interval * 3);
        Assert.That(listener.NothingWithin(Quiet), Is.True, "no ping after stop");
    }

    [Test]
    public async Task WithoutAWatchdogOnlyStateChangesAreSent()
    {
        using var listener = NotifySocketListener.AtPath();
        using var notifier = new SystemdNotifier(listener.NotifySocketName, NullLogger<SystemdNotifier>.Instance);
        using var lifetime = new FakeHostLifetime();
        var time = new FakeTimeProvider();
        using var service = new SystemdNotifyService(notifier, lifetime, time, null, NullLogger<SystemdNotifyService>.Instance);

        await service.StartAsync(CancellationToken.None);
        lifetime.NotifyStarted();
        Assert.That(listener.Receive(), Is.EqualTo("READY=1"));
        Assert.That(listener.Receive(), Is.EqualTo("STATUS=Running"));

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(listener.NothingWithin(Quiet), Is.True);
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task AnUnhealthyServerGetsNoPing()
    {
        using var listener = NotifySocketListener.AtPath();
        using var notifier = new SystemdNotifier(listener.NotifySocketName, NullLogger<SystemdNotifier>.Instance);
        using var lifetime = new FakeHostLifetime();
        var time = new FakeTimeProvider();
        var healthy = true;
        using var service = new SystemdNotifyService(
            notifier, lifetime, time, Interval, NullLogger<SystemdNotifyService>.Instance, () => healthy);

        await service.StartAsync(CancellationToken.None);
        time.Advance(Interval);
        Assert.That(listener.Receive(), Is.EqualTo("WATCHDOG=1"));

        healthy = false;
        time.Advance(Interval);
        Assert.That(listener.NothingWithin(Quiet), Is.True);

        healthy = true;
        time.Advance(Interval);
        Assert.That(listener.Receive(), Is.EqualTo("WATCHDOG=1"));
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task OutsideSystemdItStartsNoTimer()
    {
        using var notifier = new SystemdNotifier(null, NullLogger<SystemdNotifier>.Instance);
        using var lifetime = new FakeHostLifetime();
        var time = new CountingTimeProvider();
        using var service = new SystemdNotifyService(notifier, lifetime, time, Interval, NullLogger<SystemdNotifyService>.Instance);

        await service.StartAsync(CancellationToken.None);
        lifetime.NotifyStarted();
        await service.StopAsync(CancellationToken.None);

        Assert.That(time.TimersCreated, Is.Zero);
    }

    private sealed class CountingTimeProvider : TimeProvider
    {
        public int TimersCreated { get; private set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            TimersCreated++;
            return System.CreateTimer(callback, state, dueTime, period);
        }
    }
}
