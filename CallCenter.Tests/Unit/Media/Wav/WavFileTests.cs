using CallCenter.Media.Codecs;
using CallCenter.Media.Wav;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Wav;

public sealed class WavFileTests
{
    private static readonly short[] Tone = WavBytes.Sine(1000, 12000, 800);

    private static WavAudio Parse(byte[] file)
    {
        Assert.That(WavFile.TryParse(file, out var audio, out var error, out var reason), Is.True, reason);
        Assert.That(error, Is.EqualTo(WavReadError.None));
        return audio!;
    }

    private static (WavReadError Error, string Reason) Refuse(byte[] file)
    {
        Assert.That(WavFile.TryParse(file, out var audio, out var error, out var reason), Is.False);
        Assert.That(audio, Is.Null);
        Assert.That(reason, Is.Not.Empty);
        return (error, reason);
    }

    [Test]
    public void Pcm16MonoAt8KilohertzReadsBackSampleForSample()
    {
        var audio = Parse(WavBytes.Build(WavBytes.Pcm16(Tone)));

        Assert.That(audio.Encoding, Is.EqualTo(WavEncoding.Pcm16));
        Assert.That(audio.SampleRate, Is.EqualTo(8000));
        Assert.That(audio.Samples.ToArray(), Is.EqualTo(Tone));
        Assert.That(audio.Duration, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(audio.TryGetNarrowband(out var narrow), Is.True);
        Assert.That(narrow, Is.EqualTo(Tone));
    }

    [Test]
    public void MuLawAndALawAreDecodedWithG711()
    {
        var mu = new byte[Tone.Length];
        var a = new byte[Tone.Length];
        G711.EncodeMuLaw(Tone, mu);
        G711.EncodeALaw(Tone, a);

        var muAudio = Parse(WavBytes.Build(mu, formatTag: 7, bitsPerSample: 8));
        var aAudio = Parse(WavBytes.Build(a, formatTag: 6, bitsPerSample: 8));

        Assert.That(muAudio.Encoding, Is.EqualTo(WavEncoding.MuLaw));
        Assert.That(muAudio.Samples.ToArray(), Is.EqualTo(mu.Select(G711.DecodeMuLaw).ToArray()));
        Assert.That(aAudio.Encoding, Is.EqualTo(WavEncoding.ALaw));
        Assert.That(aAudio.Samples.ToArray(), Is.EqualTo(a.Select(G711.DecodeALaw).ToArray()));
    }

    [Test]
    public void SixteenKilohertzIsBroughtToEightThroughTheFilter()
    {
        var wide = WavBytes.Sine(1000, 12000, 3200, 16000).Zip(WavBytes.Sine(6000, 12000, 3200, 16000), (x, y) => (short)(x + y)).ToArray();
        var audio = Parse(WavBytes.Build(WavBytes.Pcm16(wide), sampleRate: 16000));

        Assert.That(audio.TryGetNarrowband(out var narrow), Is.True);
        Assert.That(narrow, Has.Length.EqualTo(1600));
        var settled = narrow.AsSpan(100).ToArray();
        Assert.That(Goertzel.Power(settled, 1000), Is.EqualTo(12000.0 * 12000 / 2).Within(2).Percent, "1 kHz kept");
        Assert.That(Goertzel.Power(settled, 2000), Is.LessThan(12000.0 * 12000 / 2 * 3e-6), "6 kHz not folded onto 2 kHz (55 dB down)");
    }

    [Test]
    public void OtherChunksAndThePadByteAreSkipped()
    {
        Assert.That(Parse(WavBytes.Build(WavBytes.Pcm16(Tone), listChunkFirst: true)).Samples.ToArray(), Is.EqualTo(Tone));
    }

    [Test]
    public void AStreamingWritersUnknownDataSizeMeansToTheEnd([Values(0u, uint.MaxValue)] uint dataSize)
    {
        Assert.That(Parse(WavBytes.Build(WavBytes.Pcm16(Tone), dataSize: dataSize)).Samples.ToArray(), Is.EqualTo(Tone));
    }

    [Test]
    public void ExtensibleFormatWithAPcmSubFormatIsRead()
    {
        var file = WavBytes.Build(WavBytes.Pcm16(Tone), formatTag: 0xFFFE, formatSize: 40);
        var extended = new byte[file.Length + 24];
        file.AsSpan(0, 36).CopyTo(extended);
        extended[36 + 0] = 22;
        extended[36 + 2] = 16;
        extended[36 + 8] = 1;
        file.AsSpan(36).CopyTo(extended.AsSpan(60));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(extended.AsSpan(4), (uint)(extended.Length - 8));

        Assert.That(Parse(extended).Samples.ToArray(), Is.EqualTo(Tone));
    }

    [TestCase(3, 16, WavReadError.UnsupportedEncoding, "Format tag 3")]
    [TestCase(85, 16, WavReadError.UnsupportedEncoding, "Format tag 85")]
    [TestCase(1, 8, WavReadError.UnsupportedBitsPerSample, "8 bits")]
    [TestCase(1, 24, WavReadError.UnsupportedBitsPerSample, "24 bits")]
    [TestCase(7, 16, WavReadError.UnsupportedBitsPerSample, "16 bits")]
    public void OtherEncodingsAreRefusedWithTheReason(int tag, int bits, WavReadError expected, string mentioned)
    {
        var (error, reason) = Refuse(WavBytes.Build(new byte[960], formatTag: tag, bitsPerSample: bits));

        Assert.That(error, Is.EqualTo(expected));
        Assert.That(reason, Does.Contain(mentioned));
    }

    [Test]
    public void OtherRatesAndChannelCountsAreRefused()
    {
        Assert.That(Refuse(WavBytes.Build(new byte[960], sampleRate: 44100)).Error, Is.EqualTo(WavReadError.UnsupportedSampleRate));
        Assert.That(Refuse(WavBytes.Build(new byte[960], channels: 6)).Error, Is.EqualTo(WavReadError.UnsupportedChannels));
        Assert.That(Refuse(WavBytes.Build(new byte[960], blockAlign: 3)).Error, Is.EqualTo(WavReadError.InconsistentBlockAlign));
    }

    [Test]
    public void StereoIsReadButIsNoPrompt()
    {
        var audio = Parse(WavBytes.Build(new byte[960], channels: 2));

        Assert.That(audio.Channels, Is.EqualTo(2));
        Assert.That(audio.TryGetNarrowband(out _), Is.False);
    }

    [Test]
    public void EveryTruncationOfAGoodFileIsRefusedOrReadWithoutThrowing()
    {
        var file = WavBytes.Build(WavBytes.Pcm16(Tone));
        for (var length = 0; length < file.Length; length++)
        {
            var truncated = file.AsSpan(0, length).ToArray();
            if (length < 44)
            {
                Assert.That(WavFile.TryParse(truncated, out _, out var error, out _), Is.False, $"{length} bytes");
                Assert.That(error, Is.Not.EqualTo(WavReadError.None));
            }
            else
            {
                Assert.That(Refuse(truncated).Error, Is.EqualTo(WavReadError.ChunkBeyondEnd).Or.EqualTo(WavReadError.PartialSample), $"{length} bytes");
            }
        }
    }

    [Test]
    public void MalformedHeadersAreRefusedWithTheirOwnReasons()
    {
        Assert.That(Refuse([]).Error, Is.EqualTo(WavReadError.NotRiffWave));
        Assert.That(Refuse("RIFF\0\0\0\0AVI LIST"u8.ToArray()).Error, Is.EqualTo(WavReadError.NotRiffWave));
        byte[] shortFormat = [.. "RIFF"u8, 36, 0, 0, 0, .. "WAVEfmt "u8, 12, 0, 0, 0, 1, 0, 1, 0, 64, 31, 0, 0, 128, 62, 0, 0, .. "data"u8, 4, 0, 0, 0, 0, 0, 0, 0];
        Assert.That(Refuse(shortFormat).Error, Is.EqualTo(WavReadError.FormatTooShort));
        Assert.That(Refuse(WavBytes.Build(new byte[960], dataSize: 961)).Error, Is.EqualTo(WavReadError.ChunkBeyondEnd));
        Assert.That(Refuse(WavBytes.Build(new byte[960], dataSize: 0x7FFF_FFF0)).Error, Is.EqualTo(WavReadError.ChunkBeyondEnd));
        Assert.That(Refuse(WavBytes.Build(new byte[960], formatSize: 0xFFFF_FFF0)).Error, Is.EqualTo(WavReadError.ChunkBeyondEnd));
        Assert.That(Refuse(WavBytes.Build(new byte[961])).Error, Is.EqualTo(WavReadError.PartialSample));

        var noData = WavBytes.Build([]).AsSpan(0, 36).ToArray();
        Assert.That(Refuse(noData).Error, Is.EqualTo(WavReadError.MissingData));

        var dataFirst = WavBytes.Build(new byte[4]);
        "junk"u8.CopyTo(dataFirst.AsSpan(12));
        Assert.That(Refuse(dataFirst).Error, Is.EqualTo(WavReadError.MissingFormat));
    }

    [Test]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(11);
        var good = WavBytes.Build(WavBytes.Pcm16(Tone));
        for (var round = 0; round < 2000; round++)
        {
            var file = (byte[])good.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                file[random.Next(file.Length)] = (byte)random.Next(256);
            }

            Assert.DoesNotThrow(() => WavFile.TryParse(file, out _, out _, out _));
        }
    }

    [Test]
    public void AMissingOrHugeFileIsAReasonNotAnException()
    {
        using var folder = new TempFolder();
        Assert.That(WavFile.TryLoad(Path.Combine(folder.Path, "absent.wav"), out _, out var error, out var reason), Is.False);
        Assert.That(error, Is.EqualTo(WavReadError.Unreadable));
        Assert.That(reason, Does.Contain("absent.wav"));

        var huge = Path.Combine(folder.Path, "huge.wav");
        using (var stream = File.Create(huge))
        {
            stream.SetLength(WavFile.MaxFileBytes + 1);
        }

        Assert.That(WavFile.TryLoad(huge, out _, out error, out _), Is.False);
        Assert.That(error, Is.EqualTo(WavReadError.TooLarge));
    }
}
