using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

/// <summary>
/// Issue 4's calls through the real server, between peers nobody here wrote. Each callee is a SIPp UAS that first
/// registers from its own port with register.xml and is then started on that port; each caller is a SIPp UAC that
/// authenticates its INVITE (407, MD5). Two baresip phones make a call with real audio both ways. What the peers
/// report (SIPp's verdicts, its check_it regular expressions and logged values, baresip's recordings) is checked
/// against what the server says: GET /api/calls and its log. One server for the fixture; every test uses its own
/// caller and callee extensions (a callee is reached at its first binding, so a binding from an earlier test on a
/// dead port must never be in the way). The tests run one after the other, so the counters' deltas are each test's.
/// </summary>
[NonParallelizable]
public sealed partial class CallInteropTests
{
    private const int PcapPackets = 236;
    private static readonly TimeSpan PeerLimit = TimeSpan.FromSeconds(30);
    private ShippedConfigCopy _install = null!;
    private RunningServer _server = null!;
    private TempFolder _work = null!;

    private string SipPort => _install.SipPort.ToString(CultureInfo.InvariantCulture);

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _install = new ShippedConfigCopy();
        _install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
        {
            foreach (var n in Enumerable.Range(4000, 20).Concat(Enumerable.Range(4100, 20)).Concat([4200, 4201, 4300, 4301, 4302, 4400, 4401, 4402, 4500, 4501, 4502, 4600, 4601, 4602]))
            {
                var user = new XElement("user", new XAttribute("extension", n), new XAttribute("name", "Test " + n), new XAttribute("password", "secret-" + n));
                if (n == StormCaller)
                {
                    user.SetAttributeValue("callLimit", 1);
                }

                doc.Root!.Add(user);
            }
        });
        _install.Edit(ShippedConfigCopy.ConfigurationFile.Main, doc =>
        {
            var root = doc.Root!;
            root.Element("calls")!.SetAttributeValue("ringTimeout", 3);
            // Below the ephemeral range (32768+, where FreePorts finds the peers' ports) and apart from the shipped
            // 20000-30000 and the 40000s of the media tests, so that a server of another fixture never competes.
            var rtp = root.Element("rtp")!;
            rtp.SetAttributeValue("portMin", 31000);
            rtp.SetAttributeValue("portMax", 31999);
            rtp.SetAttributeValue("bindAddress", "127.0.0.1");
            // A SIPp UAS takes an OPTIONS probe for a new call it did not expect and fails: no qualifying here.
            root.Element("sip")!.Element("registrar")!.SetAttributeValue("qualifyInterval", 0);
            // The call layer's Debug lines include the DTMF digits the relay reports; the relay manager's, each
            // relay's packet counts per leg when it closes.
            var logging = root.Element("logging")!;
            logging.Add(new XElement("override", new XAttribute("namespace", "CallCenter.Core.Calls"), new XAttribute("level", "Debug")));
            logging.Add(new XElement("override", new XAttribute("namespace", "CallCenter.Media.Relay.MediaRelayManager"), new XAttribute("level", "Debug")));
        });
        ConfigureQueues(_install);
        ConfigureIvr(_install);
        ConfigureQueueMedia(_install);
        _work = new TempFolder("cc-calls");
        // call_uac_pcap.xml plays pcap/g711a.pcap relative to SIPp's working folder.
        File.CreateSymbolicLink(_work.Combine("pcap"), "/usr/share/sip-tester");
        _server = await RunningServer.StartAsync(_install);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        var code = await _server.StopAsync();
        _install.Dispose();
        _work.Dispose();
        Assert.That(code, Is.EqualTo(0), "the server must survive every call and stop cleanly");
    }

    /// <summary>Cases 1 and 6: a call answered, RTP both ways through the relay, the caller hangs up.</summary>
    [Test]
    public async Task BasicCallRelaysPcapAudioBothWaysWithTranscodingAndTheCallerHangsUp()
    {
        var before = await CallsAsync();
        var callee = await StartCalleeAsync("4000", "call_uas_answer.xml", echo: true);

        var caller = await RunCallerAsync("call_uac_pcap.xml", "4100", "4000");

        await AssertSucceededAsync(callee, caller);
        var after = await SettledCallsAsync(before.Completed + 1);
        var id = await CallIdAsync("4100", "4000");
        await ServerLogAsync($"Call {id}: ended ANSWERED (SIP 200, by caller)");
        Assert.That(after.Completed - before.Completed, Is.EqualTo(1));

        // The caller sends the pcap (PCMA) to leg A; the relay transcodes it for leg B (the callee answered PCMU);
        // the callee echoes it; the relay transcodes it back. Every packet in goes out, in both directions.
        var packetsIn = after.Media.Totals.PacketsIn - before.Media.Totals.PacketsIn;
        var packetsOut = after.Media.Totals.PacketsOut - before.Media.Totals.PacketsOut;
        await TestContext.Out.WriteLineAsync($"relayed: {packetsIn} packets in, {packetsOut} out");
        var relays = string.Join('\n', LogFiles.Read(_install.LogFolder).Split('\n').Where(l => l.Contains(": Relay ", StringComparison.Ordinal)));
        var diagnosis = $"{relays}\n--- caller ---\n{caller.Result.Output}\n{caller.Messages}";
        Assert.That(packetsIn, Is.EqualTo(packetsOut), "every packet received on one leg was sent on the other\n" + diagnosis);
        Assert.That(packetsIn, Is.GreaterThanOrEqualTo(PcapPackets * 3 / 2), "the pcap's packets came in on A and their echo on B\n" + diagnosis);
        // The echo carries the payload type the relay sent to B; had it not rewritten PCMA as PCMU, B would see
        // payload type 8 where it negotiated 0 and count it unexpected.
        Assert.That(after.Media.Totals.UnexpectedPayloadType - before.Media.Totals.UnexpectedPayloadType, Is.Zero);
        Assert.That(after.Media.Totals.Garbage - before.Media.Totals.Garbage, Is.Zero);
        Assert.That(after.Media.Totals.ForeignSource - before.Media.Totals.ForeignSource, Is.Zero);
        Assert.That(after.Media.Totals.NotForwarded - before.Media.Totals.NotForwarded, Is.Zero);
        Assert.That(after.Media.ActiveRelays, Is.Zero, "the relay is closed with the call");

        // The call's CDR row and its events, as an Asterisk admin reads them; no report was dropped on the way.
        Assert.That((after.Records.Dropped, after.Records.Capacity), Is.EqualTo((0L, 100_000)));
        var record = await CdrAsync(id);
        Assert.That(record.GetProperty("disposition").GetString(), Is.EqualTo("ANSWERED"));
        Assert.That(record.GetProperty("source").GetString(), Is.EqualTo("4100"));
        Assert.That(record.GetProperty("destination").GetString(), Is.EqualTo("4000"));
        Assert.That(record.GetProperty("hangupBy").GetString(), Is.EqualTo("caller"));
        Assert.That(record.GetProperty("hangupCause").GetInt32(), Is.EqualTo(16), "Q.850 normal clearing");
        Assert.That(record.GetProperty("billsec").GetInt32(), Is.InRange(6, 9), "the caller hangs up 7.5 s after the answer");
        var events = await _server.Web.GetFromJsonAsync<System.Text.Json.JsonElement[]>($"/api/cdr/{id}/events");
        Assert.That(events!.Select(e => e.GetProperty("eventType").GetString()), Is.EqualTo(new[] { "CHAN_START", "RING", "ANSWER", "BRIDGE_ENTER", "HANGUP" }));
    }

    /// <summary>Case 2: the caller cancels after the 180; the callee's INVITE is cancelled too.</summary>
    [Test]
    public async Task CallerCancelAfterRingingGets487AndTheCalleeSeesTheCancel()
    {
        var callee = await StartCalleeAsync("4001", "call_uas_cancelled.xml");

        var caller = await RunCallerAsync("call_uac_cancel.xml", "4101", "4001");

        // call_uac_cancel.xml only succeeds on 200 for its CANCEL and 487 for its INVITE; call_uas_cancelled.xml
        // only on a CANCEL after its 180, and on the ACK for its 487.
        await AssertSucceededAsync(callee, caller);
        var id = await CallIdAsync("4101", "4001");
        // Asterisk's dispositions have no CANCEL: a caller who hangs up while it rings is NO ANSWER (cause 16).
        await ServerLogAsync($"Call {id}: ended NO ANSWER (SIP 487, by caller)");
    }

    /// <summary>RFC 6026 §7.2 with a real peer: a callee that retransmits its 200 after the call ended, more than 2 s
    /// after the 200 (when the server keeps the INVITE's transaction only in its lingering store), gets the ACK again
    /// and no second BYE.</summary>
    [Test]
    public async Task ACalleesLate2xxRetransmissionIsAckedAgainAfterTheCallEnded()
    {
        var callee = await StartCalleeAsync("4017", "call_uas_late_2xx.xml");

        var caller = await RunCallerAsync("call_uac_answered.xml", "4117", "4017");

        // call_uas_late_2xx.xml waits 5 s for the ACK of its late 200 and fails on a BYE after it.
        await AssertSucceededAsync(callee, caller);
        var run = await callee.FinishAsync();
        Assert.That(Regex.Matches(run.Messages, @"^ACK sip:", RegexOptions.Multiline), Has.Count.EqualTo(2), "one ACK for the 200, one for its late retransmission");
        Assert.That(Regex.Matches(run.Messages, @"^BYE sip:", RegexOptions.Multiline), Has.Count.EqualTo(1));
    }

    /// <summary>Case 3: the callee is busy.</summary>
    [Test]
    public async Task CalleeBusy486ReachesTheCallerAs486()
    {
        var callee = await StartCalleeAsync("4002", "call_uas_busy.xml");

        var caller = await RunCallerAsync("call_uac_refused.xml", "4102", "4002", arguments: ["-key", "expected", "486"]);

        await AssertSucceededAsync(callee, caller);
        Assert.That(caller.Log, Does.Contain("final 486 expected 486"));
        var id = await CallIdAsync("4102", "4002");
        await ServerLogAsync($"Call {id}: ended BUSY (SIP 486");
    }

    /// <summary>Case 4: nobody answers; after ringTimeout (3 s here) the caller hears 480 and the callee is cancelled.</summary>
    [Test]
    public async Task NoAnswerWithinTheRingTimeoutGives480AndCancelsTheCallee()
    {
        var callee = await StartCalleeAsync("4003", "call_uas_cancelled.xml");

        var clock = Stopwatch.StartNew();
        var caller = await RunCallerAsync("call_uac_refused.xml", "4103", "4003", arguments: ["-key", "expected", "480"]);
        var elapsed = clock.Elapsed;
        await TestContext.Out.WriteLineAsync($"480 after {elapsed.TotalSeconds:F2} s");

        await AssertSucceededAsync(callee, caller);
        Assert.That(caller.Log, Does.Contain("final 480 expected 480"));
        // The whole caller run: start, 407 round, then 3 s of ringing (the timer starts when the callee is invited).
        Assert.That(elapsed, Is.InRange(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5)), "the ring timeout decides when the caller hears 480");
        var id = await CallIdAsync("4103", "4003");
        await ServerLogAsync($"Call {id}: no answer within 3 s");
        await ServerLogAsync($"Call {id}: ended NO ANSWER (SIP 480");
    }

    /// <summary>Case 5: the callee hangs up; the server sends BYE to the caller, which answers it.</summary>
    [Test]
    public async Task CalleeByeReachesTheCallerAsBye()
    {
        var callee = await StartCalleeAsync("4004", "call_uas_hangs_up.xml");

        var caller = await RunCallerAsync("call_uac_callee_hangs_up.xml", "4104", "4004");

        await AssertSucceededAsync(callee, caller);
        var id = await CallIdAsync("4104", "4004");
        await ServerLogAsync($"Call {id}: ended ANSWERED (SIP 200, by callee)");
    }

    /// <summary>A late offer (INVITE without SDP): our offer goes in the 200, the caller's answer comes in the ACK.</summary>
    [Test]
    public async Task ALateOfferIsAnsweredWithOurOfferInThe200AndTheAnswerTakenFromTheAck()
    {
        var callee = await StartCalleeAsync("4008", "call_uas_answer_late_offer.xml");

        var caller = await RunCallerAsync("call_uac_late_offer.xml", "4108", "4008");

        // call_uac_late_offer.xml fails unless the 200 carries an audio offer with PCMU or PCMA.
        await AssertSucceededAsync(callee, caller);
        Assert.That(caller.Log, Does.Contain("late offer answered with"));
        var id = await CallIdAsync("4108", "4008");
        await ServerLogAsync($"Call {id}: ended ANSWERED (SIP 200, by caller)");
    }

    /// <summary>Case 7: hold and resume from the caller are answered on the caller's leg and relayed to the callee
    /// with re-INVITEs of the server's own (a=sendonly, then a=sendrecv); the CEL has HOLD and UNHOLD.</summary>
    [Test]
    public async Task CallerHoldAndResumeAreAnsweredOnItsLegAndRelayedToTheCalleeAsReInvites()
    {
        var callee = await StartCalleeAsync("4005", "call_uas_held.xml");

        var caller = await RunCallerAsync("call_uac_hold.xml", "4105", "4005");

        // call_uac_hold.xml checks the answers' direction attributes itself (check_it); call_uas_held.xml fails
        // unless the server's re-INVITEs come, the first holding (sendonly or inactive), the second sendrecv.
        await AssertSucceededAsync(callee, caller);
        Assert.That(caller.Log, Does.Contain("hold answered with a=recvonly"));
        Assert.That(caller.Log, Does.Contain("resume answered with a=sendrecv"));
        var calleeRun = await callee.FinishAsync();
        Assert.That(calleeRun.Log, Does.Contain("held with a=sendonly"));
        Assert.That(calleeRun.Log, Does.Contain("resumed with a=sendrecv"));
        var id = await CallIdAsync("4105", "4005");
        await ServerLogAsync($"Call {id}: ended ANSWERED (SIP 200, by caller)");
        await CdrAsync(id);
        var events = await _server.Web.GetFromJsonAsync<System.Text.Json.JsonElement[]>($"/api/cdr/{id}/events");
        Assert.That(events!.Select(e => e.GetProperty("eventType").GetString()), Is.EqualTo(new[] { "CHAN_START", "RING", "ANSWER", "BRIDGE_ENTER", "HOLD", "UNHOLD", "HANGUP" }));
    }

    /// <summary>Case 8: an offer of G.729 only is refused 488 before the callee is called.</summary>
    [Test]
    public async Task NoCommonCodecGets488AndTheCalleeIsNeverCalled()
    {
        // The callee is registered and listening for 2 s, long enough for an INVITE to reach it if one were sent.
        var callee = await StartCalleeAsync("4006", "call_uas_answer.xml", life: TimeSpan.FromSeconds(2));

        var caller = await RunCallerAsync("call_uac_g729.xml", "4106", "4006");

        AssertSipp(caller, 1);
        var calleeRun = await callee.FinishAsync();
        Assert.That(calleeRun.Result.TimedOut, Is.False);
        Assert.That(calleeRun.Result.Output, Does.Match(@"Incoming calls created\s+\|\s+\d+\s+\|\s+0\b"), "the callee saw no call");
        Assert.That(calleeRun.Messages, Does.Not.Contain("INVITE"));
        var log = LogFiles.Read(_install.LogFolder);
        Assert.That(log, Does.Not.Contain("4106 dialling 4006"));
        Assert.That(log, Does.Contain("no codec in common with the caller: audio offered as G729/8000"));
    }

    /// <summary>Case 9: a caller with callLimit 1 places two calls at once; the second is refused 503 + Retry-After.</summary>
    [Test]
    public async Task CallsOverTheCallersLimitGet503WithRetryAfter()
    {
        var before = await CallsAsync();
        var callee = await StartCalleeAsync("4007", "call_uas_answer.xml");

        // -l 2 at 10 calls/s: the second INVITE comes 100 ms after the first, while the first call is held 3 s.
        var caller = await RunCallerAsync("call_uac_storm.xml", StormCaller.ToString(CultureInfo.InvariantCulture), "4007", calls: 2, arguments: ["-l", "2", "-r", "10"]);

        await AssertSucceededAsync(callee, caller, calls: 2);
        var outcomes = caller.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(outcomes.Count(o => o == "answered"), Is.EqualTo(1), caller.Log);
        var refused = outcomes.Where(o => o.StartsWith("refused 503", StringComparison.Ordinal)).ToArray();
        Assert.That(refused, Has.Length.EqualTo(1), caller.Log);
        var retryAfter = RetryAfter().Match(refused[0]);
        Assert.That(retryAfter.Success, Is.True, refused[0]);
        Assert.That(int.Parse(retryAfter.Groups[1].Value, CultureInfo.InvariantCulture), Is.GreaterThan(0));
        var after = await SettledCallsAsync(before.Completed + 1);
        Assert.That(after.RejectedOverload - before.RejectedOverload, Is.EqualTo(1));
        Assert.That(after.Completed - before.Completed, Is.EqualTo(1), "a refused INVITE never becomes a call");
    }

    /// <summary>Case 10: two baresip phones call each other through the server with real audio, PCMA on one leg
    /// and PCMU on the other; each side's recording holds the other side's tone; a DTMF digit crosses.</summary>
    [Test]
    public async Task TwoBaresipPhonesHearEachOthersTonesThroughTheTranscodingRelay()
    {
        var before = await CallsAsync();
        var callerTone = _work.Combine("tone-1000.wav");
        var calleeTone = _work.Combine("tone-400.wav");
        // The caller's tone is the shorter: when it runs out baresip hangs up, so the caller ends the call.
        await MakeToneAsync(callerTone, 1000, 3);
        await MakeToneAsync(calleeTone, 400, 6);
        var callerRecordings = Directory.CreateDirectory(_work.Combine("recorded-4200")).FullName;
        var calleeRecordings = Directory.CreateDirectory(_work.Combine("recorded-4201")).FullName;

        await using var calleePhone = Baresip.Start(
            new Baresip.Account("4201", "secret-4201", _install.SipPort, Parameters: ";answermode=auto;audio_codecs=PCMU"),
            TimeSpan.FromSeconds(40), new Baresip.Audio(calleeTone, calleeRecordings), verbose: true);
        await using var callerPhone = Baresip.Start(
            new Baresip.Account("4200", "secret-4200", _install.SipPort, Parameters: ";audio_codecs=PCMA"),
            TimeSpan.FromSeconds(40), new Baresip.Audio(callerTone, callerRecordings));
        await calleePhone.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        await callerPhone.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));

        await callerPhone.SendCommandAsync($"/dial sip:4201@127.0.0.1:{SipPort}");
        await calleePhone.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(10));
        await callerPhone.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(10));
        // The digit goes in the middle of the caller's 3 s of tone.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await callerPhone.SendCommandAsync("/sndcode 5");
        await calleePhone.WaitForOutputAsync("received event: '5'", TimeSpan.FromSeconds(5));
        await callerPhone.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(10));
        await calleePhone.WaitForOutputAsync("terminated (duration", TimeSpan.FromSeconds(10));

        // The legs differ: the caller offered and got PCMA only, the callee answered the server's offer with PCMU.
        Assert.That(callerPhone.Output, Does.Match(@"m=audio \d+ RTP/AVP 8 101").And.Not.Contain("a=rtpmap:0 PCMU/8000"));
        Assert.That(calleePhone.Output, Does.Match(@"m=audio \d+ RTP/AVP 0 101"));
        Assert.That(await callerPhone.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, callerPhone.Output);
        Assert.That(await calleePhone.QuitAsync(TimeSpan.FromSeconds(15)), Is.Zero, calleePhone.Output);
        var after = await SettledCallsAsync(before.Completed + 1);
        Assert.That(after.Completed - before.Completed, Is.EqualTo(1));
        Assert.That(after.Media.Totals.Digits - before.Media.Totals.Digits, Is.GreaterThanOrEqualTo(1));
        var id = await CallIdAsync("4200", "4201");
        await ServerLogAsync($"Call {id}: DTMF '5' from the caller");
        await ServerLogAsync($"Call {id}: ended ANSWERED (SIP 200, by caller)");

        // What each phone decoded is the other's tone, at its loudness: a leg answered in the other leg's codec
        // without transcoding would decode A-law as mu-law, which keeps a tone near the frequency but at about a
        // quarter of its level (measured: RMS 0.12 for 0.49, rough frequency 1177 for 974).
        await AssertHeardAsync(calleeRecordings, callerRecordings, 1000);
        await AssertHeardAsync(callerRecordings, calleeRecordings, 400);
    }

    private const int StormCaller = 4107;

    private sealed record CallsReport(int Active, long Completed, long RejectedOverload, MediaReport Media, RecordQueue Records);

    private sealed record RecordQueue(int Depth, int Capacity, long Dropped);

    private sealed record MediaReport(int ActiveRelays, long RelaysCreated, MediaTotals Totals);

    private sealed record MediaTotals(
        long PacketsIn, long PacketsOut, long Garbage, long ForeignSource, long UnexpectedPayloadType, long NotForwarded, long Digits);

    /// <summary>A SIPp run: its result, and the files it wrote with -trace_logs and -trace_msg.</summary>
    private sealed record SippRun(ExternalProcess.Result Result, string Log, string Messages);

    /// <summary>A SIPp UAS running in the background on its own port, bounded by the peer limit.</summary>
    private sealed class Callee
    {
        private readonly Task<ExternalProcess.Result> _run;
        private readonly string _logFile;
        private readonly string _messageFile;

        public Callee(IEnumerable<string> arguments, string logFile, string messageFile, string workingDirectory)
        {
            _logFile = logFile;
            _messageFile = messageFile;
            _run = ExternalProcess.RunAsync(Peers.Require(Peers.Sipp), arguments, PeerLimit, workingDirectory);
        }

        public bool HasExited => _run.IsCompleted;

        public async Task<SippRun> FinishAsync()
        {
#pragma warning disable VSTHRD003 // The run is this object's own, started in its constructor.
            var result = await _run;
#pragma warning restore VSTHRD003
            return new SippRun(
                result,
                File.Exists(_logFile) ? await File.ReadAllTextAsync(_logFile) : string.Empty,
                File.Exists(_messageFile) ? await File.ReadAllTextAsync(_messageFile) : string.Empty);
        }
    }

    /// <summary>Registers <paramref name="extension"/> from a fresh port with register.xml, then starts the UAS
    /// scenario on that port and returns once it listens. <paramref name="life"/> bounds a UAS that should never
    /// be called (-timeout without -timeout_error); otherwise its run must end by itself within the peer limit.</summary>
    private async Task<Callee> StartCalleeAsync(string extension, string scenario, bool echo = false, TimeSpan? life = null, string? phone = null)
    {
        var (port, mediaPort) = SippPorts();
        var sipPort = port.ToString(CultureInfo.InvariantCulture);
        // Several phones of one extension keep their files apart by their phone name; the second one's 200 lists
        // the first one's binding too, which register.xml would take for a wrong answer.
        var name = phone is null ? extension : $"{extension}-{phone}";
        var injection = _work.Combine($"register-{name}.csv");
        SippUsers.Write(injection, [(extension, "secret-" + extension)]);
        var registration = await ExternalProcess.RunAsync(
            Peers.Require(Peers.Sipp),
            [$"127.0.0.1:{SipPort}", "-sf", ScenarioPath(phone is null ? "register.xml" : "register_another_phone.xml"), "-inf", injection, "-i", "127.0.0.1", "-p", sipPort,
             "-m", "1", "-timeout", "10s", "-timeout_error", "-nostdin"],
            PeerLimit,
            _work.Path);
        Assert.That(registration.ExitCode, Is.Zero, $"the callee {extension} could not register\n{registration.Output}{registration.Error}");

        var logFile = _work.Combine($"callee-{name}.log");
        var messageFile = _work.Combine($"callee-{name}.messages");
        List<string> arguments =
        [
            "-sf", ScenarioPath(scenario), "-i", "127.0.0.1", "-p", sipPort,
            "-mp", mediaPort.ToString(CultureInfo.InvariantCulture),
            "-m", "1", "-nostdin", "-trace_logs", "-log_file", logFile, "-trace_msg", "-message_file", messageFile,
        ];
        if (echo)
        {
            arguments.Add("-rtp_echo");
        }

        arguments.AddRange(life is { } limit
            ? ["-timeout", $"{(int)limit.TotalSeconds}s"]
            : ["-timeout", $"{(int)PeerLimit.TotalSeconds - 5}s", "-timeout_error"]);
        var callee = new Callee(arguments, logFile, messageFile, _work.Path);
        await WaitUntilBoundAsync(port, callee);
        return callee;
    }

    /// <summary>Runs a caller scenario to its end: <paramref name="calls"/> calls from <paramref name="caller"/> to
    /// <paramref name="callee"/>, each INVITE authenticated with the caller's password.</summary>
    private async Task<SippRun> RunCallerAsync(string scenario, string caller, string callee, int calls = 1, IEnumerable<string>? arguments = null)
    {
        var injection = _work.Combine($"calls-{caller}.csv");
        var lines = new StringBuilder("SEQUENTIAL\n");
        for (var i = 0; i < calls; i++)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{caller};{callee};[authentication username={caller} password=secret-{caller}]\n");
        }

        await File.WriteAllTextAsync(injection, lines.ToString());
        var logFile = _work.Combine($"caller-{caller}.log");
        var messageFile = _work.Combine($"caller-{caller}.messages");
        var (sipPort, mediaPort) = SippPorts();
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.Sipp),
            [$"127.0.0.1:{SipPort}", "-sf", ScenarioPath(scenario), "-inf", injection, "-i", "127.0.0.1",
             "-p", sipPort.ToString(CultureInfo.InvariantCulture), "-mp", mediaPort.ToString(CultureInfo.InvariantCulture),
             "-m", calls.ToString(CultureInfo.InvariantCulture), "-nostdin", "-buff_size", "4000000",
             "-timeout", $"{(int)PeerLimit.TotalSeconds - 5}s", "-timeout_error",
             "-trace_logs", "-log_file", logFile, "-trace_msg", "-message_file", messageFile, .. arguments ?? []],
            PeerLimit,
            _work.Path);
        return new SippRun(
            result,
            File.Exists(logFile) ? await File.ReadAllTextAsync(logFile) : string.Empty,
            File.Exists(messageFile) ? await File.ReadAllTextAsync(messageFile) : string.Empty);
    }

    private static async Task AssertSucceededAsync(Callee callee, SippRun caller, int calls = 1)
    {
        AssertSipp(caller, calls);
        AssertSipp(await callee.FinishAsync(), 1);
    }

    /// <summary>Ports for one SIPp process, taken from one free block so that they cannot overlap: SIPp binds its
    /// media port N and N + 2 (audio, video), the SIP port is N + 4. Ports picked one by one could (seen: a SIP port
    /// free when picked, then inside a media block picked before SIPp bound it).</summary>
    private static (int Sip, int Media) SippPorts()
    {
        var first = FreePorts.NextUdpBlock(5);
        return (first + 4, first);
    }

    private static void AssertSipp(SippRun run, int calls)
    {
        var output = $"{run.Result.Output}{run.Result.Error}\n--- messages ---\n{run.Messages}";
        Assert.That(run.Result.TimedOut, Is.False, output);
        Assert.That(run.Result.ExitCode, Is.Zero, $"SIPp reports failed calls\n{output}");
        Assert.That(run.Result.Output, Does.Match($@"Successful call\s+\|\s+\d+\s+\|\s+{calls}\b"), output);
    }

    /// <summary>SIPp binds its SIP port once it has read the scenario; a datagram sent before that would be lost to
    /// a retransmission timer. The port is ours to probe: it is bound when we can no longer bind it.</summary>
    private static async Task WaitUntilBoundAsync(int port, Callee callee)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (callee.HasExited)
            {
                var result = (await callee.FinishAsync()).Result;
                Assert.Fail($"the SIPp UAS on port {port} exited at once\n{result.Output}{result.Error}");
            }

            try
            {
                using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"the SIPp UAS never bound port {port}");
    }

    private async Task<CallsReport> CallsAsync() => (await _server.Web.GetFromJsonAsync<CallsReport>("/api/calls"))!;

    /// <summary>The report once no call and no relay is left, at least <paramref name="completed"/> calls are done,
    /// and two reads 100 ms apart agree. The call ends on its own context just after the last message a peer saw,
    /// its relay a moment later. Agreeing reads: a closing relay is taken out of the active set before its counters
    /// are added to the retired totals (MediaRelayManager.OnRelayClosed), and a report read in between misses that
    /// relay altogether (seen about once in twelve runs: the relay logged 236 packets each way, the report 0).</summary>
    private async Task<CallsReport> SettledCallsAsync(long completed)
    {
        var clock = Stopwatch.StartNew();
        var report = await CallsAsync();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100);
            var next = await CallsAsync();
            if (next.Active == 0 && next.Media.ActiveRelays == 0 && next.Completed >= completed && next == report)
            {
                return next;
            }

            report = next;
        }

        return report;
    }

    /// <summary>The unique id of the call from <paramref name="caller"/> to <paramref name="callee"/>, from its
    /// "dialling" line: the later lines of the call name only the id.</summary>
    private async Task<string> CallIdAsync(string caller, string callee)
    {
        var line = await LogFiles.WaitForAsync(_install.LogFolder, LogFiles.Main, $": {caller} dialling {callee} at ", TimeSpan.FromSeconds(5));
        var all = LogFiles.Read(_install.LogFolder);
        var match = Regex.Match(all, $@"Call (\S+): {caller} dialling {callee} at ");
        Assert.That(match.Success, Is.True, line);
        return match.Groups[1].Value;
    }

    /// <summary>The call's CDR row; the writer commits within its 100 ms batch window, so this waits a little.</summary>
    private async Task<System.Text.Json.JsonElement> CdrAsync(string uniqueId)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var rows = await _server.Web.GetFromJsonAsync<System.Text.Json.JsonElement[]>("/api/cdr?limit=1000");
            var row = rows!.FirstOrDefault(r => r.GetProperty("uniqueId").GetString() == uniqueId);
            if (row.ValueKind != System.Text.Json.JsonValueKind.Undefined && row.GetProperty("state").GetString() == "closed")
            {
                return row;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no closed CDR row for {uniqueId}");
        return default;
    }

    private Task<string> ServerLogAsync(string text) => LogFiles.WaitForAsync(_install.LogFolder, LogFiles.Main, text, TimeSpan.FromSeconds(5));

    private static string ScenarioPath(string scenario) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "Scenarios", scenario);

    private static async Task MakeToneAsync(string path, int frequency, int seconds)
    {
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.Sox),
            ["-n", "-r", "8000", "-c", "1", "-b", "16", path, "synth", seconds.ToString(CultureInfo.InvariantCulture), "sine", frequency.ToString(CultureInfo.InvariantCulture)],
            PeerLimit);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
    }

    /// <summary>The phone that recorded into <paramref name="listenerFolder"/> decoded a tone of
    /// <paramref name="frequency"/> Hz (sox's rough frequency within 10 %) at the level the other phone encoded it
    /// (RMS within 20 %), for at least 2 s. With <paramref name="lastSeconds"/>, only that much of the end of the
    /// recording is judged (less its last 0.3 s): a transferee heard someone else before.</summary>
    private static async Task AssertHeardAsync(string listenerFolder, string speakerFolder, int frequency, double? lastSeconds = null)
    {
        var recording = Directory.GetFiles(listenerFolder, "dump-*-dec.wav").Single();
        var heard = await SoxStatAsync(recording);
        if (lastSeconds is { } last)
        {
            var start = Math.Max(0, heard.Seconds - last - 0.3);
            heard = await SoxStatAsync(recording, "trim", start.ToString("F2", CultureInfo.InvariantCulture), last.ToString("F2", CultureInfo.InvariantCulture));
        }

        var spoken = await SoxStatAsync(Directory.GetFiles(speakerFolder, "dump-*-enc.wav").Single());
        await TestContext.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"{frequency} Hz tone heard for {heard.Seconds} s at {heard.RoughFrequency} Hz, RMS {heard.Rms} (sent at {spoken.Rms})"));
        Assert.That(heard.Seconds, Is.GreaterThanOrEqualTo(2.0), heard.Text);
        Assert.That(heard.RoughFrequency, Is.InRange(frequency * 0.9, frequency * 1.1), heard.Text);
        Assert.That(heard.Rms, Is.InRange(spoken.Rms * 0.8, spoken.Rms * 1.2), $"heard:\n{heard.Text}\nspoken:\n{spoken.Text}");
    }

    private sealed record SoundStatistics(double Seconds, double Rms, double RoughFrequency, string Text);

    private static async Task<SoundStatistics> SoxStatAsync(string wav, params string[] effects)
    {
        // sox prints its stat effect on stderr.
        var result = await ExternalProcess.RunAsync(Peers.Require(Peers.Sox), [wav, "-n", .. effects, "stat"], PeerLimit);
        var text = result.Error;
        Assert.That(result.ExitCode, Is.Zero, text);
        return new SoundStatistics(Stat(text, "Length (seconds)"), Stat(text, "RMS     amplitude"), Stat(text, "Rough   frequency"), text);
    }

    private static double Stat(string text, string name)
    {
        var match = Regex.Match(text, Regex.Escape(name) + @":\s+(-?[0-9.]+)");
        Assert.That(match.Success, Is.True, $"sox stat printed no '{name}':\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Retry-After: ([0-9]+)")]
    private static partial Regex RetryAfter();
}
