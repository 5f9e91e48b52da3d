namespace CallCenter.Media.Codecs;

/// <summary>
/// Signal levels in dBm0 for 16-bit linear PCM that goes through G.711. G.711 gives µ-law a theoretical load capacity
/// of +3.17 dBm0: a sine whose peak reaches the top decision value (8,159 in the 14-bit scale, 32,636 once shifted
/// to 16 bits) is at +3.17 dBm0, so a 0 dBm0 sine peaks at 32,636 × 10^(−3.17/20) ≈ 22,657. A-law (+3.14 dBm0 over
/// 4,096 × 8 = 32,768) gives 22,738, 0.03 dB away; we use the µ-law figure for both laws.
/// </summary>
public static class Dbm0
{
    public const double ZeroDbm0Peak = 22657.0;

    /// <summary>Mean square of a 0 dBm0 sine, the reference power every level here is relative to.</summary>
    public const double ZeroDbm0Power = ZeroDbm0Peak * ZeroDbm0Peak / 2;

    public static double SinePeak(double dbm0) => ZeroDbm0Peak * Math.Pow(10, dbm0 / 20);

    public static double Power(double dbm0) => ZeroDbm0Power * Math.Pow(10, dbm0 / 10);

    public static double FromPower(double meanSquare) => 10 * Math.Log10(meanSquare / ZeroDbm0Power);
}
