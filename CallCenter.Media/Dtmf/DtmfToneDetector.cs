namespace CallCenter.Media.Dtmf;

/// <summary>
/// In-band DTMF detection (ITU-T Q.23 frequencies, Q.24 acceptance) on 16-bit linear PCM at 8 kHz, for phones that
/// send no RFC 4733 events. Audio arrives in chunks of any size.
/// Stage one, every <see cref="Hop"/> samples: the last <see cref="BlockLength"/> samples are Hann-windowed and run
/// through eight Goertzel filters. The short block keeps the timing sharp (Q.24: 40 ms must count, 23 ms must not,
/// a 10 ms break is bridged). Frequency is not judged by which filter is loudest, since 10 ms of audio cannot tell
/// ±1.5 % from ±3.5 %, but by the phase each filter's output advances between two blocks one hop apart, which
/// measures the tone's frequency to about a hertz. A block counts as a key when each group's strongest tone is at
/// least <see cref="MinToneLevelDbm0"/>; the twist (high group over low group) is within −9 dB and +5 dB (Q.24's
/// recommended 8 dB normal and 4 dB reverse twist must pass); both measured frequencies are within 2.5 % of nominal;
/// and the two tones carry at least 80 % of the block's power, which rejects most speech and music, whose
/// harmonics and formants spread the power.
/// Stage two, once per key before it is reported, looks at the whole key as one long window (see its constants).
/// Not thread-safe: one detector per stream, called from that stream's context. Allocates nothing after construction.
/// </summary>
public sealed class DtmfToneDetector
{
    public const int SampleRate = 8000;
    public const int BlockLength = 80;
    public const int Hop = 32;
    public const double MinToneLevelDbm0 = -33;

    private const int ToneCount = 8;
    private const double NormalTwistLimitDb = 9;
    private const double ReverseTwistLimitDb = 5;
    private const double MinToneShare = 0.8;
    private const double MaxRelativeDeviation = 0.025;

    // A block is "strong" when its tone power is within 6 dB of the loudest block of the same key, so that a loud
    // key's faint edges do not lengthen it. In practice the edges are set by the 80 % share: a block passes once
    // about three quarters of it holds the tone (the Goertzel estimate falls with the square of the covered window
    // sum, the block power only linearly), so the first passing block's centre lies about a quarter block inside
    // the tone, on either edge. EdgeOffset moves the reported times back onto the edges.
    private const double StrongFraction = 0.25;
    private const int EdgeOffset = BlockLength / 4;

    // 24 ms between the first and last passing block: a 40 ms tone spans 28-32 ms at this hop, a 23 ms one 12-16 ms.
    private const long MinSpanSamples = 192;

    // Up to 7 failed blocks (28 ms) in a row are bridged: Q.24's 10 ms break costs at most 4 and one lost 20 ms
    // packet about 6, while a 40 ms pause between keys costs at least 10.
    private const int MaxGapHops = 7;
    private const int MinFrequencyChecks = 3;
    private const int MaxCandidateHops = 64;

    // The second stage: before a key is reported, the stretch between its first and last passing block (24-40 ms,
    // entirely inside the tone) is analysed again as one long Hann window at the two frequencies just measured. At
    // that resolution (25-42 Hz bins) a vowel whose formants sit on a row and a column frequency shows its other
    // harmonics as power outside the two tones (90 % must be in them), and the next harmonics either side of the
    // pair and the column tone's second harmonic must each be 20 dB below the weaker tone.
    private const int HistoryLength = 512;
    private const int MaxConfirmLength = 320;
    private const double MinConfirmShare = 0.9;
    private const double MaxHarmonicRatio = 0.01;
    private const int ConfirmFrequencies = 5;

    private static readonly double[] Frequencies = [697, 770, 852, 941, 1209, 1336, 1477, 1633];

    // Row-major keypad of Q.23 as RFC 4733 codes: 1 2 3 A / 4 5 6 B / 7 8 9 C / * 0 # D.
    private static readonly byte[] Codes = [1, 2, 3, 12, 4, 5, 6, 13, 7, 8, 9, 14, 10, 0, 11, 15];

    private static readonly double[] Window = CreateWindow();
    private static readonly double WindowSum = Window.Sum();
    private static readonly double WindowSquareSum = Window.Sum(w => w * w);
    private static readonly double MinTonePower = Codecs.Dbm0.Power(MinToneLevelDbm0);
    private static readonly ToneConstants[] Tones = Frequencies.Select(f => new ToneConstants(f)).ToArray();

    private readonly double[] _history = new double[HistoryLength];
    private readonly double[] _block = new double[BlockLength];
    private readonly double[] _real = new double[ToneCount];
    private readonly double[] _imaginary = new double[ToneCount];
    private readonly double[] _previousReal = new double[ToneCount];
    private readonly double[] _previousImaginary = new double[ToneCount];
    private readonly double[] _power = new double[ToneCount];
    private readonly long[] _candidateCentres = new long[MaxCandidateHops];
    private readonly double[] _candidateLevels = new double[MaxCandidateHops];
    private readonly double[] _confirmOmegas = new double[ConfirmFrequencies];
    private readonly double[] _confirmCoefficients = new double[ConfirmFrequencies];
    private readonly double[] _confirmS1 = new double[ConfirmFrequencies];
    private readonly double[] _confirmS2 = new double[ConfirmFrequencies];
    private readonly double[] _confirmPower = new double[ConfirmFrequencies];

    private int _historyPosition;
    private int _untilAnalysis = BlockLength;
    private long _samples;
    private long _hop;
    private bool _havePrevious;

    private int _candidateCode = -1;
    private int _candidateHops;
    private long _candidateLastValidHop;
    private int _candidateFrequencyChecks;
    private double _candidateRowDeviationSum;
    private double _candidateColumnDeviationSum;

    private int _row;
    private int _column;
    private double _rowDeviation;
    private double _columnDeviation;

    private int _activeCode = -1;
    private double _activeMaxLevel;
    private long _activeLastStrongCentre;
    private long _activeLastValidHop;

    public long SamplesProcessed => _samples;

    /// <summary>Feeds audio; events for keys that start or end inside it go to <paramref name="listener"/> before
    /// this returns. An end is reported once the key has been absent for more than 28 ms.</summary>
    public void Process(ReadOnlySpan<short> samples, IDtmfToneListener listener)
    {
        foreach (var sample in samples)
        {
            _history[_historyPosition] = sample;
            _historyPosition = (_historyPosition + 1) & (HistoryLength - 1);
            _samples++;
            if (--_untilAnalysis == 0)
            {
                _untilAnalysis = Hop;
                Analyse(listener);
            }
        }
    }

    /// <summary>Forgets everything, including a key in progress (no end is reported for it): for a new stream.</summary>
    public void Reset()
    {
        Array.Clear(_history);
        _historyPosition = 0;
        _untilAnalysis = BlockLength;
        _samples = 0;
        _hop = 0;
        _havePrevious = false;
        _candidateCode = -1;
        _activeCode = -1;
    }

    private void Analyse(IDtmfToneListener listener)
    {
        var blockPower = WindowBlock();
        for (var k = 0; k < ToneCount; k++)
        {
            Goertzel(k);
        }

        var centre = _samples - (BlockLength / 2);
        var code = Classify(blockPower, out var level, out var frequencyChecked);
        _havePrevious = true;
        Array.Copy(_real, _previousReal, ToneCount);
        Array.Copy(_imaginary, _previousImaginary, ToneCount);
        Track(code, level, frequencyChecked, centre, listener);
        _hop++;
    }

    private double WindowBlock()
    {
        var energy = 0.0;
        var position = (_historyPosition - BlockLength) & (HistoryLength - 1);
        for (var m = 0; m < BlockLength; m++)
        {
            var value = _history[position] * Window[m];
            _block[m] = value;
            energy += value * value;
            position = (position + 1) & (HistoryLength - 1);
        }

        return energy / WindowSquareSum;
    }

    private void Goertzel(int k)
    {
        var tone = Tones[k];
        double s1 = 0, s2 = 0;
        foreach (var x in _block)
        {
            var s0 = x + (tone.Coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        // s1 − e^(−jω)·s2 is the DFT sum referred to the block's last sample; e^(−jω(N−1)) refers it to the first, so
        // blocks one hop apart differ in phase by exactly ω'·Hop for a steady tone of frequency ω'.
        var real = s1 - (s2 * tone.Cos);
        var imaginary = s2 * tone.Sin;
        _real[k] = (real * tone.OutCos) + (imaginary * tone.OutSin);
        _imaginary[k] = (imaginary * tone.OutCos) - (real * tone.OutSin);
        _power[k] = 2 * ((_real[k] * _real[k]) + (_imaginary[k] * _imaginary[k])) / (WindowSum * WindowSum);
    }

    private int Classify(double blockPower, out double level, out bool frequencyChecked)
    {
        level = 0;
        frequencyChecked = false;
        var row = ArgMax(0);
        var column = ArgMax(4);
        var rowPower = _power[row];
        var columnPower = _power[column];
        if (rowPower < MinTonePower || columnPower < MinTonePower)
        {
            return -1;
        }

        var twistDb = 10 * Math.Log10(columnPower / rowPower);
        if (twistDb < -NormalTwistLimitDb || twistDb > ReverseTwistLimitDb)
        {
            return -1;
        }

        if (rowPower + columnPower < MinToneShare * blockPower)
        {
            return -1;
        }

        var rowReliable = TryDeviation(row, out var rowDeviation);
        var columnReliable = TryDeviation(column, out var columnDeviation);
        if ((rowReliable && Math.Abs(rowDeviation) > MaxRelativeDeviation)
            || (columnReliable && Math.Abs(columnDeviation) > MaxRelativeDeviation))
        {
            return -1;
        }

        frequencyChecked = rowReliable && columnReliable;
        _rowDeviation = rowDeviation;
        _columnDeviation = columnDeviation;
        _row = row;
        _column = column;
        level = rowPower + columnPower;
        return Codes[(row * 4) + (column - 4)];
    }

    private int ArgMax(int first)
    {
        var best = first;
        for (var k = first + 1; k < first + 4; k++)
        {
            if (_power[k] > _power[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>The tone's frequency relative to nominal, from the phase advance since the previous block. Only
    /// trusted when both blocks hold the tone at similar strength: across an onset the earlier block is mostly
    /// silence and its phase says nothing.</summary>
    private bool TryDeviation(int k, out double deviation)
    {
        deviation = 0;
        var current = (_real[k] * _real[k]) + (_imaginary[k] * _imaginary[k]);
        var previous = (_previousReal[k] * _previousReal[k]) + (_previousImaginary[k] * _previousImaginary[k]);
        if (!_havePrevious || previous < current / 4 || current < previous / 4)
        {
            return false;
        }

        var tone = Tones[k];
        var productReal = (_real[k] * _previousReal[k]) + (_imaginary[k] * _previousImaginary[k]);
        var productImaginary = (_imaginary[k] * _previousReal[k]) - (_real[k] * _previousImaginary[k]);
        var offsetReal = (productReal * tone.HopCos) + (productImaginary * tone.HopSin);
        var offsetImaginary = (productImaginary * tone.HopCos) - (productReal * tone.HopSin);
        deviation = Math.Atan2(offsetImaginary, offsetReal) / Hop / tone.Omega;
        return true;
    }

    private void Track(int code, double level, bool frequencyChecked, long centre, IDtmfToneListener listener)
    {
        if (_activeCode >= 0)
        {
            if (code == _activeCode)
            {
                _activeLastValidHop = _hop;
                _activeMaxLevel = Math.Max(_activeMaxLevel, level);
                if (level >= _activeMaxLevel * StrongFraction)
                {
                    _activeLastStrongCentre = centre;
                }

                return;
            }

            if (_hop - _activeLastValidHop <= MaxGapHops)
            {
                return;
            }

            listener.OnDtmfTone(new DtmfToneEvent((byte)_activeCode, DtmfToneEdge.End, _activeLastStrongCentre + EdgeOffset));
            _activeCode = -1;
        }

        if (_candidateCode >= 0 && code != _candidateCode && (code >= 0 || _hop - _candidateLastValidHop > MaxGapHops))
        {
            _candidateCode = -1;
        }

        if (code < 0)
        {
            return;
        }

        if (_candidateCode < 0 || _candidateHops == MaxCandidateHops)
        {
            _candidateCode = code;
            _candidateHops = 0;
            _candidateFrequencyChecks = 0;
            _candidateRowDeviationSum = 0;
            _candidateColumnDeviationSum = 0;
        }

        _candidateCentres[_candidateHops] = centre;
        _candidateLevels[_candidateHops] = level;
        _candidateHops++;
        _candidateLastValidHop = _hop;
        if (frequencyChecked)
        {
            _candidateFrequencyChecks++;
            _candidateRowDeviationSum += _rowDeviation;
            _candidateColumnDeviationSum += _columnDeviation;
        }

        TryConfirm(listener);
    }

    private void TryConfirm(IDtmfToneListener listener)
    {
        var max = 0.0;
        for (var i = 0; i < _candidateHops; i++)
        {
            max = Math.Max(max, _candidateLevels[i]);
        }

        var first = -1;
        var last = -1;
        for (var i = 0; i < _candidateHops; i++)
        {
            if (_candidateLevels[i] >= max * StrongFraction)
            {
                if (first < 0)
                {
                    first = i;
                }

                last = i;
            }
        }

        if (_candidateCentres[last] - _candidateCentres[first] < MinSpanSamples || _candidateFrequencyChecks < MinFrequencyChecks)
        {
            return;
        }

        if (!TonesDominateLongWindow(_candidateCentres[first], _candidateCentres[last]))
        {
            _candidateCode = -1;
            return;
        }

        _activeCode = _candidateCode;
        _activeMaxLevel = max;
        _activeLastStrongCentre = _candidateCentres[last];
        _activeLastValidHop = _candidateLastValidHop;
        _candidateCode = -1;
        listener.OnDtmfTone(new DtmfToneEvent((byte)_activeCode, DtmfToneEdge.Start, Math.Max(0, _candidateCentres[first] - EdgeOffset)));
    }

    private bool TonesDominateLongWindow(long from, long to)
    {
        var length = (int)Math.Min(to - from, MaxConfirmLength);
        var start = (int)((_historyPosition - (_samples - to) - length) & (HistoryLength - 1));
        var rowOmega = Tones[_row].Omega * (1 + (_candidateRowDeviationSum / _candidateFrequencyChecks));
        var columnOmega = Tones[_column].Omega * (1 + (_candidateColumnDeviationSum / _candidateFrequencyChecks));
        var spacing = columnOmega - rowOmega;
        _confirmOmegas[0] = rowOmega;
        _confirmOmegas[1] = columnOmega;
        _confirmOmegas[2] = rowOmega - spacing;
        _confirmOmegas[3] = columnOmega + spacing;
        _confirmOmegas[4] = 2 * columnOmega;
        for (var k = 0; k < ConfirmFrequencies; k++)
        {
            _confirmCoefficients[k] = 2 * Math.Cos(_confirmOmegas[k]);
            _confirmS1[k] = 0;
            _confirmS2[k] = 0;
        }

        double energy = 0, windowSum = 0, windowSquareSum = 0;
        for (var m = 0; m < length; m++)
        {
            var w = 0.5 - (0.5 * Math.Cos(2 * Math.PI * m / (length - 1)));
            var x = _history[(start + m) & (HistoryLength - 1)] * w;
            windowSum += w;
            windowSquareSum += w * w;
            energy += x * x;
            for (var k = 0; k < ConfirmFrequencies; k++)
            {
                var s0 = x + (_confirmCoefficients[k] * _confirmS1[k]) - _confirmS2[k];
                _confirmS2[k] = _confirmS1[k];
                _confirmS1[k] = s0;
            }
        }

        for (var k = 0; k < ConfirmFrequencies; k++)
        {
            var s1 = _confirmS1[k];
            var s2 = _confirmS2[k];
            _confirmPower[k] = 2 * ((s1 * s1) + (s2 * s2) - (_confirmCoefficients[k] * s1 * s2)) / (windowSum * windowSum);
        }

        if (_confirmPower[0] + _confirmPower[1] < MinConfirmShare * energy / windowSquareSum)
        {
            return false;
        }

        // A voiced sound with a pitch high enough to put two neighbouring harmonics on a row and a column frequency
        // (F0 = their spacing, 268 Hz or more) has the next harmonics on either side too, and a second harmonic
        // above the column tone; two pure tones have nothing there. Frequencies outside 100-3,900 Hz are not looked at.
        var weaker = Math.Min(_confirmPower[0], _confirmPower[1]);
        for (var k = 2; k < ConfirmFrequencies; k++)
        {
            var hertz = _confirmOmegas[k] * SampleRate / (2 * Math.PI);
            if (hertz is > 100 and < 3900 && _confirmPower[k] > weaker * MaxHarmonicRatio)
            {
                return false;
            }
        }

        return true;
    }

    private static double[] CreateWindow()
    {
        var window = new double[BlockLength];
        for (var m = 0; m < BlockLength; m++)
        {
            window[m] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * m / (BlockLength - 1)));
        }

        return window;
    }

    private sealed class ToneConstants
    {
        public ToneConstants(double frequency)
        {
            Omega = 2 * Math.PI * frequency / SampleRate;
            Coefficient = 2 * Math.Cos(Omega);
            Cos = Math.Cos(Omega);
            Sin = Math.Sin(Omega);
            OutCos = Math.Cos(Omega * (BlockLength - 1));
            OutSin = Math.Sin(Omega * (BlockLength - 1));
            HopCos = Math.Cos(Omega * Hop);
            HopSin = Math.Sin(Omega * Hop);
        }

        public double Omega { get; }

        public double Coefficient { get; }

        public double Cos { get; }

        public double Sin { get; }

        public double OutCos { get; }

        public double OutSin { get; }

        public double HopCos { get; }

        public double HopSin { get; }
    }
}
