using CallCenter.Media.Codecs;
using CallCenter.Media.Playback;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Playback;

public sealed class MusicOnHoldClassTests
{
    [Test]
    public void AFolderBecomesOneLoopInNameOrderAndBadFilesAreSkippedWithTheirReason()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.Combine("b.wav"), WavBytes.Build(WavBytes.Pcm16(Enumerable.Repeat((short)2000, 320).ToArray())));
        File.WriteAllBytes(folder.Combine("a.wav"), WavBytes.Build(WavBytes.Pcm16(Enumerable.Repeat((short)1000, 200).ToArray())));
        File.WriteAllBytes(folder.Combine("c.wav"), WavBytes.Build(new byte[100], sampleRate: 44100));
        File.WriteAllText(folder.Combine("notes.txt"), "not music");

        Assert.That(MusicOnHoldClass.TryLoad("default", folder.Path, out var music, out var skipped), Is.True);

        Assert.That(music!.Files, Is.EqualTo(new[] { "a.wav", "b.wav" }));
        Assert.That(skipped, Has.Count.EqualTo(1));
        Assert.That(skipped[0], Does.StartWith("c.wav: ").And.Contain("44100 Hz"));

        // a.wav's 200 samples are padded to two frames; then b.wav's two frames; then the loop starts again.
        var firstSamples = new List<short>();
        for (var tick = 0; tick < 5; tick++)
        {
            firstSamples.Add(music.CurrentLinearFrame[0]);
            music.Advance();
        }

        Assert.That(firstSamples, Is.EqualTo(new short[] { 1000, 1000, 2000, 2000, 1000 }));
        Assert.That(music.CurrentLinearFrame[40..].ToArray(), Is.All.EqualTo(0), "the padding after a.wav's 200 samples");
    }

    [Test]
    public void EveryListenerGetsTheSameAlreadyEncodedFrame()
    {
        var track = WavBytes.Sine(400, 9000, 1600);
        var music = MusicOnHoldClass.FromTracks("default", [track]);
        music.Advance();
        music.Advance();

        var expectedMu = new byte[160];
        var expectedA = new byte[160];
        G711.EncodeMuLaw(track.AsSpan(320, 160), expectedMu);
        G711.EncodeALaw(track.AsSpan(320, 160), expectedA);
        Assert.That(music.CurrentFrame(AudioCodec.Pcmu).ToArray(), Is.EqualTo(expectedMu));
        Assert.That(music.CurrentFrame(AudioCodec.Pcma).ToArray(), Is.EqualTo(expectedA));
        Assert.That(music.CurrentLinearFrame.ToArray(), Is.EqualTo(track.AsSpan(320, 160).ToArray()));
    }

    [Test]
    public void AnEmptyOrMissingFolderIsRefusedWithAReason()
    {
        using var folder = new TempFolder();
        Assert.That(MusicOnHoldClass.TryLoad("empty", folder.Path, out var music, out var skipped), Is.False);
        Assert.That(music, Is.Null);
        Assert.That(skipped.Single(), Does.Contain("no playable WAV file"));

        Assert.That(MusicOnHoldClass.TryLoad("missing", folder.Combine("absent"), out _, out skipped), Is.False);
        Assert.That(skipped, Is.Not.Empty);
    }

    [Test]
    public void ReadingTheCurrentFrameAllocatesNothing()
    {
        var music = MusicOnHoldClass.FromTracks("default", [WavBytes.Sine(400, 9000, 8000)]);
        var packet = new byte[160];
        music.CurrentFrame(AudioCodec.Pcmu).CopyTo(packet);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var tick = 0; tick < 1000; tick++)
        {
            music.Advance();
            for (var listener = 0; listener < 10; listener++)
            {
                music.CurrentFrame(AudioCodec.Pcmu).CopyTo(packet);
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
