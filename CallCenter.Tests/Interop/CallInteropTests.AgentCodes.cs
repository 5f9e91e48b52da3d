using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

// Agent feature codes dialled by a SIPp phone against the real server, with the shipped agent alice (number 101,
// PIN 4711) logging in on 4119, a test user that is no agent's home. Needs the ACD hosted and attached to the call
// layer (CallManager.AttachAgentCommands); a server that does not host one yet has no /api/acd/snapshot, and the
// test is inconclusive there rather than wrong.
public sealed partial class CallInteropTests
{
    [Test]
    public async Task AgentCodesFromASippPhoneLogInPauseAndLogOutAndAWrongPinIsForbidden()
    {
        using (var probe = await _server.Web.GetAsync("/api/acd/snapshot"))
        {
            Assume.That(probe.StatusCode, Is.EqualTo(HttpStatusCode.OK), "this server does not host the ACD");
        }

        AssertSipp(await RunCallerAsync("call_uac_callee_hangs_up.xml", "4119", "*31101*4711"), 1);
        var alice = await AgentAsync("alice");
        Assert.That((alice.GetProperty("state").GetString(), alice.GetProperty("extension").GetString()), Is.EqualTo(("available", "4119")));
        await ServerLogAsync("4119 dialled agent code AgentLogin: agent alice Done, now available");
        var id = Regex.Match(LogFiles.Read(_install.LogFolder), @"Call (\S+): 4119 dialled agent code AgentLogin").Groups[1].Value;
        Assert.That((await CdrAsync(id)).GetProperty("destination").GetString(), Is.EqualTo("*31101*XXXX"), "no PIN in the CDR");

        AssertSipp(await RunCallerAsync("call_uac_callee_hangs_up.xml", "4119", "*462"), 1);
        alice = await AgentAsync("alice");
        Assert.That((alice.GetProperty("state").GetString(), alice.GetProperty("reason").GetString()), Is.EqualTo(("not-ready", "lunch")));

        var wrong = await RunCallerAsync("call_uac_refused.xml", "4118", "*31101*0000", arguments: ["-key", "expected", "403"]);
        AssertSipp(wrong, 1);
        Assert.That(wrong.Log, Does.Contain("final 403 expected 403"));
        await ServerLogAsync("Agent login on 4118 refused: wrong PIN or agent number (1 in a row");
        var unknown = await RunCallerAsync("call_uac_refused.xml", "4119", "*469", arguments: ["-key", "expected", "404"]);
        AssertSipp(unknown, 1);
        Assert.That(unknown.Log, Does.Contain("final 404 expected 404"));

        AssertSipp(await RunCallerAsync("call_uac_callee_hangs_up.xml", "4119", "*32"), 1);
        Assert.That((await AgentAsync("alice")).GetProperty("state").GetString(), Is.EqualTo("logged-out"));
    }

    private async Task<JsonElement> AgentAsync(string id)
    {
        var snapshot = await _server.Web.GetFromJsonAsync<JsonElement>("/api/acd/snapshot");
        return snapshot.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
    }
}
