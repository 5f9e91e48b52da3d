using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Rtp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Dtmf;

/// <summary>The detector on the path a real leg will feed it: RTP datagrams, G.711 payloads, one per 20 ms.</summary>
public sealed class InBandDtmfOverRtpTests
{
    private static string Hear(IEnumerable<byte[]> datagrams, AudioCodec codec, Func<int, bool>? lost = null)
    {
        var detector = new DtmfToneDetector();
        var listener = new RecordingDtmfToneListener();
        var pcm = new short[InBandDtmfRtp.FrameSamples];
        var index = 0;
        foreach (var datagram in datagrams)
        {
            Assert.That(RtpPacket.TryRead(datagram, out var packet, out var reason), Is.True, reason.ToString());
            if (lost?.Invoke(index++) == true)
            {
                // A lost packet is played out as silence, as a jitter buffer without concealment would.
                Array.Clear(pcm);
            }
            else
            {
                G711.Decode(codec, packet.Payload, pcm);
            }

            detector.Process(pcm, listener);
        }

        detector.Process(new short[1600], listener);
        return listener.Digits;
    }

    [TestCase(AudioCodec.Pcmu)]
    [TestCase(AudioCodec.Pcma)]
    public void KeysInG711RtpAreHeard(AudioCodec codec)
    {
        Assert.That(Hear(InBandDtmfRtp.Packets("1234567890*#ABCD", codec), codec), Is.EqualTo("1234567890*#ABCD"));
    }

    [Test]
    public void OneLostPacketInsideAKeyDoesNotMakeTwoKeys([Values(6, 7, 8)] int lost)
    {
        // 100 ms keys after 100 ms of silence: packets 5-9 are the first key; a lost one leaves a 20 ms hole.
        Assert.That(Hear(InBandDtmfRtp.Packets("55", AudioCodec.Pcmu), AudioCodec.Pcmu, i => i == lost), Is.EqualTo("55"));
    }

    [Test]
    public void ThePcapCarriesTheSamePacketsForSipp()
    {
        var packets = InBandDtmfRtp.Packets("1234#", AudioCodec.Pcmu);
        var pcap = InBandDtmfRtp.Pcap(packets);

        var read = InBandDtmfRtp.ReadPcap(pcap);

        Assert.That(read, Is.EqualTo(packets));
        Assert.That(Hear(read, AudioCodec.Pcmu), Is.EqualTo("1234#"));
        Assert.That(pcap.Length, Is.EqualTo(24 + (packets.Count * (16 + 14 + 20 + 8 + 172))));
    }
}
