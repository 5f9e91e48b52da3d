namespace CallCenter.Media.Wav;

/// <summary>
/// The 47-tap half-band low-pass both rate changers use: a windowed sinc cut at a quarter of the 16 kHz rate
/// (4 kHz), Kaiser β = 6, which puts the pass band edge near 3.3 kHz and more than 60 dB of rejection above 4.7 kHz.
/// Half-band means every other tap but the centre is zero, so each output costs 24 multiplications.
/// </summary>
internal static class HalfBandFilter
{
    public const int Taps = 47;
    public const int Centre = Taps / 2;
    private const double KaiserBeta = 6.0;

    /// <summary>The non-zero taps beside the centre (odd distances 1, 3, … 23 on each side), summing with the centre
    /// to a DC gain of one.</summary>
    private static readonly double[] Full = CreateTaps();

    public static readonly double CentreTap = Full[Centre];

    public static readonly double[] SideTaps = Enumerable.Range(0, (Centre + 1) / 2).Select(i => Full[Centre + 1 + (2 * i)]).ToArray();

    private static double[] CreateTaps()
    {
        var full = new double[Taps];
        var sum = 0.0;
        for (var t = 0; t < Taps; t++)
        {
            var offset = t - Centre;
            var sinc = offset == 0 ? 0.5 : Math.Sin(Math.PI * offset / 2) / (Math.PI * offset);
            var ratio = (double)offset / Centre;
            full[t] = sinc * BesselI0(KaiserBeta * Math.Sqrt(1 - (ratio * ratio))) / BesselI0(KaiserBeta);
            sum += full[t];
        }

        return full.Select(tap => tap / sum).ToArray();
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1;
        for (var k = 1; k < 40; k++)
        {
            term *= x / (2 * k);
            sum += term * term;
        }

        return sum;
    }
}
