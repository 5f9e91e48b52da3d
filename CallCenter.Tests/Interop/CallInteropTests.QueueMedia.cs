using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CallCenter.Media.Wav;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

// What a waiting queue caller hears, with a real phone (issue 6): queue acdmoh (4797) has no agent and announces the
// caller's position once on joining; baresip at 4798 dials it, listens, and hangs up. Its decoded audio is searched
// for the shipped "you are caller number" prompt, and what follows the announcement is the shipped default music.
public sealed partial class CallInteropTests
{
    private static void ConfigureQueueMedia(ShippedConfigCopy install)
    {
        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
            doc.Root!.Add(new XElement("user", new XAttribute("extension", 4798), new XAttribute("name", "Test 4798"), new XAttribute("password", "secret-4798"))));
        install.Edit(ShippedConfigCopy.ConfigurationFile.Queues, doc =>
            doc.Root!.Add(new XElement("queue", new XAttribute("name", "acdmoh"), new XAttribute("number", "4797"),
                new XAttribute("strategy", "longest-idle"), new XAttribute("joinWhenEmpty", "yes"), new XAttribute("leaveWhenEmpty", "no"),
                new XAttribute("musicOnHold", "default"),
                new XElement("announce", new XAttribute("position", "true"), new XAttribute("estimatedWait", "false"), new XAttribute("frequency", 0)))));
    }

    /// <summary>A baresip caller dials a queue nobody serves and is told its place: what it decoded holds the shipped
    /// caller-number prompt (its 20 ms energy envelope and its samples follow the WAV's at some delay) and then music,
    /// then it hangs up, which the ACD records as an abandon of a caller who was first in line.</summary>
    [Test]
    public async Task ABaresipCallerWaitingInAQueueHearsItsPositionAnnounced()
    {
        var tone = _work.Combine("tone-moh-700.wav");
        await MakeToneAsync(tone, 700, 20);
        var recordings = Directory.CreateDirectory(_work.Combine("recorded-4798")).FullName;
        await using var phone = Baresip.Start(
            new Baresip.Account("4798", "secret-4798", _install.SipPort), TimeSpan.FromSeconds(30), new Baresip.Audio(tone, recordings));
        await phone.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));

        await phone.SendCommandAsync($"/dial sip:4797@127.0.0.1:{SipPort}");
        await phone.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(10));
        // "You are caller number" and "one" take about 2.5 s; the music follows.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await phone.SendCommandAsync("/hangup");
        await phone.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(10));
        Assert.That(await phone.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, phone.Output);

        await ServerLogAsync(": 4798 waits in queue acdmoh");
        var id = Regex.Match(LogFiles.Read(_install.LogFolder), @"Call (\S+): 4798 waits in queue acdmoh").Groups[1].Value;
        await ServerLogAsync($"Call {id}: announcement Position plays caller-number digit-1");
        var recording = Directory.GetFiles(recordings, "dump-*-dec.wav").Single();
        var narrow = _work.Combine("heard-4798-8k.wav");
        var convert = await ExternalProcess.RunAsync(Peers.Require(Peers.Sox), [recording, "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", narrow], PeerLimit);
        Assert.That(convert.ExitCode, Is.Zero, convert.Error);
        var heard = RecordedAudio.Narrowband(narrow);
        var prompt = RecordedAudio.Narrowband(Path.Combine(RepoPaths.ShippedConfig, "sounds", "en", "caller-number.wav"));

        var (frame, envelope) = QueueAudio.Find(RecordedAudio.Envelope(heard), RecordedAudio.Envelope(prompt), 0, heard.Length / 160);
        var (sample, correlation) = QueueAudio.Find(
            [.. heard.Select(s => (double)s)], [.. prompt.Select(s => (double)s)], frame * 160 - 320, frame * 160 + 320);
        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"heard {heard.Length / 8000.0:F2} s; prompt {prompt.Length / 8000.0:F2} s found at {sample / 8.0:F1} ms: envelope r = {envelope:F3}, samples r = {correlation:F3}"));
        Assert.That(envelope, Is.GreaterThan(0.9), "energy envelope of what was heard against the prompt's");
        Assert.That(correlation, Is.GreaterThan(0.8), "normalised cross-correlation of the samples at the best delay");

        // After "one", the shipped default class plays: the second before the hang-up is music, far above the
        // comfort noise (RMS about 16) that a missing class would have left.
        var music = heard.AsSpan(Math.Max(0, heard.Length - 12_000), 8_000).ToArray();
        var rms = Math.Sqrt(music.Average(s => (double)s * s));
        Assert.That(rms, Is.GreaterThan(300), "the music after the announcement");
        var events = new List<string>();
        for (var attempt = 0; attempt < 30 && !events.Contains("ABANDON"); attempt++)
        {
            events = await QueueEventsAsync("acdmoh");
            await Task.Delay(events.Contains("ABANDON") ? 0 : 100);
        }

        Assert.That(events, Is.EqualTo(new[] { "ENTERQUEUE", "ABANDON" }));
    }

    /// <summary>Where a known sound lies in a recording, by Pearson correlation over the whole of it.</summary>
    private static class QueueAudio
    {
        /// <summary>The offset in <paramref name="from"/>..<paramref name="to"/> at which the whole of
        /// <paramref name="sound"/> correlates best with <paramref name="recording"/>: the announcement sits between
        /// music, so unlike a prompt at a call's edge it must be found whole.</summary>
        public static (int Offset, double R) Find(double[] recording, double[] sound, int from, int to)
        {
            var best = (Offset: -1, R: double.MinValue);
            for (var offset = Math.Max(0, from); offset <= Math.Min(to, recording.Length - sound.Length); offset++)
            {
                var r = Pearson(recording.AsSpan(offset, sound.Length), sound);
                if (r > best.R)
                {
                    best = (offset, r);
                }
            }

            return best;
        }

        private static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
        {
            double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
            for (var i = 0; i < x.Length; i++)
            {
                sx += x[i];
                sy += y[i];
                sxx += x[i] * x[i];
                syy += y[i] * y[i];
                sxy += x[i] * y[i];
            }

            var n = x.Length;
            var spread = Math.Sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
            return spread == 0 ? 0 : (sxy - sx * sy / n) / spread;
        }
    }
}
