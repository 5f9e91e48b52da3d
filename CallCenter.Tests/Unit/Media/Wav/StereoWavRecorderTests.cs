using System.Buffers.Binary;
using CallCenter.Media.Wav;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Wav;

public sealed class StereoWavRecorderTests
{
    private static readonly short[] Caller = WavBytes.Sine(440, 8000, 8000);
    private static readonly short[] Agent = WavBytes.Sine(1000, 5000, 8000);

    [Test]
    public async Task CallerIsLeftAgentIsRightAndTheHeaderIsFixedOnClose()
    {
        var stream = new MemoryStream();
        var recorder = new StereoWavRecorder(stream, ownsStream: false);
        for (var offset = 0; offset < Caller.Length; offset += 160)
        {
            Assert.That(recorder.TryWrite(Caller.AsSpan(offset, 160), Agent.AsSpan(offset, 160)), Is.True);
        }

        await recorder.DisposeAsync();

        var file = stream.ToArray();
        Assert.That(file, Has.Length.EqualTo(44 + (8000 * 4)));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)), Is.EqualTo(file.Length - 8));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)), Is.EqualTo(8000 * 4));
        Assert.That(WavFile.TryParse(file, out var audio, out _, out var reason), Is.True, reason);
        Assert.That(audio!.Channels, Is.EqualTo(2));
        Assert.That(audio.SampleRate, Is.EqualTo(8000));
        var samples = audio.Samples.ToArray();
        Assert.That(samples.Where((_, i) => i % 2 == 0), Is.EqualTo(Caller));
        Assert.That(samples.Where((_, i) => i % 2 == 1), Is.EqualTo(Agent));
        Assert.That(recorder.DroppedFrames, Is.Zero);
        Assert.That(recorder.AcceptedFrames, Is.EqualTo(50));
    }

    [Test]
    public async Task AFullQueueDropsAndCountsInsteadOfWaiting()
    {
        using var stream = new GatedStream();
        var recorder = new StereoWavRecorder(stream, queueFrames: 8, ownsStream: false);
        var accepted = new List<int>();
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        for (var frame = 0; frame < 40; frame++)
        {
            var caller = Enumerable.Repeat((short)frame, 160).ToArray();
            if (recorder.TryWrite(caller, caller))
            {
                accepted.Add(frame);
            }
        }

        elapsed.Stop();
        Assert.That(elapsed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "the writer never waited for the disk");
        Assert.That(recorder.QueueDepth, Is.LessThanOrEqualTo(8));
        Assert.That(accepted, Has.Count.InRange(8, 9), "the queue's 8, plus one the disk side may hold");
        Assert.That(recorder.DroppedFrames, Is.EqualTo(40 - accepted.Count));

        stream.Open();
        await recorder.DisposeAsync();

        Assert.That(WavFile.TryParse(stream.ToArray(), out var audio, out _, out var reason), Is.True, reason);
        var left = audio!.Samples.ToArray().Where((_, i) => i % 2 == 0).ToArray();
        Assert.That(left.Chunk(160).Select(frame => (int)frame[0]), Is.EqualTo(accepted));
    }

    [Test]
    public async Task AFailingDiskIsAFaultAndDropsNotAnException()
    {
        // Closed before the recorder starts, so that its very first write (the header, on the disk side) fails:
        // closing it afterwards would race that write.
        var stream = new MemoryStream();
        await stream.DisposeAsync();
        var recorder = new StereoWavRecorder(stream, ownsStream: false);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (recorder.Fault is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(recorder.Fault, Is.Not.Null);
        Assert.That(recorder.TryWrite(Caller.AsSpan(0, 160), Agent.AsSpan(0, 160)), Is.False);
        Assert.That(recorder.DroppedFrames, Is.EqualTo(1));
        Assert.DoesNotThrowAsync(async () => await recorder.DisposeAsync());
    }

    [Test]
    public void UnequalSidesAreAProgrammingError()
    {
        var recorder = new StereoWavRecorder(new MemoryStream());
        Assert.That(() => recorder.TryWrite(new short[160], new short[80]), Throws.ArgumentException);
        Assert.That(() => recorder.TryWrite(new short[2000], new short[2000]), Throws.ArgumentException);
    }

    /// <summary>A memory stream whose writes wait until <see cref="Open"/>: a disk that has stalled.</summary>
    private sealed class GatedStream : MemoryStream
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _open.Task.WaitAsync(cancellationToken);
            await base.WriteAsync(buffer, cancellationToken);
        }
    }
}
