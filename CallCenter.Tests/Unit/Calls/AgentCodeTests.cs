using CallCenter.Core.Acd;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;
using CallCenter.Tests.Support;
using CallCenter.Tests.Unit.Acd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>
/// Agent feature codes dialled from desk phones, through the call layer to a real <see cref="AcdDispatcher"/>: the
/// code is answered and hung up after a second when carried out, refused with a SIP error otherwise, and the ACD's
/// snapshot shows the result. Alice sits at 1000 (number 101, PIN 4711), Bob at 1001 (102, 4712); 1002 is a spare
/// desk and 2000 is no agent's home.
/// </summary>
public sealed class AgentCodeTests
{
    private const int WrongPinEvent = 3072;
    private const int NoAcdEvent = 3071;
    private const int LockedOutEvent = 3074;

    private static readonly AgentOptions Alice = new()
    {
        Id = "alice", Name = "Alice", Pin = "4711", DefaultExtension = "1000", Number = "101", Queues = [new QueueMembershipOptions("sales", 0)],
    };

    private static readonly AgentOptions Bob = new()
    {
        Id = "bob", Name = "Bob", Pin = "4712", DefaultExtension = "1001", Number = "102", Queues = [new QueueMembershipOptions("sales", 0)],
    };

    private CallHarness _harness = null!;
    private AcdDispatcher _acd = null!;
    private ListLoggerFactory _logs = null!;

    private static CallCenterOptions Options()
    {
        var options = CallHarness.Options("1000", "1001", "1002", "2000");
        return options with
        {
            Extensions = options.Extensions with { Agents = [Alice, Bob] },
            Queues = AcdTestBed.QueuesOf(AcdTestBed.Queue("sales")),
        };
    }

    [SetUp]
    public void SetUp()
    {
        _logs = new ListLoggerFactory();
        var options = Options();
        _harness = new CallHarness(options, _logs);
        _acd = new AcdDispatcher(options.Queues, options.Extensions, _harness.Time, new RecordingCallControl(), NullAcdRecordSink.Instance,
            NullLoggerFactory.Instance);
        _harness.Manager.AttachAgentCommands(_acd);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _harness.DisposeAsync();
        await _acd.DisposeAsync();
    }

    [TestCase("*45", FeatureAction.QueueToggle, null)]
    [TestCase("*46", FeatureAction.PauseToggle, "")]
    [TestCase("*461", FeatureAction.PauseToggle, "1")]
    [TestCase("*314711", FeatureAction.AgentLogin, "4711")]
    [TestCase("*31101*4711", FeatureAction.AgentLogin, "101*4711")]
    [TestCase("*31", FeatureAction.AgentLogin, "")]
    [TestCase("*32", FeatureAction.AgentLogout, null)]
    public void TheDefaultCodesAreRecognised(string dialled, object expected, string? argument)
    {
        Assert.That(FeatureCode.TryMatch(new FeatureCodesOptions(), dialled, out var action, out var rest), Is.True);
        Assert.That((action, rest), Is.EqualTo(((FeatureAction)expected, argument)));
    }

    [TestCase("*4")]
    [TestCase("*450")]
    [TestCase("*320")]
    [TestCase("*3")]
    [TestCase("1000")]
    public void OtherNumbersAreNotAgentCodes(string dialled) =>
        Assert.That(FeatureCode.TryMatch(new FeatureCodesOptions(), dialled, out _, out _), Is.False);

    [Test]
    public void ConfiguredAgentCodesReplaceTheDefaults()
    {
        var codes = new FeatureCodesOptions { AgentLogin = "#1", PauseToggle = "#2" };

        Assert.That(FeatureCode.TryMatch(codes, "#14711", out var login, out var pin) && login == FeatureAction.AgentLogin && pin == "4711", Is.True);
        Assert.That(FeatureCode.TryMatch(codes, "#23", out var pause, out var digit) && pause == FeatureAction.PauseToggle && digit == "3", Is.True);
        Assert.That(FeatureCode.TryMatch(codes, "*314711", out _, out _), Is.False);
    }

    [TestCase("*314711", "*31XXXX")]
    [TestCase("*31101*4711", "*31101*XXXX")]
    [TestCase("*31", "*31")]
    [TestCase("*461", "*461")]
    public void RecordsNeverShowTheLoginPin(string dialled, string recorded)
    {
        Assert.That(FeatureCode.TryMatch(new FeatureCodesOptions(), dialled, out var action, out var argument), Is.True);
        Assert.That(FeatureCode.ForRecords(action, dialled, argument), Is.EqualTo(recorded));
    }

    [Test]
    public async Task LoginWithThePinIsAnsweredHungUpAfterASecondAndLogsTheHomeAgentInOnThatPhone()
    {
        var code = _harness.Dial("1000", "*314711");

        await CallHarness.UntilAsync(() => code.HasFinalResponse, "the code is answered");
        Assert.That(code.Final.StatusCode, Is.EqualTo(200));
        Assert.That(code.Final.Body.IsEmpty, Is.False, "answered with SDP, as a phone expects");
        var alice = await AgentAsync("alice");
        Assert.That((alice.State, alice.Extension), Is.EqualTo((AgentState.Available, "1000")));

        _harness.Ack(code);
        await Task.Delay(50);
        _harness.Time.Advance(TimeSpan.FromMilliseconds(900));
        await Task.Delay(50);
        Assert.That(_harness.Client.Sent, Is.Empty, "no BYE before the second is over");
        await CallHarness.UntilAsync(
            () =>
            {
                _harness.Time.Advance(TimeSpan.FromMilliseconds(100));
                return _harness.Client.Sent.Count(s => s.Request.Method == "BYE") == 1;
            },
            "the server hangs up");
        await _harness.IdleAsync();
    }

    [Test]
    public async Task TheNumberFormLogsThatAgentInOnWhateverPhoneDials()
    {
        Assert.That(await CodeAsync("1002", "*31101*4711"), Is.EqualTo(200));

        var alice = await AgentAsync("alice");
        Assert.That((alice.State, alice.Extension), Is.EqualTo((AgentState.Available, "1002")));
        Assert.That((await AgentAsync("bob")).State, Is.EqualTo(AgentState.LoggedOut));
    }

    [TestCase("1000", "*311234", Description = "the home agent's PIN is another")]
    [TestCase("1000", "*314712", Description = "Bob's PIN, but the phone is Alice's home")]
    [TestCase("2000", "*314711", Description = "no agent has 2000 as home")]
    [TestCase("1002", "*31101*4712", Description = "Alice's number with Bob's PIN")]
    [TestCase("1002", "*31999*4711", Description = "no agent has that number: answered like a wrong PIN")]
    public async Task AWrongPinOrNumberIsForbiddenAndChangesNothing(string phone, string dialled)
    {
        Assert.That(await CodeAsync(phone, dialled), Is.EqualTo(403));

        var snapshot = await _acd.GetSnapshotAsync();
        Assert.That(snapshot.Agents.Select(a => a.State), Is.All.EqualTo(AgentState.LoggedOut));
        Assert.That(WarningsWith(WrongPinEvent), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RepeatedWrongPinsFromOnePhoneAreLoggedAtTheFirstAndTenthOnly()
    {
        for (var i = 0; i < 12; i++)
        {
            Assert.That(await CodeAsync("1002", "*310000"), Is.EqualTo(403));
            if ((i + 1) % AgentPinFailures.AttemptsBeforeLockout == 0)
            {
                _harness.Time.Advance(AgentPinFailures.Lockout);
            }
        }

        var warnings = WarningsWith(WrongPinEvent);
        Assert.That(warnings.Select(w => w.Message), Is.EqualTo(new[]
        {
            "Agent login on 1002 refused: wrong PIN or agent number (1 in a row from this phone; logged at the 1st, 10th, 100th...)",
            "Agent login on 1002 refused: wrong PIN or agent number (10 in a row from this phone; logged at the 1st, 10th, 100th...)",
        }));
        Assert.That(_harness.Manager.AgentPins.InARow("1002"), Is.EqualTo(12));

        Assert.That(await CodeAsync("1002", "*31102*4712"), Is.EqualTo(200));
        Assert.That(_harness.Manager.AgentPins.InARow("1002"), Is.Zero, "a right PIN starts the phone afresh");
        Assert.That(await CodeAsync("1000", "*310000"), Is.EqualTo(403));
        Assert.That(WarningsWith(WrongPinEvent), Has.Count.EqualTo(3), "another phone is counted on its own");
    }

    [Test]
    public async Task FiveWrongPinsLockThePhoneOutOfAgentLoginForFiveMinutesAndTheRightPinWaitsToo()
    {
        for (var i = 0; i < AgentPinFailures.AttemptsBeforeLockout; i++)
        {
            Assert.That(await CodeAsync("1002", "*31101*0000"), Is.EqualTo(403));
        }

        Assert.That(WarningsWith(LockedOutEvent), Has.Count.EqualTo(1));
        Assert.That(await CodeAsync("1002", "*31101*4711"), Is.EqualTo(403), "the right PIN during the lockout");
        Assert.That(await CodeAsync("1002", "*31101*1234"), Is.EqualTo(403));
        Assert.That(_harness.Manager.AgentPins.InARow("1002"), Is.EqualTo(AgentPinFailures.AttemptsBeforeLockout),
            "tries during the lockout are not checked, so not counted");
        Assert.That(await CodeAsync("1000", "*31101*4711"), Is.EqualTo(200), "another phone is not locked out");
        Assert.That(await CodeAsync("1000", "*32"), Is.EqualTo(200));

        _harness.Time.Advance(AgentPinFailures.Lockout - TimeSpan.FromSeconds(10));
        Assert.That(await CodeAsync("1002", "*31101*4711"), Is.EqualTo(403), "still locked ten seconds before the end");
        _harness.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(await CodeAsync("1002", "*31101*4711"), Is.EqualTo(200));
        var snapshot = await _acd.GetSnapshotAsync();
        Assert.That(snapshot.Agents.Single(a => a.Id == "alice").State, Is.EqualTo(AgentState.Available));
        Assert.That(_harness.Manager.AgentPins.InARow("1002"), Is.Zero);
    }

    [TestCase("*31")]
    [TestCase("*31101*")]
    [TestCase("*31*4711")]
    public async Task ALoginWithoutAPinIsIncomplete(string dialled)
    {
        Assert.That(await CodeAsync("1002", dialled), Is.EqualTo(484));
        Assert.That(WarningsWith(WrongPinEvent), Is.Empty, "an incomplete number is no wrong PIN");
    }

    [Test]
    public async Task LogoutLogsOutTheAgentOnTheCallingPhoneWhoeverItIs()
    {
        Assert.That(await CodeAsync("1002", "*31102*4712"), Is.EqualTo(200));
        Assert.That(await CodeAsync("1000", "*314711"), Is.EqualTo(200));

        Assert.That(await CodeAsync("1002", "*32"), Is.EqualTo(200));

        Assert.That((await AgentAsync("bob")).State, Is.EqualTo(AgentState.LoggedOut));
        Assert.That((await AgentAsync("alice")).State, Is.EqualTo(AgentState.Available), "only the agent on that phone");
        Assert.That(await CodeAsync("1002", "*32"), Is.EqualTo(404), "nobody is logged in there any more");
    }

    [Test]
    public async Task TheQueueToggleLogsTheHomeAgentInThenOut()
    {
        Assert.That(await CodeAsync("1001", "*45"), Is.EqualTo(200));
        var bob = await AgentAsync("bob");
        Assert.That((bob.State, bob.Extension), Is.EqualTo((AgentState.Available, "1001")));

        Assert.That(await CodeAsync("1001", "*45"), Is.EqualTo(200));
        Assert.That((await AgentAsync("bob")).State, Is.EqualTo(AgentState.LoggedOut));
        Assert.That(await CodeAsync("2000", "*45"), Is.EqualTo(404), "2000 is no agent's home");
    }

    [Test]
    public async Task ThePauseTogglePausesWithTheFirstKeyableReasonThenUnpauses()
    {
        await LoginAsync("1000", "*314711");

        Assert.That(await CodeAsync("1000", "*46"), Is.EqualTo(200));
        var alice = await AgentAsync("alice");
        Assert.That((alice.State, alice.Reason), Is.EqualTo((AgentState.NotReady, "break")));

        Assert.That(await CodeAsync("1000", "*46"), Is.EqualTo(200));
        Assert.That((await AgentAsync("alice")).State, Is.EqualTo(AgentState.Available));
    }

    [Test]
    public async Task AReasonDigitPausesWithThatReasonAndTheToggleKeepsIt()
    {
        await LoginAsync("1000", "*314711");

        Assert.That(await CodeAsync("1000", "*462"), Is.EqualTo(200));
        var alice = await AgentAsync("alice");
        Assert.That((alice.State, alice.Reason), Is.EqualTo((AgentState.NotReady, "lunch")));
        Assert.That(await CodeAsync("1000", "*461"), Is.EqualTo(200), "from lunch to break");
        Assert.That((await AgentAsync("alice")).Reason, Is.EqualTo("break"));
        Assert.That(await CodeAsync("1000", "*461"), Is.EqualTo(200), "already on break: nothing to do, still confirmed");

        Assert.That(await CodeAsync("1000", "*46"), Is.EqualTo(200));
        Assert.That((await AgentAsync("alice")).State, Is.EqualTo(AgentState.Available));
        Assert.That(await CodeAsync("1000", "*46"), Is.EqualTo(200));
        alice = await AgentAsync("alice");
        Assert.That((alice.State, alice.Reason), Is.EqualTo((AgentState.NotReady, "break")), "the reason chosen last");
    }

    [Test]
    public async Task ThePauseCodeActsOnTheAgentLoggedInOnThePhoneBeforeItsHomeAgent()
    {
        await LoginAsync("1002", "*31102*4712");

        Assert.That(await CodeAsync("1002", "*462"), Is.EqualTo(200));

        var bob = await AgentAsync("bob");
        Assert.That((bob.State, bob.Reason), Is.EqualTo((AgentState.NotReady, "lunch")));
    }

    [TestCase("*469")]
    [TestCase("*463")]
    [TestCase("*4612")]
    public async Task AnUnknownReasonDigitIsNotFoundAndChangesNothing(string dialled)
    {
        await LoginAsync("1000", "*314711");

        Assert.That(await CodeAsync("1000", dialled), Is.EqualTo(404));

        Assert.That((await AgentAsync("alice")).State, Is.EqualTo(AgentState.Available));
    }

    [Test]
    public async Task PausingAnAgentWhoIsNotLoggedInIsForbidden()
    {
        Assert.That(await CodeAsync("1000", "*46"), Is.EqualTo(403));
        Assert.That(await CodeAsync("1000", "*461"), Is.EqualTo(403));
        Assert.That(await CodeAsync("2000", "*46"), Is.EqualTo(404), "no agent belongs to 2000");
    }

    [Test]
    public async Task AnAgentLoggedInElsewhereOrAPhoneTakenByAnotherAgentIsForbidden()
    {
        await LoginAsync("1000", "*314711");

        Assert.That(await CodeAsync("1002", "*31101*4711"), Is.EqualTo(403), "Alice is logged in at 1000");
        Assert.That(await CodeAsync("1000", "*31102*4712"), Is.EqualTo(403), "1000 is Alice's phone now");
        Assert.That(await CodeAsync("1000", "*314711"), Is.EqualTo(200), "logging in where one is already is no change");

        var snapshot = await _acd.GetSnapshotAsync();
        Assert.That(snapshot.Agents.Select(a => (a.Id, a.State, a.Extension)), Is.EquivalentTo(new[]
        {
            ("alice", AgentState.Available, (string?)"1000"), ("bob", AgentState.LoggedOut, (string?)null),
        }));
    }

    [Test]
    public async Task WithoutAnAcdEveryAgentCodeIsUnavailableAndTheReasonIsLoggedOnce()
    {
        await using var harness = new CallHarness(Options(), _logs);

        foreach (var dialled in new[] { "*45", "*46", "*314711", "*32" })
        {
            var code = harness.Dial("1000", dialled);
            await CallHarness.UntilAsync(() => code.HasFinalResponse, "the code is refused");
            Assert.That(code.Final.StatusCode, Is.EqualTo(503), dialled);
        }

        await harness.IdleAsync();
        Assert.That(WarningsWith(NoAcdEvent), Has.Count.EqualTo(1));
        Assert.That(WarningsWith(NoAcdEvent)[0].Message, Does.Contain("no ACD is running"));
    }

    [Test]
    public async Task AnAcdThatRefusesThePostIsUnavailable()
    {
        await _acd.DisposeAsync();

        Assert.That(await CodeAsync("1000", "*314711"), Is.EqualTo(503));
    }

    [Test]
    public async Task AnAcdThatFailsOnTheQuestionIsAServerErrorAtOnce()
    {
        await using var harness = new CallHarness(Options(), _logs);
        harness.Manager.AttachAgentCommands(new FailingCommands());

        var code = harness.Dial("1000", "*314711");

        await CallHarness.UntilAsync(() => code.HasFinalResponse, "the phone is told");
        Assert.That(code.Final.StatusCode, Is.EqualTo(500));
        await harness.IdleAsync();
    }

    [Test]
    public async Task AnAcdThatDoesNotAnswerInTimeIsUnavailableAndDoesNotHoldTheCall()
    {
        await using var stuck = await StuckAcd.StartAsync(Options());

        var code = stuck.Harness.Dial("1000", "*314711");
        var waited = TimeSpan.Zero;
        await CallHarness.UntilAsync(
            () =>
            {
                if (code.HasFinalResponse)
                {
                    return true;
                }

                stuck.Harness.Time.Advance(TimeSpan.FromMilliseconds(100));
                waited += TimeSpan.FromMilliseconds(100);
                return false;
            },
            "the phone is told");

        Assert.That(code.Final.StatusCode, Is.EqualTo(503));
        Assert.That(waited, Is.GreaterThanOrEqualTo(Call.AgentCodeTimeout), "not before the ACD had its time");
        await stuck.Harness.IdleAsync();
        stuck.Gate.Set();
        Assert.That((await stuck.Acd.GetSnapshotAsync()).Agents.Single(a => a.Id == "alice").State, Is.EqualTo(AgentState.Available),
            "the ACD carried the login out late; the phone was told it was not");
        Assert.That(code.Responses.Count(r => r.StatusCode >= 200), Is.EqualTo(1), "the late answer answers nothing");
    }

    [Test]
    public async Task ACodeCancelledWhileTheAcdIsAskedEndsWith487AndTheLateAnswerIsDropped()
    {
        await using var stuck = await StuckAcd.StartAsync(Options());
        var code = stuck.Harness.Dial("1000", "*314711");
        await Task.Delay(50);

        stuck.Harness.Manager.OnCancel(code);

        await CallHarness.UntilAsync(() => code.HasFinalResponse, "the INVITE ends");
        Assert.That(code.Final.StatusCode, Is.EqualTo(487));
        await stuck.Harness.IdleAsync();
        stuck.Gate.Set();
        Assert.That((await stuck.Acd.GetSnapshotAsync()).Agents.Single(a => a.Id == "alice").State, Is.EqualTo(AgentState.Available));
        await Task.Delay(50);
        Assert.That(code.Responses.Count(r => r.StatusCode >= 200), Is.EqualTo(1), "no 200 after the 487");
        Assert.That(stuck.Harness.Manager.ActiveCalls, Is.Zero);
    }

    private IReadOnlyList<LogEntry> WarningsWith(int eventId) =>
        [.. _logs.Logger.Entries.Where(e => e.EventId == eventId && e.Level == LogLevel.Warning)];

    private async Task<AgentSnapshot> AgentAsync(string id) => (await _acd.GetSnapshotAsync()).Agents.Single(a => a.Id == id);

    private async Task LoginAsync(string phone, string dialled) => Assert.That(await CodeAsync(phone, dialled), Is.EqualTo(200), dialled);

    /// <summary><paramref name="phone"/> dials <paramref name="dialled"/>; the final status, once the call is over
    /// (a confirming call is acknowledged and hung up by the server).</summary>
    private async Task<int> CodeAsync(string phone, string dialled)
    {
        var code = _harness.Dial(phone, dialled);
        await CallHarness.UntilAsync(() => code.HasFinalResponse, "a final answer to " + dialled);
        var status = code.Final.StatusCode;
        if (status == 200)
        {
            _harness.Ack(code);
        }

        await CallHarness.UntilAsync(
            () =>
            {
                _harness.Time.Advance(TimeSpan.FromMilliseconds(100));
                return _harness.Manager.ActiveCalls == 0;
            },
            "the code's call is over");
        return status;
    }

    private sealed class ListLoggerFactory : ILoggerFactory
    {
        public ListLogger<CallManager> Logger { get; } = new();

        public ILogger CreateLogger(string categoryName) => Logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>An ACD with a bug: every question fails as the router's exception would reach it.</summary>
    private sealed class FailingCommands : IAgentPhoneCommands
    {
        public Task<AgentCodeAnswer> ToggleLoginAsync(string agentId, string extension) => Fail();

        public Task<AgentCodeAnswer> PauseAsync(string extension, string? homeAgentId, string? reason) => Fail();

        public Task<AgentCodeAnswer> LoginAsync(string agentId, string extension) => Fail();

        public Task<AgentCodeAnswer> LogoutAsync(string extension) => Fail();

        private static Task<AgentCodeAnswer> Fail() => Task.FromException<AgentCodeAnswer>(new KeyNotFoundException("a bug in the router"));
    }

    /// <summary>A harness whose ACD's loop is stuck in an offer (Bob rings for a caller) until <see cref="Gate"/> opens.</summary>
    private sealed class StuckAcd : IAsyncDisposable
    {
        private StuckAcd(CallCenterOptions options)
        {
            Harness = new CallHarness(options);
            Control = new BlockingControl(Gate);
            Acd = new AcdDispatcher(options.Queues, options.Extensions, Harness.Time, Control, NullAcdRecordSink.Instance, NullLoggerFactory.Instance);
            Harness.Manager.AttachAgentCommands(Acd);
        }

        public ManualResetEventSlim Gate { get; } = new();

        public BlockingControl Control { get; }

        public CallHarness Harness { get; }

        public AcdDispatcher Acd { get; }

        public static async Task<StuckAcd> StartAsync(CallCenterOptions options)
        {
            var stuck = new StuckAcd(options);
            await stuck.Acd.LoginAsync("bob", "1001");
            stuck.Acd.Join(new CallerRequest("c1", "sales"));
            await CallHarness.UntilAsync(() => stuck.Control.Blocked, "the ACD's loop is stuck in an offer");
            return stuck;
        }

        public async ValueTask DisposeAsync()
        {
            Gate.Set();
            await Harness.DisposeAsync();
            await Acd.DisposeAsync();
            Gate.Dispose();
        }
    }

    /// <summary>A call layer whose first offer blocks the ACD's loop until the test opens the gate (bounded).</summary>
    private sealed class BlockingControl(ManualResetEventSlim gate) : IAcdCallControl
    {
        private volatile bool _blocked;

        public bool Blocked => _blocked;

        public void OfferToAgent(AcdOffer offer)
        {
            _blocked = true;
            gate.Wait(TimeSpan.FromSeconds(10));
        }

        public void CancelOffer(long offerId, string callerId, string agentId)
        {
        }

        public void Connect(long offerId, string callerId, string agentId)
        {
        }

        public void CallBack(string callerId, string number)
        {
        }

        public void Announce(string callerId, AcdAnnouncement announcement)
        {
        }

        public void Overflow(string callerId, string fromQueue, OverflowTarget target)
        {
        }

        public void Exit(string callerId, string queue, QueueExitReason reason)
        {
        }
    }
}
