using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

// An IVR menu's timeouts and retries with SIPp (issue 6: "SIPp scenarios navigate a menu ... and time out and retry as
// configured"). Routes 4720 and 4723 run flows "retry" and "retry-b": one menu with short prompts of known length
// written here (tones: menu 0.6 s, timeout 0.8 s, invalid 0.4 s), a 1 s timeout and 2 retries; key 9 leads to
// extension 4722, and the fallback (after the third failure, timeouts and wrong keys alike) to extension 4721 for
// "retry" and 4724 for "retry-b", each served by a SIPp UAS of its own test. Callers 4725-4727.
public sealed partial class CallInteropTests
{
    private static readonly TimeSpan RetryMenuPrompt = TimeSpan.FromMilliseconds(600);
    private static readonly TimeSpan RetryTimeoutPrompt = TimeSpan.FromMilliseconds(800);
    private static readonly TimeSpan RetryInvalidPrompt = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan RetryTimeout = TimeSpan.FromSeconds(1);
    private const int RetryCount = 2;

    /// <summary>From the answer to the fallback when no key comes: the menu, its timeout, then per retry the timeout
    /// prompt, the menu again and its timeout (a menu's timeout runs from the end of its prompts).</summary>
    private static TimeSpan RetryFallbackAfter =>
        RetryMenuPrompt + RetryTimeout + (RetryTimeoutPrompt + RetryMenuPrompt + RetryTimeout) * RetryCount;

    private static void ConfigureIvrRetries(ShippedConfigCopy install)
    {
        var sounds = Path.Combine(install.ConfigFolder, "sounds", "en");
        WriteTone(Path.Combine(sounds, "t-menu.wav"), RetryMenuPrompt, 440);
        WriteTone(Path.Combine(sounds, "t-timeout.wav"), RetryTimeoutPrompt, 660);
        WriteTone(Path.Combine(sounds, "t-invalid.wav"), RetryInvalidPrompt, 880);
        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
        {
            foreach (var n in new[] { 4721, 4722, 4724, 4725, 4726, 4727 })
            {
                doc.Root!.Add(new XElement("user", new XAttribute("extension", n), new XAttribute("name", "Test " + n), new XAttribute("password", "secret-" + n)));
            }
        });
        install.Edit(ShippedConfigCopy.ConfigurationFile.Ivr, doc =>
        {
            var root = doc.Root!;
            root.Elements("route").Last().AddAfterSelf(
                new XElement("route", new XAttribute("number", "4720"), new XAttribute("flow", "retry")),
                new XElement("route", new XAttribute("number", "4723"), new XAttribute("flow", "retry-b")));
            root.Add(RetryFlow("retry", "4721"), RetryFlow("retry-b", "4724"));
        });
        // The session's timeouts, wrong keys and fallbacks are Debug lines.
        install.Edit(ShippedConfigCopy.ConfigurationFile.Main, doc =>
            doc.Root!.Element("logging")!.Add(new XElement("override", new XAttribute("namespace", "CallCenter.Core.Ivr"), new XAttribute("level", "Debug"))));
    }

    private static XElement RetryFlow(string name, string fallbackExtension) =>
        new("flow", new XAttribute("name", name), new XAttribute("start", "pick"), new XAttribute("language", "en"),
            new XElement("menu", new XAttribute("id", "pick"), new XAttribute("prompts", "t-menu"),
                new XAttribute("timeout", (int)RetryTimeout.TotalSeconds), new XAttribute("retries", RetryCount),
                new XAttribute("invalidPrompts", "t-invalid"), new XAttribute("timeoutPrompts", "t-timeout"), new XAttribute("fallback", "operator"),
                new XElement("choice", new XAttribute("digit", "9"), new XAttribute("next", "desk"))),
            new XElement("extension", new XAttribute("id", "desk"), new XAttribute("number", "4722")),
            new XElement("extension", new XAttribute("id", "operator"), new XAttribute("number", fallbackExtension)));

    /// <summary>No key at all: the menu times out three times (once, then after each of its two retries, each retry
    /// preceded by the timeout prompt) and the flow takes its fallback to 4721. The fallback phone's INVITE comes no
    /// sooner after the caller's 200 than the prompts and timeouts add up to (so every timeout prompt played in full),
    /// and not much later.</summary>
    [Test]
    public async Task AnIvrMenuWithoutAKeyTimesOutRetriesAsConfiguredAndTakesItsFallback()
    {
        var phone = await StartCalleeAsync("4721", "call_uas_hangs_up.xml");

        var caller = await RunCallerAsync("call_uac_ivr_silent.xml", "4725", "4720");

        AssertSipp(caller, 1);
        var ringing = await phone.FinishAsync();
        AssertSipp(ringing, 1);
        Assert.That(ringing.Messages, Does.Contain("INVITE sip:4721@"));
        var elapsed = SippReceived(ringing.Messages, "INVITE sip:4721@") - SippReceived(caller.Messages, "SIP/2.0 200");
        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"from the caller's 200 to the fallback's INVITE: {elapsed.TotalSeconds:F3} s (prompts and timeouts add up to {RetryFallbackAfter.TotalSeconds:F3} s)"));
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(RetryFallbackAfter - TimeSpan.FromMilliseconds(50)), "every timeout and every prompt ran its length");
        // One retry too many would add 2.4 s; the slack below that is for a loaded machine's timers.
        Assert.That(elapsed, Is.LessThan(RetryFallbackAfter + TimeSpan.FromSeconds(2)), "no extra retry");

        var id = await IvrCallIdAsync("4725", "4720");
        await ServerLogAsync($"IVR {id}: pick failed {RetryCount + 1} times; going to operator");
        var log = LogFiles.Read(_install.LogFolder);
        Assert.That(Regex.Count(log, $"IVR {Regex.Escape(id)}: no input at pick in time"), Is.EqualTo(RetryCount + 1));
        Assert.That(log, Does.Not.Contain($"IVR {id}: invalid input"));
        await ServerLogAsync($"Call {id}: leaves the IVR for extension 4721");

        // Billing starts when the server answered the caller, not when 4721 did; 4721 is who answered.
        var record = await CdrAsync(id);
        var start = record.GetProperty("startUtc").GetDateTimeOffset();
        var answer = record.GetProperty("answerUtc").GetDateTimeOffset();
        Assert.That(answer - start, Is.LessThan(TimeSpan.FromSeconds(1)), "the IVR answers at once");
        Assert.That(record.GetProperty("answeredBy").GetString(), Is.EqualTo("4721"));
        Assert.That(record.GetProperty("billsec").GetInt64(), Is.GreaterThanOrEqualTo((long)RetryFallbackAfter.TotalSeconds), "the time in the IVR is billed");
        Assert.That(record.GetProperty("disposition").GetString(), Is.EqualTo("ANSWERED"));
    }

    /// <summary>A wrong key (1) first: the menu says so and is offered again, and the right key (9) on that retry
    /// reaches extension 4722, not the fallback.</summary>
    [Test]
    public async Task AWrongKeyThenARightOneOnTheIvrMenusRetryReachesTheExtensionOfTheRightOne()
    {
        var phone = await StartCalleeAsync("4722", "call_uas_hangs_up.xml");

        var caller = await RunCallerAsync("call_uac_ivr_retry.xml", "4726", "4720");

        AssertSipp(caller, 1);
        var ringing = await phone.FinishAsync();
        AssertSipp(ringing, 1);
        Assert.That(ringing.Messages, Does.Contain("INVITE sip:4722@"));
        var elapsed = SippReceived(ringing.Messages, "INVITE sip:4722@") - SippReceived(caller.Messages, "SIP/2.0 200");
        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"from the caller's 200 to 4722's INVITE: {elapsed.TotalSeconds:F3} s"));

        var id = await IvrCallIdAsync("4726", "4720");
        await ServerLogAsync($"IVR {id}: invalid input '1' at pick");
        await ServerLogAsync($"Call {id}: DTMF '9' from the caller");
        await ServerLogAsync($"Call {id}: leaves the IVR for extension 4722");
        var log = LogFiles.Read(_install.LogFolder);
        Assert.That(log, Does.Not.Contain($"IVR {id}: no input at pick"), "the retry was answered in time");
        Assert.That(log, Does.Not.Contain($"IVR {id}: pick failed"));

        // The flow's variables went on the call's record as it left the IVR.
        await CdrAsync(id);
        var events = (await _server.Web.GetFromJsonAsync<JsonElement[]>($"/api/cdr/{id}/events"))!;
        var variables = events.Single(e => e.GetProperty("eventType").GetString() == "USER_DEFINED").GetProperty("extra").GetString()!;
        using var extra = JsonDocument.Parse(variables);
        Assert.That(extra.RootElement.GetProperty("userdeftype").GetString(), Is.EqualTo("IVR"));
        Assert.That(extra.RootElement.GetProperty("to").GetString(), Is.EqualTo("extension 4722"));
        Assert.That(extra.RootElement.GetProperty("variables").GetProperty("caller").GetString(), Is.EqualTo("4726"));
        Assert.That(extra.RootElement.GetProperty("variables").GetProperty("called").GetString(), Is.EqualTo("4720"));
    }

    /// <summary>Three wrong keys (1, 2, 3) use up the menu's two retries: the flow takes its fallback to 4724 at the
    /// third, without waiting for any timeout.</summary>
    [Test]
    public async Task WrongKeysBeyondTheRetriesTakeTheIvrMenusFallback()
    {
        var phone = await StartCalleeAsync("4724", "call_uas_hangs_up.xml");

        var caller = await RunCallerAsync("call_uac_ivr_invalid3.xml", "4727", "4723");

        AssertSipp(caller, 1);
        var ringing = await phone.FinishAsync();
        AssertSipp(ringing, 1);
        Assert.That(ringing.Messages, Does.Contain("INVITE sip:4724@"));
        var elapsed = SippReceived(ringing.Messages, "INVITE sip:4724@") - SippReceived(caller.Messages, "SIP/2.0 200");
        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"from the caller's 200 to the fallback's INVITE: {elapsed.TotalSeconds:F3} s"));
        Assert.That(elapsed, Is.LessThan(RetryFallbackAfter), "the wrong keys, not the timeouts, used up the retries");

        var id = await IvrCallIdAsync("4727", "4723");
        await ServerLogAsync($"IVR {id}: pick failed {RetryCount + 1} times; going to operator");
        var log = LogFiles.Read(_install.LogFolder);
        foreach (var key in "123")
        {
            Assert.That(log, Does.Contain($"IVR {id}: invalid input '{key}' at pick"));
        }

        Assert.That(log, Does.Not.Contain($"IVR {id}: no input at pick"));
        await ServerLogAsync($"Call {id}: leaves the IVR for extension 4724");
    }

    /// <summary>The unique id of the call from <paramref name="caller"/> that entered the flow of <paramref name="number"/>.</summary>
    private async Task<string> IvrCallIdAsync(string caller, string number)
    {
        var line = await ServerLogAsync($": {caller} enters the IVR flow of {number}");
        var match = Regex.Match(LogFiles.Read(_install.LogFolder), $@"Call (\S+): {caller} enters the IVR flow of {number}\b");
        Assert.That(match.Success, Is.True, line);
        return match.Groups[1].Value;
    }

    /// <summary>When SIPp (its -trace_msg file) received the first message that starts with <paramref name="firstLine"/>.
    /// Each message there follows a line of dashes and the local time to the microsecond; both peers run on this
    /// machine, so their times compare.</summary>
    private static DateTime SippReceived(string messages, string firstLine)
    {
        var match = Regex.Match(
            messages,
            @"^-{20,} (?<time>\d{4}-\d{2}-\d{2}[ \t]\d{2}:\d{2}:\d{2}\.\d{6})\s*\n[^\n]*message received[^\n]*\n\s*\n" + Regex.Escape(firstLine),
            RegexOptions.Multiline);
        Assert.That(match.Success, Is.True, $"no '{firstLine}' received in\n{messages}");
        return DateTime.ParseExact(match.Groups["time"].Value.Replace('\t', ' '), "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
    }

    /// <summary>A sine tone as an 8 kHz 16-bit mono PCM WAV (the prompt library's format), at about −12 dBFS.</summary>
    private static void WriteTone(string path, TimeSpan length, int frequency)
    {
        var samples = (int)(length.TotalSeconds * 8000);
        var file = new byte[44 + samples * 2];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), file.Length - 8);
        "WAVEfmt "u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), 8000);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(28), 16000);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(34), 16);
        "data"u8.CopyTo(file.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(40), samples * 2);
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(8000 * Math.Sin(2 * Math.PI * frequency * i / 8000));
            BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(44 + i * 2), value);
        }

        File.WriteAllBytes(path, file);
    }
}
