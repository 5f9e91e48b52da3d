using BenchmarkDotNet.Attributes;
using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Mixing;
using CallCenter.Media.Playback;
using CallCenter.Media.Tones;
using CallCenter.Media.Wav;

namespace CallCenter.Benchmarks;

/// <summary>
/// CPU per stream per 20 ms frame for the media services of issue 6: what one caller listening to a prompt, to
/// music on hold or to a tone costs, what listening for in-band DTMF adds, and what one conference party costs.
/// A frame every 20 ms is 50 per second, so a figure of x µs is 50·x µs of CPU per second per stream.
/// </summary>
[MemoryDiagnoser]
public class MediaServicesBenchmarks
{
    private const int Frame = 160;
    private const int Parties = 8;

    private readonly short[] _prompt = new short[8000];
    private readonly short[] _widePrompt = new short[16000];
    private readonly short[] _narrow = new short[Frame];
    private readonly byte[] _packet = new byte[Frame];
    private readonly HalfBandDecimator _decimator = new();
    private readonly DtmfToneDetector _detector = new();
    private readonly NoDtmf _listener = new();
    private readonly ToneGenerator _tone = new(CallProgressTones.For(ToneRegion.NorthAmerica, CallProgressTone.Ringback));
    private readonly AudioMixer _mixer = new(Parties);
    private MusicOnHoldClass _music = null!;
    private int _position;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (var n = 0; n < _prompt.Length; n++)
        {
            // Speech-band noise with a slow envelope: enough like a prompt for codec and detector work.
            _prompt[n] = (short)(4000 * Math.Sin(2 * Math.PI * 3 * n / 8000) * ((random.NextDouble() * 2) - 1));
        }

        for (var n = 0; n < _widePrompt.Length; n++)
        {
            _widePrompt[n] = (short)(4000 * Math.Sin(2 * Math.PI * 230 * n / 16000));
        }

        _music = MusicOnHoldClass.FromTracks("default", [_prompt]);
        for (var party = 0; party < Parties; party++)
        {
            _mixer.Join();
        }
    }

    private int NextFrame(int length)
    {
        var at = _position;
        _position = (_position + Frame) % (length - (2 * Frame));
        return at;
    }

    [Benchmark(Description = "prompt frame: 8 kHz PCM slice -> µ-law")]
    public void PlaybackFrame() => G711.EncodeMuLaw(_prompt.AsSpan(NextFrame(_prompt.Length), Frame), _packet);

    [Benchmark(Description = "prompt frame from 16 kHz: half-band decimate 320 -> 160, µ-law")]
    public void WidebandPlaybackFrame()
    {
        _decimator.Process(_widePrompt.AsSpan(NextFrame(_widePrompt.Length), 2 * Frame), _narrow);
        G711.EncodeMuLaw(_narrow, _packet);
    }

    [Benchmark(Description = "music on hold, one listener: copy the shared encoded frame")]
    public void MusicOnHoldListener()
    {
        _music.Advance();
        _music.CurrentFrame(AudioCodec.Pcmu).CopyTo(_packet);
    }

    [Benchmark(Description = "tone frame: ringback into PCM, µ-law")]
    public void ToneFrame()
    {
        _tone.Fill(_narrow);
        G711.EncodeMuLaw(_narrow, _packet);
    }

    [Benchmark(Description = "in-band DTMF detector, one 20 ms frame")]
    public void DtmfDetectorFrame() => _detector.Process(_prompt.AsSpan(NextFrame(_prompt.Length), Frame), _listener);

    [Benchmark(Description = "mixer, per party of 8: put + mix / 8", OperationsPerInvoke = Parties)]
    public void MixerPerParty()
    {
        var at = NextFrame(_prompt.Length);
        for (var party = 0; party < Parties; party++)
        {
            _mixer.Put(party, _prompt.AsSpan(at, Frame));
        }

        _mixer.Mix();
    }

    private sealed class NoDtmf : IDtmfToneListener
    {
        public int Count { get; private set; }

        public void OnDtmfTone(DtmfToneEvent toneEvent) => Count++;
    }
}
