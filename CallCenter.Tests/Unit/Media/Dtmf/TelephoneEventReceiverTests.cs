using CallCenter.Media.Dtmf;

namespace CallCenter.Tests.Unit.Media.Dtmf;

public sealed class TelephoneEventReceiverTests
{
    private static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);

    private TelephoneEventReceiver _receiver = null!;
    private List<DtmfEvent> _presses = null!;

    [SetUp]
    public void SetUp()
    {
        _receiver = new TelephoneEventReceiver();
        _presses = [];
    }

    private void Feed(uint timestamp, bool marker, TelephoneEvent telephoneEvent)
    {
        if (_receiver.TryProcess(timestamp, marker, telephoneEvent, out var press))
        {
            _presses.Add(press);
        }
    }

    private void FeedPress(byte code, uint timestamp, int milliseconds = 100, Func<int, bool>? keep = null)
    {
        var frames = TelephoneEventSender.Plan(code, TimeSpan.FromMilliseconds(milliseconds), Ptime);
        for (var i = 0; i < frames.Count; i++)
        {
            if (keep is null || keep(i))
            {
                Feed(timestamp, frames[i].Marker, frames[i].Event);
            }
        }
    }

    [Test]
    public void AWholePressWithItsThreeEndPacketsIsReportedOnce()
    {
        FeedPress(5, 16_000);

        Assert.That(_presses, Is.EqualTo(new[] { new DtmfEvent(5, 16_000, 10) }));
        Assert.That(_receiver.Ignored, Is.EqualTo(6));
    }

    [Test]
    public void TheSameDigitPressedTwiceIsTwoPresses()
    {
        FeedPress(1, 16_000);
        FeedPress(1, 17_600);
        FeedPress(2, 19_200);

        Assert.That(_presses.Select(p => (p.Symbol, p.Timestamp)), Is.EqualTo(new[] { ('1', 16_000u), ('1', 17_600u), ('2', 19_200u) }));
    }

    [Test]
    public void ALostStartStillReportsThePressOnce()
    {
        FeedPress(9, 8000, keep: i => i >= 2);
        Assert.That(_presses.Select(p => p.Symbol), Is.EqualTo(new[] { '9' }));
    }

    [Test]
    public void OnlyEndPacketsStillMakeOnePress()
    {
        FeedPress(10, 8000, keep: i => i >= 4);
        Assert.That(_presses.Select(p => p.Symbol), Is.EqualTo(new[] { '*' }));
    }

    [Test]
    public void LostEndPacketsDoNotSwallowTheNextPress()
    {
        FeedPress(3, 8000, keep: i => i < 3);
        FeedPress(3, 9600, keep: i => i > 0);

        Assert.That(_presses.Select(p => p.Timestamp), Is.EqualTo(new[] { 8000u, 9600u }));
    }

    [Test]
    public void RetransmittedStartsAndLatePacketsOfAnOlderPressAreIgnored()
    {
        var start = new TelephoneEvent(4, false, 10, 160);
        Feed(8000, true, start);
        Feed(8000, true, start);
        FeedPress(6, 9600);
        Feed(8000, false, new TelephoneEvent(4, true, 10, 800));

        Assert.That(_presses.Select(p => p.Symbol), Is.EqualTo(new[] { '4', '6' }));
    }

    [Test]
    public void TimestampsWrapAroundWithoutLosingOrder()
    {
        FeedPress(7, 0xFFFF_FF00);
        FeedPress(8, 0x0000_0100);
        Feed(0xFFFF_FF00, false, new TelephoneEvent(7, true, 10, 800));

        Assert.That(_presses.Select(p => p.Symbol), Is.EqualTo(new[] { '7', '8' }));
    }

    [Test]
    public void ALongPressSplitIntoSegmentsIsOnePress()
    {
        // §2.5.1.3: once the duration field is full, the sender starts a new segment at start + 0xFFFF without the
        // marker; only the final segment ends.
        Feed(1000, true, new TelephoneEvent(0, false, 10, 160));
        Feed(1000, false, new TelephoneEvent(0, false, 10, 0xFFFF));
        Feed(1000 + 0xFFFF, false, new TelephoneEvent(0, false, 10, 160));
        Feed(1000 + 0xFFFF, false, new TelephoneEvent(0, true, 10, 4000));

        Assert.That(_presses, Has.Count.EqualTo(1));
    }

    [Test]
    public void AResetForgetsTheCurrentEventForANewSource()
    {
        FeedPress(2, 5000);
        _receiver.Reset();
        FeedPress(2, 5000);

        Assert.That(_presses, Has.Count.EqualTo(2), "a new SSRC may reuse any timestamp");
        Assert.That(_receiver.Reported, Is.EqualTo(2));
    }
}
