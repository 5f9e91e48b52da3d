using BenchmarkDotNet.Attributes;
using CallCenter.Media.Codecs;

namespace CallCenter.Benchmarks;

/// <summary>One 20 ms frame (160 samples at 8 kHz) through each G.711 table: what a transcoding relay or a
/// prompt player pays per packet.</summary>
[MemoryDiagnoser]
public class G711Benchmarks
{
    private const int FrameSamples = 160;

    private readonly short[] _samples = new short[FrameSamples];
    private readonly short[] _decoded = new short[FrameSamples];
    private readonly byte[] _muLaw = new byte[FrameSamples];
    private readonly byte[] _aLaw = new byte[FrameSamples];
    private readonly byte[] _converted = new byte[FrameSamples];

    [GlobalSetup]
    public void Setup()
    {
        for (var n = 0; n < FrameSamples; n++)
        {
            _samples[n] = (short)(12000 * Math.Sin(2 * Math.PI * 1020 * n / 8000.0));
        }

        G711.EncodeMuLaw(_samples, _muLaw);
        G711.EncodeALaw(_samples, _aLaw);
    }

    [Benchmark]
    public void EncodeMuLaw() => G711.EncodeMuLaw(_samples, _converted);

    [Benchmark]
    public void DecodeMuLaw() => G711.DecodeMuLaw(_muLaw, _decoded);

    [Benchmark]
    public void EncodeALaw() => G711.EncodeALaw(_samples, _converted);

    [Benchmark]
    public void DecodeALaw() => G711.DecodeALaw(_aLaw, _decoded);

    [Benchmark]
    public void MuLawToALaw() => G711.MuLawToALaw(_muLaw, _converted);

    [Benchmark]
    public void ALawToMuLaw() => G711.ALawToMuLaw(_aLaw, _converted);
}
