using CallCenter.Media.Codecs;

namespace CallCenter.Media.Playback;

/// <summary>
/// Plays a queue of prompts (8 kHz mono, already decoded: a prompt is loaded once and shared by every caller) into
/// 20 ms frames for one leg, back to back without a gap, and fills the time when nothing plays with digital silence
/// or, when asked, with faint white noise so that callers do not think the line has gone dead. The IVR calls
/// <see cref="Interrupt"/> when a digit arrives during a prompt that allows barge-in. One per leg, driven by the
/// pacing loop that owns the leg; the queue is bounded and nothing is allocated per frame.
/// </summary>
public sealed class PromptPlayer
{
    public const int FrameSamples = 160;

    private readonly ReadOnlyMemory<short>[] _queue;
    private readonly double _noiseAmplitude;
    private int _head;
    private int _count;
    private int _offset;
    private uint _noiseState = 0x9E3779B9;

    /// <param name="capacity">How many prompts may wait (a sentence such as "you are caller number | 1 | 2" is a
    /// few).</param>
    /// <param name="comfortNoiseDbm0">The level of the noise between prompts, or null for digital silence.</param>
    public PromptPlayer(int capacity = 16, double? comfortNoiseDbm0 = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _queue = new ReadOnlyMemory<short>[capacity];

        // Uniform noise on ±a has mean square a²/3.
        _noiseAmplitude = comfortNoiseDbm0 is { } level ? Math.Sqrt(3 * Dbm0.Power(level)) : 0;
    }

    public bool IsPlaying => _count > 0;

    public int Queued => _count;

    public int Capacity => _queue.Length;

    /// <summary>Adds a prompt after those queued; false when the queue is full.</summary>
    public bool Enqueue(ReadOnlyMemory<short> prompt)
    {
        if (_count == _queue.Length)
        {
            return false;
        }

        if (prompt.IsEmpty)
        {
            return true;
        }

        _queue[(_head + _count) % _queue.Length] = prompt;
        _count++;
        return true;
    }

    /// <summary>Stops the prompt playing now and drops those queued; returns how many were dropped or cut.</summary>
    public int Interrupt()
    {
        var dropped = _count;
        Array.Clear(_queue);
        _head = 0;
        _count = 0;
        _offset = 0;
        return dropped;
    }

    /// <summary>Writes the next frame; true if any of it came from a prompt.</summary>
    public bool Fill(Span<short> frame)
    {
        var written = 0;
        while (written < frame.Length && _count > 0)
        {
            var prompt = _queue[_head].Span;
            var take = Math.Min(frame.Length - written, prompt.Length - _offset);
            prompt.Slice(_offset, take).CopyTo(frame[written..]);
            written += take;
            _offset += take;
            if (_offset == prompt.Length)
            {
                _queue[_head] = default;
                _head = (_head + 1) % _queue.Length;
                _count--;
                _offset = 0;
            }
        }

        var played = written > 0;
        if (_noiseAmplitude == 0)
        {
            frame[written..].Clear();
        }
        else
        {
            for (; written < frame.Length; written++)
            {
                // xorshift32: cheap, allocation-free, and plenty random for noise nobody listens to closely.
                _noiseState ^= _noiseState << 13;
                _noiseState ^= _noiseState >> 17;
                _noiseState ^= _noiseState << 5;
                frame[written] = (short)Math.Round(_noiseAmplitude * ((_noiseState / (double)uint.MaxValue * 2) - 1));
            }
        }

        return played;
    }
}
