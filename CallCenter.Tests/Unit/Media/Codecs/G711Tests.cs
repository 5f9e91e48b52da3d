using CallCenter.Media.Codecs;

namespace CallCenter.Tests.Unit.Media.Codecs;

public sealed class G711Tests
{
    private static IEnumerable<byte> AllCodes => Enumerable.Range(0, 256).Select(c => (byte)c);

    [Test]
    public void MuLawDecodesTheValuesOfTheRecommendation()
    {
        // G.711 gives µ-law decoder outputs on a 14-bit scale (largest 8031); this decoder scales them by 4.
        Assert.That(G711.DecodeMuLaw(0xFF), Is.EqualTo(0));
        Assert.That(G711.DecodeMuLaw(0x7F), Is.EqualTo(0), "the 'negative zero' code");
        Assert.That(G711.DecodeMuLaw(0x80), Is.EqualTo(8031 * 4));
        Assert.That(G711.DecodeMuLaw(0x00), Is.EqualTo(-8031 * 4));
        Assert.That(G711.DecodeMuLaw(0xFE), Is.EqualTo(2 * 4));
        Assert.That(G711.DecodeMuLaw(0xEF), Is.EqualTo(33 * 4), "first level of segment 1: (33 << 1) - 33");
        Assert.That(G711.DecodeMuLaw(0x8F), Is.EqualTo(4191 * 4), "first level of the top segment: (33 << 7) - 33");
    }

    [Test]
    public void ALawDecodesTheValuesOfTheRecommendation()
    {
        // A-law outputs are on a 13-bit scale (largest 4032); × 8 here. Even bits are inverted on the wire.
        Assert.That(G711.DecodeALaw(0xD5), Is.EqualTo(1 * 8));
        Assert.That(G711.DecodeALaw(0x55), Is.EqualTo(-1 * 8));
        Assert.That(G711.DecodeALaw(0xAA), Is.EqualTo(4032 * 8));
        Assert.That(G711.DecodeALaw(0x2A), Is.EqualTo(-4032 * 8));
        Assert.That(G711.DecodeALaw(0xD5 ^ 0x10), Is.EqualTo(33 * 8), "segment 1 continues segment 0 with the same step");
        Assert.That(G711.DecodeALaw(0xD5 ^ 0x70), Is.EqualTo(2112 * 8), "first level of the top segment: 33 << 6");
    }

    [Test]
    public void EncodersMapTheExtremesAndZero()
    {
        Assert.That(G711.EncodeMuLaw(0), Is.EqualTo(0xFF));
        Assert.That(G711.EncodeMuLaw(-1), Is.EqualTo(0x7F), "one's complement folding: -1 mirrors 0");
        Assert.That(G711.EncodeMuLaw(short.MaxValue), Is.EqualTo(0x80));
        Assert.That(G711.EncodeMuLaw(short.MinValue), Is.EqualTo(0x00));
        Assert.That(G711.EncodeALaw(0), Is.EqualTo(0xD5));
        Assert.That(G711.EncodeALaw(-1), Is.EqualTo(0x55));
        Assert.That(G711.EncodeALaw(short.MaxValue), Is.EqualTo(0xAA));
        Assert.That(G711.EncodeALaw(short.MinValue), Is.EqualTo(0x2A));
    }

    [Test]
    public void EveryCodeSurvivesDecodeThenEncode()
    {
        foreach (var code in AllCodes)
        {
            var expected = code == 0x7F ? (byte)0xFF : code;
            Assert.That(G711.EncodeMuLaw(G711.DecodeMuLaw(code)), Is.EqualTo(expected), $"µ-law 0x{code:X2}");
            Assert.That(G711.EncodeALaw(G711.DecodeALaw(code)), Is.EqualTo(code), $"A-law 0x{code:X2}");
        }
    }

    [Test]
    public void DecodedLevelsAreDistinctAndSymmetric()
    {
        Assert.That(AllCodes.Select(G711.DecodeALaw).Distinct().Count(), Is.EqualTo(256));
        Assert.That(AllCodes.Select(G711.DecodeMuLaw).Distinct().Count(), Is.EqualTo(255), "only the two zeros coincide");
        foreach (var code in AllCodes)
        {
            Assert.That(G711.DecodeMuLaw((byte)(code ^ 0x80)), Is.EqualTo(-G711.DecodeMuLaw(code)));
            Assert.That(G711.DecodeALaw((byte)(code ^ 0x80)), Is.EqualTo(-G711.DecodeALaw(code)));
        }
    }

    [TestCase(AudioCodec.Pcmu)]
    [TestCase(AudioCodec.Pcma)]
    public void EverySampleLandsInsideTheIntervalOfItsCodeAndTheCodesRiseWithTheSample(AudioCodec codec)
    {
        // The decision values sit halfway between levels inside a segment but not across a segment boundary,
        // so "nearest level" is the wrong test; "inside the interval the code stands for" is the right one.
        // The encoder sees 14 (µ) or 12 (A) bits of the sample: the dropped bits may move it by up to the slack.
        var slack = codec == AudioCodec.Pcmu ? 4 : 16;
        var overload = codec == AudioCodec.Pcmu ? 8159 * 4 : 4096 * 8;
        var previous = int.MinValue;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            var code = Encode(codec, (short)x);
            var level = Decode(codec, code);
            Assert.That(level, Is.GreaterThanOrEqualTo(previous), $"{codec} is monotonic at {x}");
            previous = level;
            if (Math.Abs(x) <= overload)
            {
                Assert.That(Math.Abs(level - x), Is.LessThanOrEqualTo((Step(codec, code) / 2) + slack), $"{codec} sample {x} chosen {level}");
            }
        }
    }

    // The width of the interval a code stands for, in 16-bit units.
    private static int Step(AudioCodec codec, byte code)
    {
        if (codec == AudioCodec.Pcmu)
        {
            var exponent = (0x7F ^ (code & 0x7F)) >> 4;
            return 8 << exponent;
        }

        var segment = ((code ^ 0x55) & 0x7F) >> 4;
        return 16 << Math.Max(0, segment - 1);
    }

    private static byte Encode(AudioCodec codec, short sample) => codec == AudioCodec.Pcmu ? G711.EncodeMuLaw(sample) : G711.EncodeALaw(sample);

    private static short Decode(AudioCodec codec, byte code) => codec == AudioCodec.Pcmu ? G711.DecodeMuLaw(code) : G711.DecodeALaw(code);

    [Test]
    public void TranscodingFollowsTablesThreeAndFour()
    {
        // Spot values read from G.711 Tables 3 and 4 (as magnitude indices, 0 = smallest level).
        Assert.That(G711.MuLawToALaw(0xFF), Is.EqualTo(0xD5), "µ +0 → A +1");
        Assert.That(G711.MuLawToALaw(0x7F), Is.EqualTo(0x55), "µ -0 → A -1");
        Assert.That(G711.MuLawToALaw(0x80), Is.EqualTo(0xAA), "largest to largest");
        Assert.That(G711.MuLawToALaw(0xFF ^ 48), Is.EqualTo(0xD5 ^ 45), "µ index 48 → A index 45 (re-encoding would give 44)");
        Assert.That(G711.MuLawToALaw(0xFF ^ 33), Is.EqualTo(0xD5 ^ 26));
        Assert.That(G711.ALawToMuLaw(0xD5), Is.EqualTo(0xFF ^ 1), "A index 0 → µ index 1");
        Assert.That(G711.ALawToMuLaw(0xD5 ^ 79), Is.EqualTo(0xFF ^ 79), "A index 79 → µ index 79 (re-encoding would give 80)");
        Assert.That(G711.ALawToMuLaw(0x2A), Is.EqualTo(0x00));
    }

    [Test]
    public void TranscodingKeepsSignAndOrderAndStaysWithinAStep()
    {
        foreach (var code in AllCodes)
        {
            var fromMu = G711.MuLawToALaw(code);
            var fromA = G711.ALawToMuLaw(code);
            if (G711.DecodeMuLaw(code) != 0)
            {
                Assert.That(Math.Sign(G711.DecodeALaw(fromMu)), Is.EqualTo(Math.Sign(G711.DecodeMuLaw(code))), $"µ 0x{code:X2} keeps its sign");
            }

            Assert.That(Math.Sign(G711.DecodeMuLaw(fromA)), Is.EqualTo(Math.Sign(G711.DecodeALaw(code))), $"A 0x{code:X2} keeps its sign");

            // Within one step of the coarser law; Table 4 puts A index 79 a thirty-second of a step further.
            var muStep = Math.Max(Step(AudioCodec.Pcmu, code), Step(AudioCodec.Pcma, fromMu)) * 1.05;
            var aStep = Math.Max(Step(AudioCodec.Pcma, code), Step(AudioCodec.Pcmu, fromA)) * 1.05;
            Assert.That(Math.Abs(G711.DecodeALaw(fromMu) - G711.DecodeMuLaw(code)), Is.LessThanOrEqualTo(muStep), $"µ 0x{code:X2}");
            Assert.That(Math.Abs(G711.DecodeMuLaw(fromA) - G711.DecodeALaw(code)), Is.LessThanOrEqualTo(aStep), $"A 0x{code:X2}");
        }

        var muToA = Enumerable.Range(0, 128).Select(i => G711.DecodeALaw(G711.MuLawToALaw((byte)(0xFF ^ i)))).ToArray();
        var aToMu = Enumerable.Range(0, 128).Select(i => G711.DecodeMuLaw(G711.ALawToMuLaw((byte)(0xD5 ^ i)))).ToArray();
        Assert.That(muToA, Is.Ordered, "larger µ-law levels never map to smaller A-law levels");
        Assert.That(aToMu, Is.Ordered, "and the other way round");
    }

    [Test]
    public void MuLawToALawAndBackIsTransparentAboveTheFirstSegment()
    {
        // µ-law has twice A-law's resolution near zero, so only there can a round trip change the code.
        for (var index = 16; index < 128; index++)
        {
            foreach (var sign in new[] { 0x80, 0x00 })
            {
                var code = (byte)((0x7F ^ index) | sign);
                Assert.That(G711.ALawToMuLaw(G711.MuLawToALaw(code)), Is.EqualTo(code), $"µ 0x{code:X2}");
            }
        }
    }

    [Test]
    public void SpanMethodsAgreeWithTheScalarOnesAndMayWorkInPlace()
    {
        var samples = Enumerable.Range(0, 160).Select(i => (short)((i * 409) - 32000)).ToArray();
        var mu = new byte[160];
        var alaw = new byte[160];
        G711.EncodeMuLaw(samples, mu);
        G711.Encode(AudioCodec.Pcma, samples, alaw);
        Assert.That(mu, Is.EqualTo(samples.Select(G711.EncodeMuLaw).ToArray()));
        Assert.That(alaw, Is.EqualTo(samples.Select(G711.EncodeALaw).ToArray()));

        var decoded = new short[160];
        G711.DecodeALaw(alaw, decoded);
        Assert.That(decoded, Is.EqualTo(alaw.Select(G711.DecodeALaw).ToArray()));
        G711.Decode(AudioCodec.Pcmu, mu, decoded);
        Assert.That(decoded, Is.EqualTo(mu.Select(G711.DecodeMuLaw).ToArray()));

        var expected = mu.Select(G711.MuLawToALaw).ToArray();
        G711.Transcode(AudioCodec.Pcmu, AudioCodec.Pcma, mu, mu);
        Assert.That(mu, Is.EqualTo(expected));
        G711.Transcode(AudioCodec.Pcma, AudioCodec.Pcmu, mu, mu);
        Assert.That(mu, Is.EqualTo(expected.Select(G711.ALawToMuLaw).ToArray()));

        Assert.That(() => G711.EncodeMuLaw(samples, new byte[159]), Throws.ArgumentException);
    }

    // G.711's companding keeps a sine's signal-to-noise ratio near 38 dB across the speech range and lets it fall
    // off only for very quiet signals, A-law sooner than µ-law (measured here: µ 39.3 / 36.4 / 29.1 dB,
    // A 39.0 / 38.8 / 23.3 dB). An interval off by half a step costs several dB and fails these bounds.
    [TestCase(AudioCodec.Pcmu, 16000, 38.0)]
    [TestCase(AudioCodec.Pcmu, 1000, 35.0)]
    [TestCase(AudioCodec.Pcmu, 100, 27.0)]
    [TestCase(AudioCodec.Pcma, 16000, 38.0)]
    [TestCase(AudioCodec.Pcma, 1000, 37.0)]
    [TestCase(AudioCodec.Pcma, 100, 21.0)]
    public void ASineComesBackWithinGSevenElevensSignalToNoise(AudioCodec codec, int amplitude, double minimumDb)
    {
        // A 1,020 Hz tone (not a divisor of 8 kHz, so samples land all over the range) for one second.
        var samples = Enumerable.Range(0, 8000).Select(n => (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * 1020 * n / 8000.0))).ToArray();
        var coded = new byte[samples.Length];
        var decoded = new short[samples.Length];
        G711.Encode(codec, samples, coded);
        G711.Decode(codec, coded, decoded);

        double signal = 0, noise = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            signal += (double)samples[i] * samples[i];
            noise += (double)(decoded[i] - samples[i]) * (decoded[i] - samples[i]);
        }

        var snr = 10 * Math.Log10(signal / noise);
        TestContext.Out.WriteLine($"{codec} amplitude {amplitude}: {snr:F1} dB");
        Assert.That(snr, Is.GreaterThan(minimumDb));
    }
}
