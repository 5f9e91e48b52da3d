using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Net.Http.Json;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

// Transfers through the real server with real phones: a blind transfer among three baresip instances (baresip's
// /transfer sends REFER), and an attended transfer whose transferor is SIPp (baresip 1.0.0 has no Replaces), the
// transferee and the target baresip instances that must then hear each other.
public sealed partial class CallInteropTests
{
    /// <summary>A (4300) calls B (4301); B transfers A to C (4302) with REFER; C answers by itself; A and C hear
    /// each other's tones; B's call ends; the CEL records the transfer.</summary>
    [Test]
    public async Task ABlindTransferByBaresipConnectsTheCallerToTheTargetAndTheyHearEachOther()
    {
        var before = await CallsAsync();
        var toneA = _work.Combine("tone-a-1000.wav");
        var toneB = _work.Combine("tone-b-300.wav");
        var toneC = _work.Combine("tone-c-400.wav");
        // C's tone is the shortest of what is left once C answers: when it runs out C hangs up and ends the call.
        await MakeToneAsync(toneA, 1000, 20);
        await MakeToneAsync(toneB, 300, 20);
        await MakeToneAsync(toneC, 400, 5);
        var recordingsA = Directory.CreateDirectory(_work.Combine("recorded-4300")).FullName;
        var recordingsB = Directory.CreateDirectory(_work.Combine("recorded-4301")).FullName;
        var recordingsC = Directory.CreateDirectory(_work.Combine("recorded-4302")).FullName;

        await using var phoneC = Baresip.Start(
            new Baresip.Account("4302", "secret-4302", _install.SipPort, Parameters: ";answermode=auto"), TimeSpan.FromSeconds(45), new Baresip.Audio(toneC, recordingsC));
        await using var phoneB = Baresip.Start(
            new Baresip.Account("4301", "secret-4301", _install.SipPort, Parameters: ";answermode=auto"), TimeSpan.FromSeconds(45), new Baresip.Audio(toneB, recordingsB));
        await using var phoneA = Baresip.Start(
            new Baresip.Account("4300", "secret-4300", _install.SipPort), TimeSpan.FromSeconds(45), new Baresip.Audio(toneA, recordingsA));
        await phoneC.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        await phoneB.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        await phoneA.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));

        await phoneA.SendCommandAsync($"/dial sip:4301@127.0.0.1:{SipPort}");
        await phoneB.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(15));
        await phoneA.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await phoneB.SendCommandAsync("/transfer 4302");

        await phoneC.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(15));
        await phoneB.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(15));
        // C hangs up when its 5 s of tone run out; A gets the server's BYE.
        await phoneC.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(20));
        await phoneA.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(15));

        var after = await SettledCallsAsync(before.Completed + 1);
        Assert.That(after.Active, Is.Zero);
        var id = await CallIdAsync("4300", "4301");
        await ServerLogAsync($"Call {id}: {id}-B transfers {id}-A to 4302");
        await ServerLogAsync($"Call {id}: transferred, {id}-A now with {id}-C");
        await CdrAsync(id);
        var events = (await _server.Web.GetFromJsonAsync<System.Text.Json.JsonElement[]>($"/api/cdr/{id}/events"))!
            .Select(e => e.GetProperty("eventType").GetString() + " " + e.GetProperty("legId").GetString()).ToArray();
        await TestContext.Out.WriteLineAsync(string.Join("\n", events));
        Assert.That(events, Does.Contain($"BLINDTRANSFER {id}-B"));
        Assert.That(events, Does.Contain($"ANSWER {id}-C"));

        // What C decoded is A's tone; the end of what A decoded (after B's 300 Hz) is C's.
        await AssertHeardAsync(recordingsC, recordingsA, 1000);
        await AssertHeardAsync(recordingsA, recordingsC, 400, lastSeconds: 2.5);
        foreach (var phone in new[] { phoneA, phoneB, phoneC })
        {
            Assert.That(await phone.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, phone.Output);
        }
    }

    /// <summary>The transferor is SIPp (4401): its consultation call to C (4402, baresip) first, then a call to A
    /// (4400, baresip) and REFER on it with Replaces naming the consultation call. The server joins A and C, ends both
    /// of the transferor's calls, and A and C hear each other's tones.</summary>
    [Test]
    public async Task AnAttendedTransferBySippJoinsTwoBaresipPhonesThatThenHearEachOther()
    {
        var before = await CallsAsync();
        var toneA = _work.Combine("tone-att-a-1000.wav");
        var toneC = _work.Combine("tone-att-c-400.wav");
        // C's tone runs out first (it started with the consultation call): C then hangs up and the call ends.
        await MakeToneAsync(toneA, 1000, 25);
        await MakeToneAsync(toneC, 400, 9);
        var recordingsA = Directory.CreateDirectory(_work.Combine("recorded-4400")).FullName;
        var recordingsC = Directory.CreateDirectory(_work.Combine("recorded-4402")).FullName;
        await using var phoneA = Baresip.Start(
            new Baresip.Account("4400", "secret-4400", _install.SipPort, Parameters: ";answermode=auto"), TimeSpan.FromSeconds(50), new Baresip.Audio(toneA, recordingsA));
        await using var phoneC = Baresip.Start(
            new Baresip.Account("4402", "secret-4402", _install.SipPort, Parameters: ";answermode=auto"), TimeSpan.FromSeconds(50), new Baresip.Audio(toneC, recordingsC));
        await phoneA.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        await phoneC.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));

        var consult = StartTransferorCall("transfer_consult_uac.xml", "consult", "4402");
        var replaces = await WaitForReplacesAsync(consult);
        await phoneC.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(15));
        var transfer = StartTransferorCall("transfer_attended_uac.xml", "refer", "4400", "4402;" + Uri.EscapeDataString(replaces));

        var referRun = await transfer.FinishAsync();
        AssertSipp(referRun, 1);
        Assert.That(referRun.Log, Does.Contain("notified SIP/2.0 100 Trying"));
        Assert.That(referRun.Log, Does.Contain("notified SIP/2.0 200 OK, subscription terminated"));
        AssertSipp(await consult.FinishAsync(), 1);
        await phoneA.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(5));
        // C hangs up when its tone runs out; A gets the server's BYE.
        await phoneC.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(20));
        await phoneA.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(15));

        var after = await SettledCallsAsync(before.Completed + 2);
        Assert.That(after.Active, Is.Zero);
        Assert.That(after.Completed - before.Completed, Is.EqualTo(2), "the consultation call and the joined call");
        var id = await CallIdAsync("4401", "4400");
        await ServerLogAsync($"Call {id}: transferred, {id}-B now with {id}-C");
        await CdrAsync(id);
        var events = (await _server.Web.GetFromJsonAsync<System.Text.Json.JsonElement[]>($"/api/cdr/{id}/events"))!
            .Select(e => e.GetProperty("eventType").GetString() + " " + e.GetProperty("legId").GetString()).ToArray();
        await TestContext.Out.WriteLineAsync(string.Join("\n", events));
        Assert.That(events, Does.Contain($"ATTENDEDTRANSFER {id}-A"));
        Assert.That(events, Does.Contain($"BRIDGE_ENTER {id}-C"));

        // Each phone heard silence from the SIPp transferor first, then the other phone.
        await AssertHeardAsync(recordingsC, recordingsA, 1000, lastSeconds: 2.5);
        await AssertHeardAsync(recordingsA, recordingsC, 400, lastSeconds: 2.5);
        Assert.That(await phoneA.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, phoneA.Output);
        Assert.That(await phoneC.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, phoneC.Output);
    }

    /// <summary>A SIPp caller (the transferor 4401 unless told), in the background: fields 0-2 as the other callers',
    /// then <paramref name="extraFields"/> (';'-separated: SIPp's injection file has no escape for ';').</summary>
    private Callee StartTransferorCall(string scenario, string name, string callee, string extraFields = "", string caller = "4401", bool echo = false)
    {
        var injection = _work.Combine($"transferor-{name}.csv");
        File.WriteAllText(injection, $"SEQUENTIAL\n{caller};{callee};[authentication username={caller} password=secret-{caller}];{extraFields}\n");
        var logFile = _work.Combine($"transferor-{name}.log");
        var messageFile = _work.Combine($"transferor-{name}.messages");
        var (sipPort, mediaPort) = SippPorts();
        return new Callee(
            [$"127.0.0.1:{SipPort}", "-sf", ScenarioPath(scenario), "-inf", injection, "-i", "127.0.0.1",
             "-p", sipPort.ToString(CultureInfo.InvariantCulture), "-mp", mediaPort.ToString(CultureInfo.InvariantCulture),
             "-m", "1", "-nostdin", "-timeout", $"{(int)PeerLimit.TotalSeconds - 5}s", "-timeout_error",
             "-trace_logs", "-log_file", logFile, "-trace_msg", "-message_file", messageFile, .. (echo ? new[] { "-rtp_echo" } : [])],
            logFile,
            messageFile,
            _work.Path);
    }

    /// <summary>The consultation call's dialog as the transferor logged it once the target answered.</summary>
    private async Task<string> WaitForReplacesAsync(Callee consult, string name = "consult")
    {
        var log = _work.Combine($"transferor-{name}.log");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (File.Exists(log) && ReplacesLine().Match(await File.ReadAllTextAsync(log)) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }

            if (consult.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        var run = await consult.FinishAsync();
        Assert.Fail($"the consultation call never logged its dialog\n{run.Result.Output}{run.Result.Error}\n{run.Messages}");
        return string.Empty;
    }

    [GeneratedRegex(@"replaces (\S+;to-tag=\S+;from-tag=\S+)")]
    private static partial Regex ReplacesLine();

    /// <summary>A (4500) calls B (4501), which rings; C (4502) dials **4501 (directed pickup): B stops ringing, A and
    /// C are connected and hear each other's tones.</summary>
    [Test]
    public async Task ADirectedPickupByBaresipConnectsThePickerToTheRingingCaller()
    {
        var before = await CallsAsync();
        var toneA = _work.Combine("tone-pick-a-1000.wav");
        var toneC = _work.Combine("tone-pick-c-400.wav");
        await MakeToneAsync(toneA, 1000, 25);
        await MakeToneAsync(toneC, 400, 5);
        var recordingsA = Directory.CreateDirectory(_work.Combine("recorded-4500")).FullName;
        var recordingsC = Directory.CreateDirectory(_work.Combine("recorded-4502")).FullName;
        await using var phoneB = Baresip.Start(new Baresip.Account("4501", "secret-4501", _install.SipPort), TimeSpan.FromSeconds(45));
        await using var phoneA = Baresip.Start(
            new Baresip.Account("4500", "secret-4500", _install.SipPort), TimeSpan.FromSeconds(45), new Baresip.Audio(toneA, recordingsA));
        await using var phoneC = Baresip.Start(
            new Baresip.Account("4502", "secret-4502", _install.SipPort), TimeSpan.FromSeconds(45), new Baresip.Audio(toneC, recordingsC));
        await phoneB.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        await phoneA.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        await phoneC.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));

        await phoneA.SendCommandAsync($"/dial sip:4501@127.0.0.1:{SipPort}");
        var id = await CallIdAsync("4500", "4501");
        await phoneA.WaitForOutputAsync("180 Ringing", TimeSpan.FromSeconds(10));
        await phoneC.SendCommandAsync($"/dial sip:**4501@127.0.0.1:{SipPort}");

        await phoneA.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(15));
        await phoneC.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(15));
        await phoneB.WaitForOutputAsync("CANCEL sip:", TimeSpan.FromSeconds(10));
        // C hangs up when its 5 s of tone run out; A gets the server's BYE.
        await phoneC.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(20));
        await phoneA.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(15));

        var after = await SettledCallsAsync(before.Completed + 2);
        Assert.That(after.Active, Is.Zero);
        Assert.That(after.Completed - before.Completed, Is.EqualTo(2), "the picked-up call and the picker's call");
        await ServerLogAsync($"4502 picks up call {id}");
        await AssertHeardAsync(recordingsC, recordingsA, 1000, lastSeconds: 2.5);
        await AssertHeardAsync(recordingsA, recordingsC, 400, lastSeconds: 2.5);
        foreach (var phone in new[] { phoneA, phoneB, phoneC })
        {
            Assert.That(await phone.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, phone.Output);
        }
    }

    /// <summary>RFC 3891 §3 with real peers: SIPp (4600) calls C (4601, baresip); another SIPp (4602) sends an
    /// INVITE whose Replaces names the first SIPp's dialog. The first SIPp gets BYE, C is re-INVITEd onto the new
    /// call's relay and hears its own tone echoed back by the second SIPp.</summary>
    [Test]
    public async Task AnInviteWithReplacesFromSippTakesOverABaresipPhonesCall()
    {
        var toneC = _work.Combine("tone-rep-c-400.wav");
        await MakeToneAsync(toneC, 400, 7);
        var recordingsC = Directory.CreateDirectory(_work.Combine("recorded-4601")).FullName;
        await using var phoneC = Baresip.Start(
            new Baresip.Account("4601", "secret-4601", _install.SipPort, Parameters: ";answermode=auto"), TimeSpan.FromSeconds(45), new Baresip.Audio(toneC, recordingsC));
        await phoneC.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));

        var first = StartTransferorCall("transfer_consult_uac.xml", "replaced", "4601", caller: "4600");
        var replaces = await WaitForReplacesAsync(first, "replaced");
        await phoneC.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(15));
        // replaces is "CALL-ID;to-tag=T;from-tag=F": fields 3 to 5 once split on ';', put back together by the scenario.
        var parts = replaces.Split(';');
        var second = StartTransferorCall("replaces_uac.xml", "replacing", "4601", $"{parts[0]};{parts[1]["to-tag=".Length..]};{parts[2]["from-tag=".Length..]}", caller: "4602", echo: true);

        AssertSipp(await first.FinishAsync(), 1);
        // C hangs up when its tone runs out: the second SIPp gets the server's BYE and ends.
        await phoneC.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(20));
        AssertSipp(await second.FinishAsync(), 1);
        await ServerLogAsync($": 4602 replaces dialog {replaces}");
        await AssertHeardAsync(recordingsC, recordingsC, 400, lastSeconds: 2.5);
        Assert.That(await phoneC.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, phoneC.Output);
    }
}
