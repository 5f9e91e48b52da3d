using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

// Routing with real peers: two SIPp phones of one extension ringing together (forking), forwards on busy and on no
// answer set through the web API, and do-not-disturb switched on from a phone with *78. Extensions 4010-4015 and
// callers 4110-4115; the fixture's ring timeout is 3 s.
public sealed partial class CallInteropTests
{
    /// <summary>Forking: 4010 has two phones; both get the INVITE, one answers and talks, the other gets a CANCEL.</summary>
    [Test]
    public async Task BothPhonesOfAnExtensionRingTheOneThatAnswersTalksAndTheOtherIsCancelled()
    {
        var answering = await StartCalleeAsync("4010", "call_uas_answer.xml");
        var ringing = await StartCalleeAsync("4010", "call_uas_cancelled.xml", phone: "rings");

        var caller = await RunCallerAsync("call_uac_answered.xml", "4110", "4010");

        // call_uas_cancelled.xml only succeeds on a CANCEL after its 180 and the ACK for its 487.
        await AssertSucceededAsync(answering, caller);
        var ringingRun = await ringing.FinishAsync();
        AssertSipp(ringingRun, 1);
        Assert.That(ringingRun.Messages, Does.Contain("CANCEL sip:"));
        Assert.That(caller.Log, Does.Not.Contain("forwarded 181"));
        var id = await CallIdAsync("4110", "4010");
        var log = LogFiles.Read(_install.LogFolder);
        Assert.That(log.Split('\n').Count(l => l.Contains($"Call {id}: 4110 dialling 4010 at ", StringComparison.Ordinal)), Is.EqualTo(2), "one INVITE per phone");
        await ServerLogAsync($"Call {id}: ended ANSWERED (SIP 200, by caller)");
    }

    /// <summary>Forking with real phones: two baresip instances registered as 4016 both get the INVITE; the one that
    /// answers by itself talks, the other (left ringing) gets a CANCEL, as baresip's SIP trace shows.</summary>
    [Test]
    public async Task TwoBaresipPhonesOfOneExtensionRingTheOneThatAnswersTalksAndTheOtherStopsRinging()
    {
        var tone = _work.Combine("tone-fork.wav");
        await MakeToneAsync(tone, 600, 8);
        await using var answering = Baresip.Start(
            new Baresip.Account("4016", "secret-4016", _install.SipPort, Parameters: ";answermode=auto"),
            TimeSpan.FromSeconds(40), new Baresip.Audio(tone, Directory.CreateDirectory(_work.Combine("fork-answers")).FullName));
        await using var ringing = Baresip.Start(
            new Baresip.Account("4016", "secret-4016", _install.SipPort),
            TimeSpan.FromSeconds(40), new Baresip.Audio(tone, Directory.CreateDirectory(_work.Combine("fork-rings")).FullName));
        await answering.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        await ringing.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));

        var caller = await RunCallerAsync("call_uac_answered.xml", "4116", "4016");

        AssertSipp(caller, 1);
        await answering.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(5));
        // baresip registers a contact of its own making (sip:4016-0x...@), which is the Request-URI it is called at.
        await ringing.WaitForOutputAsync("CANCEL sip:4016-", TimeSpan.FromSeconds(5));
        Assert.That(ringing.Output, Does.Contain("Incoming call from: Caller 4116"), "the second phone was rung too");
        Assert.That(ringing.Output, Does.Contain("SIP/2.0 487 Request Terminated"), "and stopped ringing");
        Assert.That(ringing.Output, Does.Not.Contain("Call established"), ringing.Output);
        var id = await CallIdAsync("4116", "4016");
        var log = LogFiles.Read(_install.LogFolder);
        Assert.That(log.Split('\n').Count(l => l.Contains($"Call {id}: 4116 dialling 4016 at ", StringComparison.Ordinal)), Is.EqualTo(2), "one INVITE per phone");
        await ServerLogAsync($"Call {id}: ended ANSWERED (SIP 200, by caller)");
        Assert.That(await answering.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, answering.Output);
        Assert.That(await ringing.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, ringing.Output);
    }

    /// <summary>Forward on busy, set through the API: 4011's phone answers 486, the call goes to 4012, which answers;
    /// the caller hears 181 first. The CDR keeps the dialled 4011 as dst; the CEL has the forward.</summary>
    [Test]
    public async Task ACallToABusyUserWithForwardBusyIsAnsweredByTheTarget()
    {
        await SetFeaturesAsync("4011", new { forwardBusy = "4012" });
        var busy = await StartCalleeAsync("4011", "call_uas_busy.xml");
        var target = await StartCalleeAsync("4012", "call_uas_answer.xml");

        var caller = await RunCallerAsync("call_uac_answered.xml", "4111", "4011");

        await AssertSucceededAsync(target, caller);
        AssertSipp(await busy.FinishAsync(), 1);
        Assert.That(caller.Log, Does.Contain("forwarded 181"));
        var id = await CallIdAsync("4111", "4011");
        await ServerLogAsync($"Call {id}: forwarded from 4011 to 4012 (busy)");
        var record = await CdrAsync(id);
        Assert.That(record.GetProperty("destination").GetString(), Is.EqualTo("4011"), "dst is what was dialled");
        Assert.That(record.GetProperty("answeredBy").GetString(), Is.EqualTo("4012"));
        Assert.That(record.GetProperty("disposition").GetString(), Is.EqualTo("ANSWERED"));
        var events = await _server.Web.GetFromJsonAsync<JsonElement[]>($"/api/cdr/{id}/events");
        var forward = events!.Single(e => e.GetProperty("eventType").GetString() == "FORWARD");
        Assert.That(forward.GetProperty("extra").GetString(), Does.Contain("\"from\":\"4011\"").And.Contain("\"to\":\"4012\"").And.Contain("\"reason\":\"busy\""));
    }

    /// <summary>Forward on no answer: 4013 rings for the ring timeout (3 s), is cancelled, and 4014 answers.</summary>
    [Test]
    public async Task ACallNobodyAnswersIsForwardedAfterTheRingTimeoutAndTheTargetAnswers()
    {
        await SetFeaturesAsync("4013", new { forwardNoAnswer = "4014" });
        var unanswered = await StartCalleeAsync("4013", "call_uas_cancelled.xml");
        var target = await StartCalleeAsync("4014", "call_uas_answer.xml");

        var caller = await RunCallerAsync("call_uac_answered.xml", "4113", "4013");

        await AssertSucceededAsync(target, caller);
        AssertSipp(await unanswered.FinishAsync(), 1);
        Assert.That(caller.Log, Does.Contain("forwarded 181"));
        var id = await CallIdAsync("4113", "4013");
        await ServerLogAsync($"Call {id}: no answer within 3 s");
        await ServerLogAsync($"Call {id}: forwarded from 4013 to 4014 (noanswer)");
        await ServerLogAsync($"Call {id}: ended ANSWERED (SIP 200, by caller)");
    }

    /// <summary>*78 from a phone: answered and hung up by the server; the API shows DND on, a caller then hears 486
    /// (4015 has no phone registered: without DND it would be 480); the API switches it off again.</summary>
    [Test]
    public async Task DndSwitchedOnWithStar78MakesCallersHearBusyUntilSwitchedOff()
    {
        var code = await RunCallerAsync("call_uac_callee_hangs_up.xml", "4015", "*78");

        AssertSipp(code, 1);
        var features = await _server.Web.GetFromJsonAsync<JsonElement>("/api/extensions/4015/features");
        Assert.That(features.GetProperty("doNotDisturb").GetBoolean(), Is.True);
        Assert.That(features.GetProperty("overrides").GetProperty("doNotDisturb").GetBoolean(), Is.True);

        var refused = await RunCallerAsync("call_uac_refused.xml", "4115", "4015", arguments: ["-key", "expected", "486"]);

        AssertSipp(refused, 1);
        Assert.That(refused.Log, Does.Contain("final 486 expected 486"));
        await ServerLogAsync("4015 dialled feature code DndOn");

        using (var bad = await _server.Web.PutAsJsonAsync("/api/extensions/4015/features", new { forwardBusy = "9999" }))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("9999, which is not an extension"));
        }

        var off = await SetFeaturesAsync("4015", new { doNotDisturb = false });
        Assert.That(off.GetProperty("doNotDisturb").GetBoolean(), Is.False);
        using var reset = await _server.Web.DeleteAsync("/api/extensions/4015/features");
        Assert.That((await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("overrides").GetProperty("doNotDisturb").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    private async Task<JsonElement> SetFeaturesAsync(string extension, object change)
    {
        using var response = await _server.Web.PutAsJsonAsync($"/api/extensions/{extension}/features", change);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
