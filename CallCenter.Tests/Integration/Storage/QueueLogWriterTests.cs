using CallCenter.Core.Acd;
using CallCenter.Core.Storage.Acd;
using CallCenter.Tests.Support;
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
}
