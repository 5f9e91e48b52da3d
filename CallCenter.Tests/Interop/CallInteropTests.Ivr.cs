using System.Xml.Linq;
using CallCenter.Media.Codecs;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

// IVR flows with real peers (issue 6): SIPp callers dial an IVR route's number, press a key as RFC 4733 telephone
// events (SIPp's own dtmf_2833_N.pcap captures, payload type 101), and the phone the flow leads to, a SIPp UAS
// registered as that extension or agent, gets the INVITE. Route 4795 runs flow "interop": the welcome prompt (a key
// cuts it), then a menu: 1 the queue acdivr (4793, agent qe at 4706), 2 extension 4705,
// 3 extension 4707. Callers 4716-4718.
public sealed partial class CallInteropTests
{
    private static void ConfigureIvr(ShippedConfigCopy install)
    {
        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
        {
            foreach (var n in new[] { 4705, 4706, 4707, 4716, 4717, 4718 })
            {
                doc.Root!.Add(new XElement("user", new XAttribute("extension", n), new XAttribute("name", "Test " + n), new XAttribute("password", "secret-" + n)));
            }

            doc.Root!.Add(new XElement("agent", new XAttribute("id", "qe"), new XAttribute("name", "Agent qe"), new XAttribute("pin", "14706"),
                new XAttribute("extension", "4706"), new XElement("queue", new XAttribute("name", "acdivr"), new XAttribute("penalty", 0))));
        });
        install.Edit(ShippedConfigCopy.ConfigurationFile.Queues, doc =>
            doc.Root!.Add(new XElement("queue", new XAttribute("name", "acdivr"), new XAttribute("number", "4793"),
                new XAttribute("strategy", "longest-idle"), new XAttribute("ringTimeout", 10), new XAttribute("retryDelay", 1),
                new XAttribute("wrapUp", 0), new XAttribute("joinWhenEmpty", "yes"), new XAttribute("leaveWhenEmpty", "no"))));
        install.Edit(ShippedConfigCopy.ConfigurationFile.Ivr, doc =>
        {
            var root = doc.Root!;
            // Routes come before flows in the schema's order.
            root.Elements("route").Last().AddAfterSelf(new XElement("route", new XAttribute("number", "4795"), new XAttribute("flow", "interop")));
            root.Add(new XElement("flow", new XAttribute("name", "interop"), new XAttribute("start", "welcome"), new XAttribute("language", "en"),
                new XElement("play", new XAttribute("id", "welcome"), new XAttribute("prompts", "welcome"), new XAttribute("interruptible", "true"), new XAttribute("next", "menu")),
                new XElement("menu", new XAttribute("id", "menu"), new XAttribute("prompts", "menu"), new XAttribute("timeout", 10), new XAttribute("retries", 0), new XAttribute("fallback", "bye"),
                    new XElement("choice", new XAttribute("digit", "1"), new XAttribute("next", "vip")),
                    new XElement("choice", new XAttribute("digit", "2"), new XAttribute("next", "desk")),
                    new XElement("choice", new XAttribute("digit", "3"), new XAttribute("next", "desk2"))),
                new XElement("setPriority", new XAttribute("id", "vip"), new XAttribute("value", 40), new XAttribute("next", "queue")),
                new XElement("queue", new XAttribute("id", "queue"), new XAttribute("name", "acdivr")),
                new XElement("extension", new XAttribute("id", "desk"), new XAttribute("number", "4705")),
                new XElement("extension", new XAttribute("id", "desk2"), new XAttribute("number", "4707")),
                new XElement("hangup", new XAttribute("id", "bye"))));
        });
    }

    /// <summary>Key 2 as RFC 4733 during the welcome prompt: the flow transfers to extension 4705, whose phone gets the
    /// INVITE from the caller's number with the relay's other side, answers, and hangs up; the caller gets the BYE.</summary>
    [Test]
    public async Task AnRfc4733KeyInTheIvrMenuReachesTheExtensionItNames()
    {
        var phone = await StartCalleeAsync("4705", "call_uas_hangs_up.xml");

        var caller = await RunCallerAsync("call_uac_ivr_key2.xml", "4716", "4795");

        AssertSipp(caller, 1);
        var ringing = await phone.FinishAsync();
        AssertSipp(ringing, 1);
        Assert.That(ringing.Messages, Does.Contain("INVITE sip:4705@"));
        Assert.That(ringing.Messages, Does.Contain("<sip:4716@"), "the extension sees the caller");

        // The key came as RFC 4733 through the relay (SIPp sends no INFO), and the flow chose by it.
        var id = await CallIdAsync("4716", "4705");
        await ServerLogAsync($"Call {id}: DTMF '2' from the caller");
        await ServerLogAsync($"Call {id}: leaves the IVR for extension 4705");
    }

    /// <summary>Key 1 as RFC 4733: the flow sets priority 40 and hands the caller to queue acdivr, whose logged-in
    /// agent's phone (4706) is rung by the ACD, answers and hangs up; the caller gets the BYE. The ACD's records show
    /// the queue call entered and was connected.</summary>
    [Test]
    public async Task AnRfc4733KeyInTheIvrMenuTakesTheCallerIntoTheQueueAndToItsAgent()
    {
        var phone = await StartCalleeAsync("4706", "call_uas_hangs_up.xml");
        await AgentCommandAsync("qe", "login", new { extension = "4706", pin = "14706" }, "available");

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
        await AgentCommandAsync("qe", "logout", null, "logged-out");
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
}
