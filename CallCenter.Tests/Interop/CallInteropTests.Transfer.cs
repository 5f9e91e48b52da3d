using System.Globalization;
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
        await phoneB.WaitForOutputAsync("terminated", TimeSpan.FromSeconds(15));
        // C hangs up when its 5 s of tone run out; A gets the server's BYE.
        await phoneC.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(20));
        await phoneA.WaitForOutputAsync("terminated", TimeSpan.FromSeconds(15));

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
}
