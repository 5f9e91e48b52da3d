using System.Globalization;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

/// <summary>
/// The peer harnesses checked without a registrar of ours or Kamailio: baresip's output as captured against
/// Kamailio 5.6.3 (Interop/Captures) replayed through <see cref="BaresipLog"/>, and a live baresip facing SIPp
/// scripted as a registrar.
/// </summary>
[NonParallelizable]
public sealed class PeerHarnessTests
{
    private static readonly TimeSpan PeerLimit = TimeSpan.FromSeconds(40);

    [Test]
    public void RegistrationRefreshAndRemovalOnQuitAreReadFromTheTrace()
    {
        var log = Replay("baresip-register-refresh-quit.txt");

        Assert.Multiple(() =>
        {
            Assert.That(log.Registrations, Is.EqualTo(2), "the registration and one refresh (regint=10, refreshed at 9 s)");
            Assert.That(log.Removals, Is.EqualTo(1));
            Assert.That(log.Failures, Is.Empty);
            // Every REGISTER goes out bare and is challenged: baresip 1.0.0 never reuses a nonce.
            Assert.That(log.Outcomes.Select(o => o.Status), Is.EqualTo(new[] { 401, 200, 401, 200, 401, 200 }));
            Assert.That(log.Outcomes.Select(o => o.Expires), Is.EqualTo(new[] { 10, 10, 10, 10, 0, 0 }));
        });
    }

    [Test]
    public void ARegistrationIsReadEvenWhenBaresipsOwnColouredLineInterruptsTheTraced200()
    {
        // Captured against CallCenter: "All 1 useragent registered successfully!" printed between the 200's status
        // line and its headers. Read as the end of the message, it hid the 200's CSeq and the registration.
        var log = Replay("baresip-register-interrupted-trace.txt");

        Assert.That(log.Outcomes.Select(o => (o.Status, o.Expires)), Is.EqualTo(new[] { (401, 3600), (200, 3600) }));
        Assert.That(log.Registrations, Is.EqualTo(1));
    }

    [Test]
    public void AWrongPasswordIsTriedSixteenTimesThenGivenUp()
    {
        var log = Replay("baresip-wrong-password.txt");

        Assert.Multiple(() =>
        {
            Assert.That(log.Registrations, Is.Zero);
            Assert.That(log.Removals, Is.Zero);
            // One bare REGISTER and 15 with credentials, within a few milliseconds: what a ban sees from one phone.
            Assert.That(log.Outcomes, Has.Count.EqualTo(16).And.All.Matches<BaresipLog.RegisterOutcome>(o => o.Status == 401));
            Assert.That(log.Failures, Is.EqualTo(new[] { "reg: sip:1000@127.0.0.1:15080: 401 Unauthorized (kamailio (5.6.3 (x86_64/linux)))" }));
        });
    }

    [Test]
    public void AChallengeListingSha256EndsTheRegistrationWithoutASecondRegister()
    {
        var log = Replay("baresip-sha256-challenge.txt");

        Assert.Multiple(() =>
        {
            Assert.That(log.Outcomes.Select(o => o.Status), Is.EqualTo(new[] { 401 }));
            Assert.That(log.Failures, Is.EqualTo(new[] { "reg: sip:1000@127.0.0.1:16600: Register: Function not implemented" }));
        });
    }

    [Test]
    public async Task BaresipRegistersRefreshesAndUnregistersOnQuit()
    {
        var registrarPort = FreePorts.Next();
        var registrar = RunScriptedRegistrar("registrar_uas.xml", registrarPort);
        await using var phone = Baresip.Start(new Baresip.Account("1000", "secret", registrarPort, RegistrationInterval: 4), TimeSpan.FromSeconds(30));

        await phone.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        await phone.WaitForRegistrationsAsync(2, TimeSpan.FromSeconds(10));
        var exitCode = await phone.QuitAsync(TimeSpan.FromSeconds(10));
        var sipp = await registrar;

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, phone.Output);
            Assert.That(phone.Removals, Is.EqualTo(1), phone.Output);
            Assert.That(sipp.ExitCode, Is.Zero, $"the scripted registrar saw another sequence\n{sipp.Output}\n{sipp.Error}");
        });
    }

    [Test]
    public async Task BaresipGivesUpOnAChallengeThatListsSha256BeforeMd5()
    {
        // CallCenter's 401 lists SHA-256, then MD5 (RFC 8760 §2.4). libre 1.1 (baresip 1.0.0) rejects the whole
        // challenge with ENOSYS on the first algorithm it does not know instead of using the MD5 one.
        var registrarPort = FreePorts.Next();
        var registrar = RunScriptedRegistrar("digest_sha256_first_uas.xml", registrarPort);
        await using var phone = Baresip.Start(new Baresip.Account("1000", "secret", registrarPort), TimeSpan.FromSeconds(30));

        string? failure = null;
        try
        {
            await phone.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        }
        catch (AssertionException e)
        {
            failure = e.Message;
        }

        await registrar;

        Assert.That(failure, Does.Contain("Register: Function not implemented"));
        Assert.That(phone.Outcomes.Select(o => o.Status), Is.EqualTo(new[] { 401 }), "no second REGISTER");
    }

    [Test]
    public async Task SippStopsTheWholeRunOnAChallengeThatListsSha256First()
    {
        // SIPp 3.6.1 answers the topmost WWW-Authenticate only and knows MD5 and AKAv1-MD5: a fatal error, exit 255,
        // for every call of the run. With MD5 first it answers MD5 correctly (verified by hand with md5sum).
        var registrarPort = FreePorts.Next();
        var registrar = RunScriptedRegistrar("digest_sha256_first_uas.xml", registrarPort);
        using var folder = new TempFolder("cc-sipp");
        var users = folder.Combine("users.csv");
        SippUsers.Write(users, [("1000", "secret")]);
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.Sipp),
            [$"127.0.0.1:{registrarPort}", "-sf", Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "Scenarios", "register.xml"),
             "-inf", users, "-i", "127.0.0.1", "-p", FreePorts.Next().ToString(CultureInfo.InvariantCulture), "-t", "u1",
             "-m", "1", "-timeout", "20", "-timeout_error", "-nostdin"],
            PeerLimit);
        await registrar;

        Assert.That(result.ExitCode, Is.EqualTo(255), result.Output);
        Assert.That(result.Output + result.Error, Does.Contain("authentication must use MD5 or AKAv1-MD5"));
    }

    private static BaresipLog Replay(string capture)
    {
        var log = new BaresipLog();
        foreach (var line in File.ReadLines(Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "Captures", capture)))
        {
            log.Add(line);
        }

        return log;
    }

    private static Task<ExternalProcess.Result> RunScriptedRegistrar(string scenario, int port) =>
        ExternalProcess.RunAsync(
            Peers.Require(Peers.Sipp),
            ["-sf", Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "Scenarios", scenario),
             "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-m", "1",
             "-timeout", "25", "-timeout_error", "-nostdin"],
            PeerLimit);
}
