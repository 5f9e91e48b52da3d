namespace CallCenter.Media.Dtmf;

/// <summary>Receives a detector's events on the thread that called <see cref="DtmfToneDetector.Process"/>.</summary>
public interface IDtmfToneListener
{
    void OnDtmfTone(DtmfToneEvent toneEvent);
}
