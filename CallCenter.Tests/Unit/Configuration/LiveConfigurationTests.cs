using CallCenter.Core.Configuration;
using CallCenter.Server.Configuration;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CallCenter.Tests.Unit.Configuration;

public sealed class LiveConfigurationTests
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private static (LiveConfiguration Live, ListLogger<LiveConfiguration> Log, List<CallCenterOptions> Changes) Create(
        TempConfig config, TimeProvider time, TimeSpan? debounce = null)
    {
        var initial = ConfigurationLoader.Load(config.Folder);
        Assert.That(initial.Errors, Is.Empty, () => string.Join("\n", initial.Errors));
        var log = new ListLogger<LiveConfiguration>();
        var live = new LiveConfiguration(config.Folder, initial.Options!, log, time, debounce ?? Debounce);
        var changes = new List<CallCenterOptions>();
        live.Changed += options =>
        {
            lock (changes)
            {
                changes.Add(options);
            }
        };
        return (live, log, changes);
    }

    private static void SetWebPort(TempConfig config, int from, int to) =>
        config.Write("callcenter.xml", config.Read("callcenter.xml").Replace($"port=\"{from}\"", $"port=\"{to}\""));

    [Test]
    public void ABurstOfEventsLeadsToOneReloadAfterTheQuietPeriod()
    {
        using var config = TempConfig.Create(sipPort: 15060, webPort: 18080);
        var time = new FakeTimeProvider();
        var (live, log, changes) = Create(config, time);
        using var _ = live;

        SetWebPort(config, 18080, 18081);
        live.OnFileChanged("callcenter.xml~");
        live.OnFileChanged("callcenter.xml");
        time.Advance(TimeSpan.FromMilliseconds(400));
        live.OnFileChanged("callcenter.xml");
        time.Advance(TimeSpan.FromMilliseconds(400));
        live.OnFileChanged("schema/callcenter.xsd");
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.That(changes, Is.Empty, "the quiet period restarts with every event");

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(changes, Has.Count.EqualTo(1));
        Assert.That(changes[0].Generation, Is.EqualTo(2));
        Assert.That(changes[0].Web.Port, Is.EqualTo(18081));
        Assert.That(live.Current, Is.SameAs(changes[0]));
        Assert.That(log.Entries.Select(e => e.EventId), Does.Contain(1100));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(changes, Has.Count.EqualTo(1), "nothing more happens without another event");
    }

    [TestCase("4913")]
    [TestCase(".callcenter.xml.swp")]
    [TestCase("notes.txt")]
    public void EditorTempFilesDoNotTriggerAReload(string name)
    {
        using var config = TempConfig.Create(sipPort: 15060, webPort: 18080);
        var time = new FakeTimeProvider();
        var (live, _, changes) = Create(config, time);
        using var __ = live;

        live.OnFileChanged(name);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(changes, Is.Empty);
        Assert.That(live.Current.Generation, Is.EqualTo(1));
    }

    [Test]
    public async Task ABadEditIsRejectedAndTheOldConfigurationKeepsServingUntilItIsFixed()
    {
        using var config = TempConfig.Create(sipPort: 15060, webPort: 18080);
        var time = new FakeTimeProvider();
        var (live, log, changes) = Create(config, time);
        using var _ = live;
        var before = live.Current;

        var good = config.Read("extensions.xml");
        config.Write("extensions.xml", good.Replace("extension=\"1001\"", "extension=\"1000\""));
        live.OnFileChanged("extensions.xml");
        time.Advance(Debounce);

        Assert.That(live.Current, Is.SameAs(before));
        Assert.That(changes, Is.Empty);
        var warning = log.Entries.Single(e => e.EventId == 1101);
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain("generation 1 keeps serving").And.Contain("extensions.xml:").And.Contain("Extension 1000 is already used"));

        config.Write("extensions.xml", good.Replace("name=\"User 1003\"", "name=\"Reception\""));
        var fixedResult = await live.ReloadNowAsync();

        Assert.That(fixedResult.Succeeded, Is.True);
        Assert.That(live.Current.Generation, Is.EqualTo(2));
        Assert.That(live.Current.Extensions.FindUser("1003")!.DisplayName, Is.EqualTo("Reception"));
        Assert.That(changes.Select(c => c.Generation), Is.EqualTo(new[] { 2L }));
    }

    [Test]
    public async Task AThrowingHandlerIsLoggedAndDoesNotStopTheOthers()
    {
        using var config = TempConfig.Create(sipPort: 15060, webPort: 18080);
        var (live, log, changes) = Create(config, new FakeTimeProvider());
        using var _ = live;
        var later = new List<long>();
        live.Changed += _ => throw new InvalidOperationException("component failed");
        live.Changed += options => later.Add(options.Generation);

        var result = await live.ReloadNowAsync();

        Assert.That(result.Succeeded, Is.True);
        Assert.That(changes, Has.Count.EqualTo(1));
        Assert.That(later, Is.EqualTo(new[] { 2L }));
        Assert.That(log.Entries.Single(e => e.EventId == 1102).Exception, Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public async Task ConcurrentReloadsEachTakeTheNextGeneration()
    {
        using var config = TempConfig.Create(sipPort: 15060, webPort: 18080);
        var (live, _, changes) = Create(config, new FakeTimeProvider());
        using var __ = live;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(live.ReloadNowAsync)));

        Assert.That(live.Current.Generation, Is.EqualTo(9));
        Assert.That(changes.Select(c => c.Generation), Is.EqualTo(Enumerable.Range(2, 8).Select(g => (long)g)));
    }

    [Test]
    public void NothingIsReloadedAfterDispose()
    {
        using var config = TempConfig.Create(sipPort: 15060, webPort: 18080);
        var time = new FakeTimeProvider();
        var (live, _, changes) = Create(config, time);

        live.OnFileChanged("callcenter.xml");
        live.Dispose();
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(changes, Is.Empty);
        Assert.That(live.ReloadNowAsync, Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task AnEditOnDiskIsPickedUpByTheWatcher()
    {
        using var config = TempConfig.Create(sipPort: 15060, webPort: 18080);
        var (live, log, _) = Create(config, TimeProvider.System, TimeSpan.FromMilliseconds(100));
        using var _ = live;
        var applied = new TaskCompletionSource<CallCenterOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Changed += options => applied.TrySetResult(options);
        live.Start();

        // The way editors save: write a temp file next to the real one, then rename it over it.
        var temp = config.Path("callcenter.xml.tmp");
        await File.WriteAllTextAsync(temp, config.Read("callcenter.xml").Replace("node=\"test\"", "node=\"edited\""));
        File.Move(temp, config.Path("callcenter.xml"), overwrite: true);

        var options = await applied.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(options.Node.Name, Is.EqualTo("edited"));
        Assert.That(options.Generation, Is.EqualTo(2));
        Assert.That(live.Current, Is.SameAs(options));
        Assert.That(log.Entries.Select(e => e.EventId), Does.Contain(1105));
    }
}
