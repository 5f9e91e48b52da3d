using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>Run-time call features over extensions.xml, and their copy in SQLite across a restart.</summary>
public sealed class UserFeatureStoreTests
{
    private static readonly UserOptions Bob = new()
    {
        Extension = "1001",
        DisplayName = "Bob",
        Credential = new SipCredential { Password = "x" },
        ForwardBusy = "2000",
        ForwardNoAnswer = "2000",
    };

    [Test]
    public void OverridesApplyPerFeatureOverTheConfiguredValues()
    {
        var store = new UserFeatureStore(new FakeTimeProvider(), NullLogger<UserFeatureStore>.Instance);
        Assert.That(store.Resolve(Bob), Is.EqualTo(new UserFeatures(false, null, "2000", "2000")));

        var now = store.Change(Bob, o => o with { DoNotDisturb = true, ForwardNoAnswer = string.Empty, ForwardAlways = "1002" });

        Assert.That(now, Is.EqualTo(new UserFeatures(true, "1002", "2000", null)));
        Assert.That(store.Resolve(Bob), Is.EqualTo(now));
        Assert.That(store.Resolve(Bob with { ForwardBusy = "3000" }).ForwardBusy, Is.EqualTo("3000"), "what was not changed follows extensions.xml");
        Assert.That(store.Reset(Bob), Is.EqualTo(UserFeatures.Of(Bob)));
        Assert.That(store.Get("1001").IsEmpty, Is.True);
    }

    [Test]
    public async Task ChangesSurviveARestartOnTheSameDatabaseFileAndAResetDeletesThem()
    {
        using var folder = new TempFolder("cc-features");
        var options = new StorageOptions { DataFolder = folder.Combine("data"), RecordingsFolder = folder.Combine("rec") };
        var time = new FakeTimeProvider();
        var carol = Bob with { Extension = "1002", ForwardBusy = null, ForwardNoAnswer = null };

        using (var database = await Database.OpenAsync(options, NullLogger<Database>.Instance, CancellationToken.None))
        {
            await using var store = await UserFeatureStore.OpenAsync(database, time, NullLoggerFactory.Instance, CancellationToken.None);
            store.Change(Bob, o => o with { DoNotDisturb = true, ForwardBusy = string.Empty });
            store.Change(carol, o => o with { ForwardAlways = "1001" });
            await store.FlushAsync();
            Assert.That(store.PendingWrites, Is.Zero);
        }

        using (var database = await Database.OpenAsync(options, NullLogger<Database>.Instance, CancellationToken.None))
        {
            await using var store = await UserFeatureStore.OpenAsync(database, time, NullLoggerFactory.Instance, CancellationToken.None);
            Assert.That(store.Get("1001"), Is.EqualTo(new FeatureOverrides(DoNotDisturb: true, ForwardBusy: string.Empty)));
            Assert.That(store.Resolve(Bob), Is.EqualTo(new UserFeatures(true, null, null, "2000")));
            Assert.That(store.Resolve(carol).ForwardAlways, Is.EqualTo("1001"));
            store.Reset(Bob);
        }

        using (var database = await Database.OpenAsync(options, NullLogger<Database>.Instance, CancellationToken.None))
        {
            await using var store = await UserFeatureStore.OpenAsync(database, time, NullLoggerFactory.Instance, CancellationToken.None);
            Assert.That(store.Get("1001").IsEmpty, Is.True, "the reset was written on the way out");
            Assert.That(store.Get("1002").ForwardAlways, Is.EqualTo("1001"));
        }
    }
}
