namespace CallCenter.Media.Relay;

public sealed partial class MediaRelay
{
    /// <summary>
    /// Reports each configured leg that expects media and has sent no accepted RTP for <paramref name="timeout"/>
    /// (counted from its last packet or its last Configure). Once per silence: the report remembers which
    /// "last packet" it was about. Runs on the manager's heartbeat; reads stamps only.
    /// </summary>
    internal int CheckMediaTimeout(long now, TimeSpan timeout) => Check(_a, now, timeout) + Check(_b, now, timeout);

    private int Check(MediaLeg leg, long now, TimeSpan timeout)
    {
        if (IsDisposed || leg.Destination is not { Settings.ExpectsMedia: true })
        {
            return 0;
        }

        var last = Volatile.Read(ref leg.LastRtp);
        if (last == leg.TimeoutReportedFor)
        {
            return 0;
        }

        var silence = _time.GetElapsedTime(last, now);
        if (silence < timeout)
        {
            return 0;
        }

        leg.TimeoutReportedFor = last;
        MediaLog.MediaTimeout(_logger, Id, leg.Side, silence);
        try
        {
            _observer.OnMediaTimeout(this, leg.Side, silence);
        }
        catch (Exception e)
        {
            CountObserverFault(leg, e);
        }

        return 1;
    }
}
