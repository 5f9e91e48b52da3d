using CallCenter.Core.Acd;
using CallCenter.Core.Storage.Acd;
using CallCenter.Tests.Support;
using CallCenter.Tests.Unit.Sip.Transactions;
using Microsoft.Extensions.Logging;
using CallCenter.Tests.Unit.Acd;
using Microsoft.Extensions.Logging.Abstractions;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Integration.Storage;

/// <summary>The Asterisk-format queue_log file written from the router's records.</summary>
public sealed class QueueLogWriterTests
{
    [Test]
    public async Task ACallsLifeReadsAsAsteriskWritesIt()
    {
        using var folder = new TempFolder("cc-queuelog");
        var path = folder.Combine("queue_log");
        var clock = new FakeTimeProvider();
        var epoch = clock.GetUtcNow().ToUnixTimeSeconds();
        var control = new RecordingCallControl();
        await using (var writer = new QueueLogWriter(path, NullLogger<QueueLogWriter>.Instance))
        {
            var router = new AcdRouter(QueuesOf(Queue("sales") with { ExitDigit = '0' }), AgentsOf(Agent("x", "sales")), clock, control,
                new AcdRecordFanOut(writer, NullAcdRecordSink.Instance), NullLogger<AcdRouter>.Instance);
            router.Login("x", "1000");
            router.Join(new CallerRequest("call-1", "sales", 0, "5551234"));
            clock.Advance(TimeSpan.FromSeconds(15));
            clock.Advance(TimeSpan.FromSeconds(5));
            clock.Advance(TimeSpan.FromSeconds(2));
            router.OfferAnswered(control.Offers.Last().OfferId);
            clock.Advance(TimeSpan.FromSeconds(40));
            router.CallerHungUp("call-1");
            router.Join(new CallerRequest("call-2", "sales"));
            router.Join(new CallerRequest("call-3", "sales"));
            router.CallerPressed("call-3", '0');
            router.SetNotReady("x", "lunch");
            router.CallerHungUp("call-2");
            router.SetReady("x");
            router.Logout("x");
        }

        var t = (long seconds) => (epoch + seconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(File.ReadAllLines(path), Is.EqualTo(new[]
        {
            $"{t(0)}|NONE|NONE|x|AGENTLOGIN|1000",
            $"{t(0)}|call-1|sales|NONE|ENTERQUEUE||5551234",
            $"{t(15)}|call-1|sales|x|RINGNOANSWER|15000",
            $"{t(22)}|call-1|sales|x|CONNECT|22|call-1|2",
            $"{t(62)}|call-1|sales|x|COMPLETECALLER|22|40|1",
            $"{t(62)}|call-2|sales|NONE|ENTERQUEUE||",
            $"{t(62)}|call-3|sales|NONE|ENTERQUEUE||",
            $"{t(62)}|call-3|sales|NONE|EXITWITHKEY|0|2|2|0",
            $"{t(62)}|NONE|NONE|x|PAUSEALL|lunch",
            $"{t(62)}|call-2|sales|NONE|ABANDON|1|1|0",
            $"{t(62)}|NONE|NONE|x|UNPAUSEALL|",
            $"{t(62)}|NONE|NONE|x|AGENTLOGOFF|1000|62",
        }));
    }

    [Test]
    public async Task AFailingFileIsWarnedAboutOnceAndItsRecoveryTellsHowManyLinesWereLost()
    {
        // A folder that does not exist yet fails every batch, as a full disk or no free descriptor does.
        using var folder = new TempFolder("cc-queuelog");
        var missing = folder.Combine("not-yet");
        var logs = new ListLoggerFactory();
        await using var writer = new QueueLogWriter(Path.Combine(missing, "queue_log"), logs.CreateLogger<QueueLogWriter>());
        var at = DateTimeOffset.UnixEpoch.AddYears(56);
        for (var i = 0; i < 5; i++)
        {
            writer.Queue(new AcdQueueRecord(at, "sales", $"lost-{i}", null, AcdQueueEventType.EnterQueue));
            await WaitAsync(() => writer.Dropped == i + 1);
        }

        Directory.CreateDirectory(missing);
        writer.Queue(new AcdQueueRecord(at, "sales", "kept", null, AcdQueueEventType.EnterQueue));
        // The count goes up before the recovery is logged: wait for both.
        await WaitAsync(() => writer.Written == 1 && logs.Entries.Any(e => e.EventId == 1332));

        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.EventId), Is.EqualTo(new[] { 1330 }));
        Assert.That(logs.Entries.Where(e => e.EventId == 1332).Select(e => e.Message).Single(), Does.Contain("5 lines were lost"));
        Assert.That(File.ReadAllText(Path.Combine(missing, "queue_log")), Does.Contain("|kept|sales|NONE|ENTERQUEUE||"));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the writer's loop did not get there within 10 s");
            await Task.Delay(5);
        }
    }
}
