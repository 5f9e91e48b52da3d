namespace CallCenter.Media.Mixing;

/// <summary>
/// Mixes a conference of up to <see cref="Capacity"/> parties, one 20 ms frame per tick: each party hears the sum
/// of everyone else (never itself, or it would hear its own echo), clipped to 16 bits rather than wrapped. The sum
/// of all inputs is taken once, so each party costs one subtraction per sample, not a sum over the others. A party
/// that delivered nothing this tick (a lost packet, a muted listener) counts as silence. All calls come from the
/// one pacing context that owns the conference; nothing is allocated after construction.
/// </summary>
public sealed class AudioMixer
{
    private readonly short[][] _inputs;
    private readonly short[][] _outputs;
    private readonly bool[] _inUse;
    private readonly bool[] _hasInput;
    private readonly int[] _sum;

    public AudioMixer(int capacity, int frameSamples = 160)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameSamples, 1);
        Capacity = capacity;
        FrameSamples = frameSamples;
        _inputs = new short[capacity][];
        _outputs = new short[capacity][];
        for (var i = 0; i < capacity; i++)
        {
            _inputs[i] = new short[frameSamples];
            _outputs[i] = new short[frameSamples];
        }

        _inUse = new bool[capacity];
        _hasInput = new bool[capacity];
        _sum = new int[frameSamples];
    }

    public int Capacity { get; }

    public int FrameSamples { get; }

    public int Count { get; private set; }

    /// <summary>A slot for a new party, or −1 when the conference is full.</summary>
    public int Join()
    {
        for (var party = 0; party < Capacity; party++)
        {
            if (!_inUse[party])
            {
                _inUse[party] = true;
                _hasInput[party] = false;
                Count++;
                return party;
            }
        }

        return -1;
    }

    public void Leave(int party)
    {
        if (_inUse[party])
        {
            _inUse[party] = false;
            _hasInput[party] = false;
            Count--;
        }
    }

    /// <summary>Gives the party's decoded frame for this tick (exactly <see cref="FrameSamples"/> samples).</summary>
    public void Put(int party, ReadOnlySpan<short> frame)
    {
        if (!_inUse[party])
        {
            throw new InvalidOperationException($"Party {party} has not joined.");
        }

        frame.CopyTo(_inputs[party].AsSpan(0, FrameSamples));
        _hasInput[party] = true;
    }

    /// <summary>Mixes this tick and forgets its inputs; read each party's result with <see cref="Output"/>.</summary>
    public void Mix()
    {
        Array.Clear(_sum);
        for (var party = 0; party < Capacity; party++)
        {
            if (_hasInput[party])
            {
                var input = _inputs[party];
                for (var n = 0; n < FrameSamples; n++)
                {
                    _sum[n] += input[n];
                }
            }
        }

        for (var party = 0; party < Capacity; party++)
        {
            if (!_inUse[party])
            {
                continue;
            }

            var output = _outputs[party];
            if (_hasInput[party])
            {
                var own = _inputs[party];
                for (var n = 0; n < FrameSamples; n++)
                {
                    output[n] = (short)Math.Clamp(_sum[n] - own[n], short.MinValue, short.MaxValue);
                }
            }
            else
            {
                for (var n = 0; n < FrameSamples; n++)
                {
                    output[n] = (short)Math.Clamp(_sum[n], short.MinValue, short.MaxValue);
                }
            }

            _hasInput[party] = false;
        }
    }

    /// <summary>What the party hears this tick: valid until the next <see cref="Mix"/>.</summary>
    public ReadOnlySpan<short> Output(int party) => _outputs[party];
}
