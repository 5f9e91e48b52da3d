using System.Globalization;
using System.Xml.Linq;
using CallCenter.Media.Codecs;
using CallCenter.Media.Wav;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

// IVR flows with real peers (issue 6): SIPp callers dial an IVR route's number, press a key as RFC 4733 telephone
// events (SIPp's own dtmf_2833_N.pcap captures, payload type 101), and the phone the flow leads to, a SIPp UAS
// registered as that extension or agent, gets the INVITE. Route 4795 runs flow "interop": the welcome prompt (a key
// cuts it), then a menu: 1 the queue acdivr (4794, agent qi at 4706), 2 extension 4708,
// 3 extension 4707. Route 4796 runs flow "listen": the welcome prompt, then hang-up. Callers 4716-4719.
// Route 4720 runs flow "retry", a menu with short prompts and timeouts, for its timeouts and retries (see below).
public sealed partial class CallInteropTests
{
    private static void ConfigureIvr(ShippedConfigCopy install)
    {
        ConfigureIvrRetries(install);
        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
        {
            foreach (var n in new[] { 4708, 4706, 4707, 4716, 4717, 4718, 4719 })
            {
                doc.Root!.Add(new XElement("user", new XAttribute("extension", n), new XAttribute("name", "Test " + n), new XAttribute("password", "secret-" + n)));
            }

            doc.Root!.Add(new XElement("agent", new XAttribute("id", "qi"), new XAttribute("name", "Agent qi"), new XAttribute("pin", "14706"),
                new XAttribute("extension", "4706"), new XElement("queue", new XAttribute("name", "acdivr"), new XAttribute("penalty", 0))));
        });
        install.Edit(ShippedConfigCopy.ConfigurationFile.Queues, doc =>
            doc.Root!.Add(new XElement("queue", new XAttribute("name", "acdivr"), new XAttribute("number", "4794"),
                new XAttribute("strategy", "longest-idle"), new XAttribute("ringTimeout", 10), new XAttribute("retryDelay", 1),
                new XAttribute("wrapUp", 0), new XAttribute("joinWhenEmpty", "yes"), new XAttribute("leaveWhenEmpty", "no"))));
        install.Edit(ShippedConfigCopy.ConfigurationFile.Ivr, doc =>
        {
            var root = doc.Root!;
            // Routes come before flows in the schema's order.
            root.Elements("route").Last().AddAfterSelf(
                new XElement("route", new XAttribute("number", "4795"), new XAttribute("flow", "interop")),
                new XElement("route", new XAttribute("number", "4796"), new XAttribute("flow", "listen")));
            root.Add(new XElement("flow", new XAttribute("name", "listen"), new XAttribute("start", "welcome"), new XAttribute("language", "en"),
                new XElement("play", new XAttribute("id", "welcome"), new XAttribute("prompts", "welcome"), new XAttribute("next", "bye")),
                new XElement("hangup", new XAttribute("id", "bye"))));
            root.Add(new XElement("flow", new XAttribute("name", "interop"), new XAttribute("start", "welcome"), new XAttribute("language", "en"),
                new XElement("play", new XAttribute("id", "welcome"), new XAttribute("prompts", "welcome"), new XAttribute("interruptible", "true"), new XAttribute("next", "menu")),
                new XElement("menu", new XAttribute("id", "menu"), new XAttribute("prompts", "menu"), new XAttribute("timeout", 10), new XAttribute("retries", 0), new XAttribute("fallback", "bye"),
                    new XElement("choice", new XAttribute("digit", "1"), new XAttribute("next", "vip")),
                    new XElement("choice", new XAttribute("digit", "2"), new XAttribute("next", "desk")),
                    new XElement("choice", new XAttribute("digit", "3"), new XAttribute("next", "desk2"))),
                new XElement("setPriority", new XAttribute("id", "vip"), new XAttribute("value", 40), new XAttribute("next", "queue")),
                new XElement("queue", new XAttribute("id", "queue"), new XAttribute("name", "acdivr")),
                new XElement("extension", new XAttribute("id", "desk"), new XAttribute("number", "4708")),
                new XElement("extension", new XAttribute("id", "desk2"), new XAttribute("number", "4707")),
                new XElement("hangup", new XAttribute("id", "bye"))));
        });
    }

    /// <summary>Key 2 as RFC 4733 during the welcome prompt: the flow transfers to extension 4708, whose phone gets the
    /// INVITE from the caller's number with the relay's other side, answers, and hangs up; the caller gets the BYE.</summary>
    [Test]
    public async Task AnRfc4733KeyInTheIvrMenuReachesTheExtensionItNames()
    {
        var phone = await StartCalleeAsync("4708", "call_uas_hangs_up.xml");

        var caller = await RunCallerAsync("call_uac_ivr_key2.xml", "4716", "4795");

        AssertSipp(caller, 1);
        var ringing = await phone.FinishAsync();
        AssertSipp(ringing, 1);
        Assert.That(ringing.Messages, Does.Contain("INVITE sip:4708@"));
        Assert.That(ringing.Messages, Does.Contain("<sip:4716@"), "the extension sees the caller");

        // The key came as RFC 4733 through the relay (SIPp sends no INFO), and the flow chose by it.
        var id = await CallIdAsync("4716", "4708");
        await ServerLogAsync($"Call {id}: DTMF '2' from the caller");
        await ServerLogAsync($"Call {id}: leaves the IVR for extension 4708");
    }

    /// <summary>Key 1 as RFC 4733: the flow sets priority 40 and hands the caller to queue acdivr, whose logged-in
    /// agent's phone (4706) is rung by the ACD, answers and hangs up; the caller gets the BYE. The ACD's records show
    /// the queue call entered and was connected.</summary>
    [Test]
    public async Task AnRfc4733KeyInTheIvrMenuTakesTheCallerIntoTheQueueAndToItsAgent()
    {
        var phone = await StartCalleeAsync("4706", "call_uas_hangs_up.xml");
        await AgentCommandAsync("qi", "login", new { extension = "4706", pin = "14706" }, "available");

        var caller = await RunCallerAsync("call_uac_ivr_key1.xml", "4717", "4795");

        AssertSipp(caller, 1);
        var ringing = await phone.FinishAsync();
        AssertSipp(ringing, 1);
        Assert.That(ringing.Messages, Does.Contain("INVITE sip:4706@"));
        var id = await CallIdAsync("4717", "4706");
        await ServerLogAsync($"Call {id}: DTMF '1' from the caller");
        await ServerLogAsync($"Call {id}: leaves the IVR for queue acdivr");
        await ServerLogAsync($"Call {id}: connected to the agent at 4706 from queue acdivr");
        var events = new List<string>();
        for (var attempt = 0; attempt < 30 && !events.Contains("COMPLETEAGENT"); attempt++)
        {
            events = await QueueEventsAsync("acdivr");
            await Task.Delay(events.Contains("COMPLETEAGENT") ? 0 : 100);
        }

        Assert.That(events, Is.EqualTo(new[] { "ENTERQUEUE", "CONNECT", "COMPLETEAGENT" }));
        await AgentCommandAsync("qi", "logout", null, "logged-out");
    }

    /// <summary>Key 3 as in-band tones in the caller's PCMA stream (a phone without RFC 4733; the pcap is generated
    /// here): the relay's detector, on for leg A while the flow runs, hears it and the flow transfers to 4707.</summary>
    [Test]
    public async Task AnInBandKeyInTheIvrMenuReachesTheExtensionItNames()
    {
        await File.WriteAllBytesAsync(_work.Combine("inband-3.pcap"), InBandDtmfRtp.Pcap(InBandDtmfRtp.Packets("3", AudioCodec.Pcma, onMilliseconds: 120)));
        var phone = await StartCalleeAsync("4707", "call_uas_hangs_up.xml");

        var caller = await RunCallerAsync("call_uac_ivr_inband3.xml", "4718", "4795");

        AssertSipp(caller, 1);
        var ringing = await phone.FinishAsync();
        AssertSipp(ringing, 1);
        Assert.That(ringing.Messages, Does.Contain("INVITE sip:4707@"));
        var id = await CallIdAsync("4718", "4707");
        await ServerLogAsync($"Call {id}: DTMF '3' from the caller");
        await ServerLogAsync($"Call {id}: leaves the IVR for extension 4707");
    }

    /// <summary>A baresip caller dials 4796, hears the whole welcome prompt and then gets the server's BYE. What baresip decoded
    /// is compared with the shipped WAV: found at some delay, its 20 ms energy envelope and its samples follow the
    /// prompt's (G.711 twice over costs a little fidelity, nothing more), so this is the prompt and not just packets.</summary>
    [Test]
    public async Task ABaresipCallerHearsTheWelcomePrompt()
    {
        var tone = _work.Combine("tone-ivr-1000.wav");
        await MakeToneAsync(tone, 1000, 20);
        var recordings = Directory.CreateDirectory(_work.Combine("recorded-4719")).FullName;
        await using var phone = Baresip.Start(
            new Baresip.Account("4719", "secret-4719", _install.SipPort), TimeSpan.FromSeconds(30), new Baresip.Audio(tone, recordings));
        await phone.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));

        await phone.SendCommandAsync($"/dial sip:4796@127.0.0.1:{SipPort}");
        await phone.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(10));
        await phone.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(15));
        Assert.That(await phone.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, phone.Output);

        var recording = Directory.GetFiles(recordings, "dump-*-dec.wav").Single();
        var narrow = _work.Combine("heard-4719-8k.wav");
        var convert = await ExternalProcess.RunAsync(Peers.Require(Peers.Sox), [recording, "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", narrow], PeerLimit);
        Assert.That(convert.ExitCode, Is.Zero, convert.Error);
        var heard = RecordedAudio.Narrowband(narrow);
        var prompt = RecordedAudio.Narrowband(Path.Combine(RepoPaths.ShippedConfig, "sounds", "en", "welcome.wav"));

        var (lag, envelope) = BestEnvelopeLag(RecordedAudio.Envelope(heard), RecordedAudio.Envelope(prompt));
        var (sampleLag, correlation) = BestSampleLag(heard, prompt, lag * 160 - 320, lag * 160 + 320);
        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"heard {heard.Length / 8000.0:F2} s; prompt {prompt.Length / 8000.0:F2} s found at {sampleLag / 8.0:F1} ms: envelope r = {envelope:F3}, samples r = {correlation:F3}"));
        Assert.That(heard.Length - sampleLag, Is.GreaterThanOrEqualTo(prompt.Length - 160), "the prompt's end was heard too: the BYE waited for it");
        Assert.That(envelope, Is.GreaterThan(0.9), "energy envelope of what was heard against the prompt's");
        Assert.That(correlation, Is.GreaterThan(0.8), "normalised cross-correlation of the samples at the best delay");
    }

    /// <summary>The delay of <paramref name="prompt"/> in <paramref name="heard"/> (negative: the recording began
    /// after the prompt did) with the best correlation over the overlap, which must cover 90 % of the prompt: the
    /// phone may start listening a moment after the server's 200, and the BYE cuts what its jitter buffer still held.</summary>
    private static (int Lag, double R) BestEnvelopeLag(double[] heard, double[] prompt) =>
        BestLag(i => heard[i], heard.Length, i => prompt[i], prompt.Length, -prompt.Length / 10, heard.Length);

    private static (int Lag, double R) BestSampleLag(short[] heard, short[] prompt, int from, int to) =>
        BestLag(i => heard[i], heard.Length, i => prompt[i], prompt.Length, from, to);

    private static (int Lag, double R) BestLag(Func<int, double> heard, int heardLength, Func<int, double> prompt, int promptLength, int from, int to)
    {
        var best = (Lag: 0, R: double.MinValue);
        for (var lag = from; lag <= to; lag++)
        {
            var first = Math.Max(0, -lag);
            var last = Math.Min(promptLength, heardLength - lag);
            if (last - first < promptLength * 9 / 10)
            {
                continue;
            }

            var r = Pearson(i => heard(lag + first + i), i => prompt(first + i), last - first);
            if (r > best.R)
            {
                best = (lag, r);
            }
        }

        return best;
    }

    private static double Pearson(Func<int, double> x, Func<int, double> y, int count)
    {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (var i = 0; i < count; i++)
        {
            var a = x(i);
            var b = y(i);
            sx += a;
            sy += b;
            sxx += a * a;
            syy += b * b;
            sxy += a * b;
        }

        var cov = sxy - sx * sy / count;
        var var = Math.Sqrt((sxx - sx * sx / count) * (syy - sy * sy / count));
        return var == 0 ? 0 : cov / var;
    }
}
