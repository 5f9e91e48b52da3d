using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;

namespace CallCenter.Media.Wav;

/// <summary>
/// Records a call as a stereo WAV file, caller on the left channel and agent on the right, 16-bit PCM at 8 kHz.
/// <see cref="TryWrite"/> runs on the media path: it interleaves the frame into a pooled buffer and offers it to a
/// bounded queue, and when the queue is full it drops the frame and counts it rather than wait for the disk. The
/// disk side runs on the thread pool. The header goes out first with "unknown" sizes (0xFFFFFFFF, which
/// <see cref="WavFile"/> reads as "to the end of the file"), and is fixed up on <see cref="DisposeAsync"/> when
/// the stream can seek.
/// </summary>
public sealed class StereoWavRecorder : IAsyncDisposable
{
    public const int SampleRate = 8000;
    public const int HeaderLength = 44;

    /// <summary>Frames longer than 120 ms are refused: no packetisation time is longer.</summary>
    public const int MaxFrameSamples = 960;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly Channel<Frame> _queue;
    private readonly Task _drain;
    private long _dropped;
    private long _accepted;
    private long _dataBytes;
    private int _disposed;

    // Written once by the disk side, read by the media side on every frame.
    private volatile Exception? _fault;

    public StereoWavRecorder(Stream destination, int queueFrames = 500, bool ownsStream = true)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueFrames, 1);
        _stream = destination;
        _ownsStream = ownsStream;
        QueueCapacity = queueFrames;
        _queue = Channel.CreateBounded<Frame>(new BoundedChannelOptions(queueFrames)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _drain = Task.Run(DrainAsync);
    }

    public int QueueCapacity { get; }

    public int QueueDepth => _queue.Reader.Count;

    public long DroppedFrames => Interlocked.Read(ref _dropped);

    public long AcceptedFrames => Interlocked.Read(ref _accepted);

    /// <summary>The first exception the disk side met; from then on frames are discarded (and counted as dropped).</summary>
    public Exception? Fault
    {
        get => _fault;
        private set => _fault = value;
    }

    /// <summary>Queues one frame of both sides (equal lengths). Never blocks; false when the frame was dropped
    /// because the queue is full, the recorder is closing, or the disk side has failed.</summary>
    public bool TryWrite(ReadOnlySpan<short> caller, ReadOnlySpan<short> agent)
    {
        if (caller.Length != agent.Length || caller.Length > MaxFrameSamples)
        {
            throw new ArgumentException($"Both sides need the same number of samples, at most {MaxFrameSamples}.", nameof(agent));
        }

        if (Fault is not null)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        var length = caller.Length * 4;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        for (var i = 0; i < caller.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan(4 * i), caller[i]);
            BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan((4 * i) + 2), agent[i]);
        }

        if (!_queue.Writer.TryWrite(new Frame(buffer, length)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _dropped);
            return false;
        }

        Interlocked.Increment(ref _accepted);
        return true;
    }

    /// <summary>Writes what is queued, fixes the header's sizes and closes the stream (when owned).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
#pragma warning disable VSTHRD003 // The drain is this object's own, started in its constructor on the thread pool.
        await _drain.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        if (Fault is null && _stream.CanSeek)
        {
            try
            {
                var header = new byte[HeaderLength];
                WriteHeader(header, (uint)Math.Min(_dataBytes, uint.MaxValue - 36));
                _stream.Seek(0, SeekOrigin.Begin);
                await _stream.WriteAsync(header).ConfigureAwait(false);
                await _stream.FlushAsync().ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                Fault = exception;
            }
        }

        if (_ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            var header = new byte[HeaderLength];
            WriteHeader(header, uint.MaxValue);
            await _stream.WriteAsync(header).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or NotSupportedException or ObjectDisposedException)
        {
            Fault = exception;
        }

        await foreach (var frame in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                // A WAV data chunk cannot describe more than 4 GiB (37 hours of this format): stop there.
                if (Fault is null && _dataBytes + frame.Length <= uint.MaxValue - 36)
                {
                    await _stream.WriteAsync(frame.Buffer.AsMemory(0, frame.Length)).ConfigureAwait(false);
                    _dataBytes += frame.Length;
                }
                else
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
            catch (Exception exception) when (exception is IOException or NotSupportedException or ObjectDisposedException)
            {
                Fault = exception;
                Interlocked.Increment(ref _dropped);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame.Buffer);
            }
        }
    }

    private static void WriteHeader(Span<byte> header, uint dataBytes)
    {
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], dataBytes == uint.MaxValue ? uint.MaxValue : dataBytes + 36);
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], (ushort)WavEncoding.Pcm16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], SampleRate * 4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], dataBytes);
    }

    private readonly record struct Frame(byte[] Buffer, int Length);
}
