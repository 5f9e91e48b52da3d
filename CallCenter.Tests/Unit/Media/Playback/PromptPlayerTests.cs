using CallCenter.Media.Codecs;
using CallCenter.Media.Playback;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Playback;

public sealed class PromptPlayerTests
{
    private static short[] Ramp(int length, int start) => Enumerable.Range(start, length).Select(v => (short)v).ToArray();

    private static List<short> Play(PromptPlayer player, int frames)
    {
        var heard = new List<short>();
        var frame = new short[PromptPlayer.FrameSamples];
        for (var i = 0; i < frames; i++)
        {
            player.Fill(frame);
            heard.AddRange(frame);
        }

        return heard;
    }

    [Test]
    public void PromptsPlayBackToBackAcrossFrameEdgesThenSilence()
    {
        var player = new PromptPlayer();
        var first = Ramp(250, 1);
        var second = Ramp(100, 1000);
        Assert.That(player.Enqueue(first), Is.True);
        Assert.That(player.Enqueue(second), Is.True);

        var heard = Play(player, 4);

        Assert.That(heard.Take(350), Is.EqualTo(first.Concat(second)));
        Assert.That(heard.Skip(350), Is.All.EqualTo(0));
        Assert.That(player.IsPlaying, Is.False);
    }

    [Test]
    public void InterruptStopsAtOnceAndDropsTheQueue()
    {
        var player = new PromptPlayer();
        player.Enqueue(Ramp(800, 1));
        player.Enqueue(Ramp(800, 1));
        var frame = new short[160];
        Assert.That(player.Fill(frame), Is.True);

        Assert.That(player.Interrupt(), Is.EqualTo(2));

        Assert.That(player.Fill(frame), Is.False);
        Assert.That(frame, Is.All.EqualTo(0));
    }

    [Test]
    public void TheQueueIsBounded()
    {
        var player = new PromptPlayer(capacity: 2);
        Assert.That(player.Enqueue(Ramp(10, 1)), Is.True);
        Assert.That(player.Enqueue(Ramp(10, 1)), Is.True);
        Assert.That(player.Enqueue(Ramp(10, 1)), Is.False);
        Assert.That(player.Queued, Is.EqualTo(2));
    }

    [Test]
    public void ComfortNoiseFillsTheGapsAtItsLevel()
    {
        var player = new PromptPlayer(comfortNoiseDbm0: -60);
        player.Enqueue(Ramp(100, 500));

        var heard = Play(player, 500).ToArray();

        Assert.That(heard.Take(100), Is.EqualTo(Ramp(100, 500)));
        var noise = heard.AsSpan(100);
        Assert.That(Dbm0.FromPower(Goertzel.MeanSquare(noise)), Is.EqualTo(-60).Within(0.5));
        Assert.That(noise.ToArray().Distinct().Count(), Is.GreaterThan(10));
    }

    [Test]
    public void PlayingAllocatesNothing()
    {
        var prompt = Ramp(8000, 0);
        var player = new PromptPlayer(comfortNoiseDbm0: -60);
        var frame = new short[160];
        player.Fill(frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 20; round++)
        {
            player.Enqueue(prompt);
            for (var i = 0; i < 60; i++)
            {
                player.Fill(frame);
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
