using CallCenter.Media.Dtmf;

namespace CallCenter.Tests.Support;

public sealed class RecordingDtmfToneListener : IDtmfToneListener
{
    public List<DtmfToneEvent> Events { get; } = new(256);

    public string Digits => new(Events.Where(e => e.Edge == DtmfToneEdge.Start).Select(e => e.Symbol).ToArray());

    public void OnDtmfTone(DtmfToneEvent toneEvent) => Events.Add(toneEvent);

    /// <summary>Runs <paramref name="pcm"/> through a fresh detector in chunks of <paramref name="chunk"/> samples,
    /// with 200 ms of silence after it so that the last key's end is reported.</summary>
    public static RecordingDtmfToneListener Detect(short[] pcm, int chunk = 160)
    {
        var listener = new RecordingDtmfToneListener();
        var detector = new DtmfToneDetector();
        for (var offset = 0; offset < pcm.Length; offset += chunk)
        {
            detector.Process(pcm.AsSpan(offset, Math.Min(chunk, pcm.Length - offset)), listener);
        }

        detector.Process(new short[1600], listener);
        return listener;
    }
}
