using CallCenter.Media.Wav;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Wav;

public sealed class HalfBandResamplerTests
{
    private const double Peak = 10000;
    private const double SinePower = Peak * Peak / 2;

    private static short[] Decimate(short[] wide, int chunk)
    {
        var decimator = new HalfBandDecimator();
        var narrow = new short[(wide.Length + 1) / 2];
        var written = 0;
        for (var offset = 0; offset < wide.Length; offset += chunk)
        {
            written += decimator.Process(wide.AsSpan(offset, Math.Min(chunk, wide.Length - offset)), narrow.AsSpan(written));
        }

        Assert.That(written, Is.EqualTo(narrow.Length));
        return narrow;
    }

    private static short[] Interpolate(short[] narrow)
    {
        var wide = new short[narrow.Length * 2];
        Assert.That(new HalfBandInterpolator().Process(narrow, wide), Is.EqualTo(wide.Length));
        return wide;
    }

    [TestCase(300, 0.05)]
    [TestCase(1000, 0.05)]
    [TestCase(2000, 0.05)]
    [TestCase(3000, 0.5)]
    public void DecimationKeepsTheTelephoneBand(double frequency, double toleranceDb)
    {
        var narrow = Decimate(WavBytes.Sine(frequency, Peak, 16000, 16000), 320);
        var power = Goertzel.Power(narrow.AsSpan(100, 7800), frequency);

        Assert.That(10 * Math.Log10(power / SinePower), Is.EqualTo(0).Within(toleranceDb));
    }

    [TestCase(4800)]
    [TestCase(6000)]
    [TestCase(7500)]
    public void DecimationRejectsWhatWouldFoldIntoTheBandBy60Db(double frequency)
    {
        var narrow = Decimate(WavBytes.Sine(frequency, Peak, 16000, 16000), 320);

        Assert.That(10 * Math.Log10(Goertzel.MeanSquare(narrow.AsSpan(100)) / SinePower), Is.LessThan(-60));
    }

    [Test]
    public void ChunksOfAnySizeGiveTheSameOutput()
    {
        var wide = WavBytes.Sine(1234, Peak, 4001, 16000);
        var whole = Decimate(wide, wide.Length);

        Assert.That(Decimate(wide, 1), Is.EqualTo(whole));
        Assert.That(Decimate(wide, 37), Is.EqualTo(whole));
        Assert.That(Decimate(wide, 320), Is.EqualTo(whole));
    }

    [Test]
    public void InterpolationKeepsTheBandAndRemovesTheImage()
    {
        var wide = Interpolate(WavBytes.Sine(1000, Peak, 8000));
        var settled = wide.AsSpan(200, 15600).ToArray();

        Assert.That(10 * Math.Log10(Goertzel.Power(settled, 1000, 16000) / SinePower), Is.EqualTo(0).Within(0.05));
        Assert.That(10 * Math.Log10(Goertzel.Power(settled, 7000, 16000) / SinePower), Is.LessThan(-60), "the image at 8 − 1 kHz");
    }

    [Test]
    public void UpAndDownAgainReturnsTheSignalDelayedBy23Samples()
    {
        var original = WavBytes.Sine(700, Peak, 4000).Zip(WavBytes.Sine(2100, Peak / 2, 4000), (a, b) => (short)(a + b)).ToArray();
        var back = Decimate(Interpolate(original), 320);

        for (var n = 100; n < original.Length; n++)
        {
            Assert.That((double)back[n], Is.EqualTo((double)original[n - 23]).Within(Peak * 0.01), $"sample {n}");
        }
    }
}
