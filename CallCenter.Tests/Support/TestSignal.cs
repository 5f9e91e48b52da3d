using CallCenter.Media.Codecs;

namespace CallCenter.Tests.Support;

/// <summary>Builds 8 kHz test audio piece by piece: sines at levels in dBm0 (see <see cref="Dbm0"/>), silence,
/// Gaussian white noise over the whole, then 16-bit PCM with saturation.</summary>
public sealed class TestSignal
{
    public const int SampleRate = 8000;

    private readonly List<double> _samples = [];

    public int Length => _samples.Count;

    public static int Samples(double milliseconds) => (int)Math.Round(milliseconds * SampleRate / 1000);

    public static (double Row, double Column) DtmfFrequencies(char symbol)
    {
        const string keypad = "123A456B789C*0#D";
        var index = keypad.IndexOf(symbol, StringComparison.Ordinal);
        double[] rows = [697, 770, 852, 941];
        double[] columns = [1209, 1336, 1477, 1633];
        return (rows[index / 4], columns[index % 4]);
    }

    public TestSignal Silence(double milliseconds)
    {
        _samples.AddRange(new double[Samples(milliseconds)]);
        return this;
    }

    /// <summary>Two sines starting at phase zero; each at its own level in dBm0.</summary>
    public TestSignal Dual(double frequency1, double level1, double frequency2, double level2, double milliseconds)
    {
        var peak1 = Dbm0.SinePeak(level1);
        var peak2 = Dbm0.SinePeak(level2);
        var count = Samples(milliseconds);
        for (var n = 0; n < count; n++)
        {
            var t = (double)n / SampleRate;
            _samples.Add((peak1 * Math.Sin(2 * Math.PI * frequency1 * t)) + (peak2 * Math.Sin(2 * Math.PI * frequency2 * t)));
        }

        return this;
    }

    public TestSignal Digit(char symbol, double levelPerTone, double milliseconds, double rowDeviation = 0, double columnDeviation = 0, double twistDb = 0)
    {
        var (row, column) = DtmfFrequencies(symbol);
        return Dual(row * (1 + rowDeviation), levelPerTone, column * (1 + columnDeviation), levelPerTone + twistDb, milliseconds);
    }

    /// <summary>Sets samples to zero from <paramref name="fromMilliseconds"/> for <paramref name="milliseconds"/>:
    /// a break in a tone that resumes in phase.</summary>
    public TestSignal Gap(double fromMilliseconds, double milliseconds)
    {
        var start = Samples(fromMilliseconds);
        for (var n = start; n < start + Samples(milliseconds); n++)
        {
            _samples[n] = 0;
        }

        return this;
    }

    public TestSignal Append(IEnumerable<double> samples)
    {
        _samples.AddRange(samples);
        return this;
    }

    /// <summary>Adds white Gaussian noise of the given total power (0-4 kHz) over everything so far.</summary>
    public TestSignal Noise(double levelDbm0, int seed)
    {
        var random = new Random(seed);
        var deviation = Math.Sqrt(Dbm0.Power(levelDbm0));
        for (var n = 0; n < _samples.Count; n++)
        {
            var u1 = 1 - random.NextDouble();
            var u2 = random.NextDouble();
            _samples[n] += deviation * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        return this;
    }

    public short[] ToPcm() => _samples.Select(ToShort).ToArray();

    /// <summary>The signal after a µ-law encode and decode, as a G.711 phone would deliver it.</summary>
    public short[] ThroughMuLaw()
    {
        var pcm = ToPcm();
        var codes = new byte[pcm.Length];
        G711.EncodeMuLaw(pcm, codes);
        G711.DecodeMuLaw(codes, pcm);
        return pcm;
    }

    public static short ToShort(double value) => (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
}
