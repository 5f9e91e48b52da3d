using CallCenter.Media.Mixing;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Mixing;

public sealed class AudioMixerTests
{
    private static readonly double[] Voices = [500, 900, 1400, 2100];

    [Test]
    public void EachPartyHearsEveryoneElseButItself()
    {
        var mixer = new AudioMixer(8);
        var parties = Voices.Select(_ => mixer.Join()).ToArray();
        var heard = parties.Select(_ => new List<short>()).ToArray();
        var voices = Voices.Select(f => WavBytes.Sine(f, 4000, 1600)).ToArray();

        for (var tick = 0; tick < 10; tick++)
        {
            for (var i = 0; i < parties.Length; i++)
            {
                mixer.Put(parties[i], voices[i].AsSpan(tick * 160, 160));
            }

            mixer.Mix();
            for (var i = 0; i < parties.Length; i++)
            {
                heard[i].AddRange(mixer.Output(parties[i]).ToArray());
            }
        }

        for (var i = 0; i < parties.Length; i++)
        {
            var audio = heard[i].ToArray();
            for (var j = 0; j < Voices.Length; j++)
            {
                var power = Goertzel.Power(audio, Voices[j]);
                if (i == j)
                {
                    Assert.That(power, Is.LessThan(1), $"party {i} does not hear itself");
                }
                else
                {
                    Assert.That(power, Is.EqualTo(4000.0 * 4000 / 2).Within(1).Percent, $"party {i} hears party {j}");
                }
            }
        }
    }

    [Test]
    public void LoudSumsClipInsteadOfWrapping()
    {
        var mixer = new AudioMixer(4);
        var a = mixer.Join();
        var b = mixer.Join();
        var c = mixer.Join();
        mixer.Put(a, Enumerable.Repeat((short)30000, 160).ToArray());
        mixer.Put(b, Enumerable.Repeat((short)30000, 160).ToArray());
        mixer.Put(c, Enumerable.Repeat((short)-30000, 160).ToArray());

        mixer.Mix();

        Assert.That(mixer.Output(c).ToArray(), Is.All.EqualTo(short.MaxValue));
        Assert.That(mixer.Output(a).ToArray(), Is.All.EqualTo(0));
    }

    [Test]
    public void APartyWithoutInputThisTickIsSilentAndStillHearsTheOthers()
    {
        var mixer = new AudioMixer(4);
        var talker = mixer.Join();
        var listener = mixer.Join();
        var other = mixer.Join();
        mixer.Put(talker, Enumerable.Repeat((short)1000, 160).ToArray());
        mixer.Put(other, Enumerable.Repeat((short)200, 160).ToArray());
        mixer.Mix();

        Assert.That(mixer.Output(listener).ToArray(), Is.All.EqualTo(1200));
        Assert.That(mixer.Output(talker).ToArray(), Is.All.EqualTo(200));

        mixer.Put(talker, Enumerable.Repeat((short)1000, 160).ToArray());
        mixer.Mix();
        Assert.That(mixer.Output(other).ToArray(), Is.All.EqualTo(1000), "last tick's input is not reused");
    }

    [Test]
    public void SlotsAreReusedAndAFullConferenceSaysSo()
    {
        var mixer = new AudioMixer(2);
        var first = mixer.Join();
        Assert.That(mixer.Join(), Is.Not.EqualTo(-1));
        Assert.That(mixer.Join(), Is.EqualTo(-1));
        mixer.Leave(first);
        Assert.That(mixer.Count, Is.EqualTo(1));
        Assert.That(mixer.Join(), Is.EqualTo(first));
        Assert.That(() => new AudioMixer(4).Put(0, new short[160]), Throws.InvalidOperationException);
    }

    [Test]
    public void MixingAllocatesNothing()
    {
        var mixer = new AudioMixer(8);
        var parties = Enumerable.Range(0, 5).Select(_ => mixer.Join()).ToArray();
        var frame = WavBytes.Sine(700, 3000, 160);
        mixer.Mix();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var tick = 0; tick < 1000; tick++)
        {
            foreach (var party in parties)
            {
                mixer.Put(party, frame);
            }

            mixer.Mix();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
