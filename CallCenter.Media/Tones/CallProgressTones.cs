namespace CallCenter.Media.Tones;

/// <summary>
/// The tones of each region. North America: ATIS/Telcordia GR-506 precise tone plan (dial 350+440 Hz, audible
/// ringing 440+480 Hz 2 s on 4 s off, busy 480+620 Hz 0.5/0.5 s, reorder 480+620 Hz 0.25/0.25 s, call waiting
/// 440 Hz 0.3 s every 10 s). Europe: the CEPT/ETSI harmonised 425 Hz plan (ETSI ES 201 970 recommendations:
/// ringing 1 s on 4 s off, busy 0.5/0.5 s, congestion 0.2/0.2 s, call waiting two 0.2 s bursts 0.2 s apart).
/// China: YD/T 1279 and GB 3380's 450 Hz plan (ringing 1 s on 4 s off, busy 0.35/0.35 s, congestion
/// 0.7/0.7 s, call waiting 0.4 s every 4.4 s).
/// </summary>
public static class CallProgressTones
{
    private static readonly double[] NorthAmericaDial = [350, 440];
    private static readonly double[] NorthAmericaRingback = [440, 480];
    private static readonly double[] NorthAmericaBusy = [480, 620];
    private static readonly double[] NorthAmericaWaiting = [440];
    private static readonly double[] Europe = [425];
    private static readonly double[] China = [450];

    public static ToneSpec For(ToneRegion region, CallProgressTone tone) => (region, tone) switch
    {
        (ToneRegion.NorthAmerica, CallProgressTone.Dial) => ToneSpec.Create(-13, NorthAmericaDial),
        (ToneRegion.NorthAmerica, CallProgressTone.Ringback) => ToneSpec.Create(-19, NorthAmericaRingback, 2000, 4000),
        (ToneRegion.NorthAmerica, CallProgressTone.Busy) => ToneSpec.Create(-24, NorthAmericaBusy, 500, 500),
        (ToneRegion.NorthAmerica, CallProgressTone.Congestion) => ToneSpec.Create(-24, NorthAmericaBusy, 250, 250),
        (ToneRegion.NorthAmerica, CallProgressTone.CallWaiting) => ToneSpec.Create(-13, NorthAmericaWaiting, 300, 9700),
        (ToneRegion.Europe, CallProgressTone.Dial) => ToneSpec.Create(-10, Europe),
        (ToneRegion.Europe, CallProgressTone.Ringback) => ToneSpec.Create(-10, Europe, 1000, 4000),
        (ToneRegion.Europe, CallProgressTone.Busy) => ToneSpec.Create(-10, Europe, 500, 500),
        (ToneRegion.Europe, CallProgressTone.Congestion) => ToneSpec.Create(-10, Europe, 200, 200),
        (ToneRegion.Europe, CallProgressTone.CallWaiting) => ToneSpec.Create(-10, Europe, 200, 200, 200, 4400),
        (ToneRegion.China, CallProgressTone.Dial) => ToneSpec.Create(-10, China),
        (ToneRegion.China, CallProgressTone.Ringback) => ToneSpec.Create(-10, China, 1000, 4000),
        (ToneRegion.China, CallProgressTone.Busy) => ToneSpec.Create(-10, China, 350, 350),
        (ToneRegion.China, CallProgressTone.Congestion) => ToneSpec.Create(-10, China, 700, 700),
        (ToneRegion.China, CallProgressTone.CallWaiting) => ToneSpec.Create(-10, China, 400, 4000),
        _ => throw new ArgumentOutOfRangeException(nameof(tone), $"No {tone} tone for {region}."),
    };
}
