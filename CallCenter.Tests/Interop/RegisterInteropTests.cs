using System.Globalization;
using System.Net.Http.Json;
using System.Xml.Linq;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

/// <summary>
/// Registration and digest authentication of the real server, driven by peers nobody here wrote: SIPp's
/// [authentication] scenarios over UDP and TCP, and baresip as a softphone. What each peer reports is checked against
/// what the server says it holds (GET /api/sip/registrations). One server for the fixture; every test uses
/// extensions of its own, so they do not see each other's bindings.
/// </summary>
[NonParallelizable]
public sealed class RegisterInteropTests
{
    private static readonly TimeSpan PeerLimit = TimeSpan.FromSeconds(60);
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
            for (var n = 3000; n < 3040; n++)
            {
                doc.Root!.Add(new XElement("user", new XAttribute("extension", n), new XAttribute("name", "Test " + n), new XAttribute("password", "secret-" + n)));
            }
        });
        _install.Edit(ShippedConfigCopy.ConfigurationFile.Main, doc =>
        {
            var sip = doc.Root!.Element("sip")!;
            // baresip's refresh comes at 0.9 x the granted expires: a short minimum lets a test see one in seconds.
            sip.Element("registrar")!.SetAttributeValue("minExpires", 5);
            // The wrong-password runs must not ban the source every other test shares; bans have a fixture of their own.
            sip.Element("security")!.SetAttributeValue("maxFailures", 1000);
        });
        _work = new TempFolder();
        _server = await RunningServer.StartAsync(_install);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        var code = await _server.StopAsync();
        _install.Dispose();
        _work.Dispose();
        Assert.That(code, Is.EqualTo(0), "the server must survive every peer and stop cleanly");
    }

    [TestCase("u1", 3000, TestName = "SippRegistersWithDigestOverUdp")]
    [TestCase("t1", 3003, TestName = "SippRegistersWithDigestOverTcp")]
    public async Task SippRegisters(string transport, int firstUser)
    {
        var users = Users(firstUser, 3);

        var output = await RunSippAsync("register.xml", transport, users);

        foreach (var user in users)
        {
            var bindings = await RegistrationsAsync(user);
            Assert.That(bindings, Has.Length.EqualTo(1), output);
            Assert.That(bindings[0].Contact, Does.StartWith($"sip:{user}@127.0.0.1:"));
            Assert.That(bindings[0].Target, Does.StartWith(transport == "u1" ? "udp:" : "tcp:"));
            Assert.That(bindings[0].ExpiresInSeconds, Is.InRange(3500, 3600));
        }
    }

    [TestCase("u1", 3006, TestName = "SippRefreshesItsRegistrationOverUdp")]
    [TestCase("t1", 3009, TestName = "SippRefreshesItsRegistrationOverTcp")]
    public async Task SippRefreshes(string transport, int firstUser)
    {
        var users = Users(firstUser, 3);

        await RunSippAsync("reregister.xml", transport, users);

        foreach (var user in users)
        {
            Assert.That(await RegistrationsAsync(user), Has.Length.EqualTo(1), "a refresh on the same Call-ID replaces, never adds");
        }
    }

    [TestCase("u1", 3012, TestName = "SippUnregistersOverUdp")]
    [TestCase("t1", 3015, TestName = "SippUnregistersOverTcp")]
    public async Task SippUnregisters(string transport, int firstUser)
    {
        var users = Users(firstUser, 3);

        await RunSippAsync("unregister.xml", transport, users);

        foreach (var user in users)
        {
            Assert.That(await RegistrationsAsync(user), Is.Empty);
        }
    }

    [TestCase("u1", 3018, TestName = "SippWithAWrongPasswordIsNeverRegisteredOverUdp")]
    [TestCase("t1", 3021, TestName = "SippWithAWrongPasswordIsNeverRegisteredOverTcp")]
    public async Task SippWrongPassword(string transport, int firstUser)
    {
        var users = Users(firstUser, 3);

        await RunSippAsync("wrong_password.xml", transport, users);

        foreach (var user in users)
        {
            Assert.That(await RegistrationsAsync(user), Is.Empty);
        }
    }

    [Test]
    public async Task BaresipRegistersRefreshesAndUnregistersOnExit()
    {
        await using var phone = Baresip.Start(
            new Baresip.Account("3030", "secret-3030", _install.SipPort, RegistrationInterval: 6), TimeSpan.FromSeconds(40));

        await phone.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(10));
        var registered = await RegistrationsAsync("3030");
        Assert.That(registered, Has.Length.EqualTo(1), phone.Output);
        Assert.That(registered[0].UserAgent, Does.Contain("baresip"));
        Assert.That(registered[0].ExpiresInSeconds, Is.InRange(1, 6), "regint=6 is granted as asked: it is above minExpires");

        // The refresh comes at 0.9 x 6 s; the binding then has a fresh expiry and is still the only one.
        await phone.WaitForRegistrationsAsync(2, TimeSpan.FromSeconds(15));
        var refreshed = await RegistrationsAsync("3030");
        Assert.That(refreshed, Has.Length.EqualTo(1));
        Assert.That(refreshed[0].Contact, Is.EqualTo(registered[0].Contact));
        Assert.That(refreshed[0].ExpiresAtUtc, Is.GreaterThan(registered[0].ExpiresAtUtc));

        var exitCode = await phone.QuitAsync(TimeSpan.FromSeconds(15));
        Assert.That(exitCode, Is.Zero, phone.Output);
        Assert.That(phone.Removals, Is.EqualTo(1), "baresip saw its removal answered with a 2xx");
        Assert.That(await RegistrationsAsync("3030"), Is.Empty);
    }

    [Test]
    public async Task SipsakRegistersWithDigest()
    {
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.Sipsak),
            ["-U", "-s", $"sip:3032@127.0.0.1:{SipPort}", "-u", "3032", "-a", "secret-3032", "--expires=60", "-vv"],
            PeerLimit);

        Assert.That(result.ExitCode, Is.Zero, result.Output + result.Error);
        Assert.That(result.Output, Does.Contain("All usrloc tests completed successful"));
        var bindings = await RegistrationsAsync("3032");
        Assert.That(bindings, Has.Length.EqualTo(1));
        Assert.That(bindings[0].UserAgent, Does.StartWith("sipsak"));
    }

    [Test]
    public async Task BaresipWithAWrongPasswordIsRefusedAndNotRegistered()
    {
        await using var phone = Baresip.Start(new Baresip.Account("3031", "not-the-password", _install.SipPort), TimeSpan.FromSeconds(20));

        Assert.That(async () => await phone.WaitForRegistrationsAsync(1, TimeSpan.FromSeconds(5)), Throws.Exception);
        Assert.That(phone.Outcomes.Where(o => o.Expires > 0).Select(o => o.Status), Has.All.EqualTo(401));
        Assert.That(await RegistrationsAsync("3031"), Is.Empty);
    }

    private static IReadOnlyList<string> Users(int first, int count) =>
        Enumerable.Range(first, count).Select(n => n.ToString(CultureInfo.InvariantCulture)).ToList();

    private async Task<string> RunSippAsync(string scenario, string transport, IReadOnlyList<string> users)
    {
        var injection = Path.Combine(_work.Path, $"{Path.GetFileNameWithoutExtension(scenario)}-{transport}.csv");
        SippUsers.Write(injection, users.Select(u => (u, "secret-" + u)));
        var scenarioPath = Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "Scenarios", scenario);
        var localPort = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.Sipp),
            [$"127.0.0.1:{SipPort}", "-sf", scenarioPath, "-inf", injection, "-t", transport, "-i", "127.0.0.1", "-p", localPort,
             "-m", users.Count.ToString(CultureInfo.InvariantCulture), "-r", "10", "-timeout", "30", "-timeout_error", "-nostdin",
             "-buff_size", "4000000", "-default_behaviors", "all,-bye"],
            PeerLimit);

        var output = result.Output + result.Error;
        Assert.That(result.TimedOut, Is.False, output);
        Assert.That(result.ExitCode, Is.Zero, $"SIPp reports failed calls\n{output}");
        Assert.That(result.Output, Does.Match($@"Successful call\s+\|\s+\d+\s+\|\s+{users.Count}\b"));
        return output;
    }

    private async Task<Registration[]> RegistrationsAsync(string extension) =>
        (await _server.Web.GetFromJsonAsync<Registration[]>($"/api/sip/registrations?extension={extension}"))!;

    private sealed record Registration(
        string Extension, string Contact, string Target, long ExpiresInSeconds, string Reachability, string? UserAgent,
        DateTimeOffset RegisteredAtUtc, DateTimeOffset ExpiresAtUtc);
}
