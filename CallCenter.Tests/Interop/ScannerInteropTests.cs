using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

/// <summary>
/// The attacker's view: sipvicious against the real server with the shipped fail2ban settings (10 failures within
/// 60 s ban the source for 600 s). svwar must not learn which extensions exist; svcrack must be banned before it
/// can work through a dictionary, the ban must be logged once and listed for the console, and a banned source must
/// not even see the server. The tests build on each other (ban after the probes that need an unbanned source),
/// hence the explicit order and a server of their own.
/// </summary>
[NonParallelizable]
public sealed partial class ScannerInteropTests
{
    private const string Extension = "3000";
    private const string Password = "secret-3000";
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
            doc.Root!.Add(new XElement("user", new XAttribute("extension", Extension), new XAttribute("name", "Target"), new XAttribute("password", Password))));
        _work = new TempFolder();
        _server = await RunningServer.StartAsync(_install);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        var code = await _server.StopAsync();
        _install.Dispose();
        _work.Dispose();
        Assert.That(code, Is.EqualTo(0), "the server must survive the scanners and stop cleanly");
    }

    [Test]
    [Order(1)]
    public async Task SvwarCannotTellExistingExtensionsFromMissingOnes()
    {
        // 2990-3010 holds one configured extension (3000) among twenty that do not exist; 1000-1002 are in range too
        // with the plain scan below. svwar first learns the answer for a random extension, then lists every one that
        // answers differently: identical 401s leave it nothing to list.
        foreach (var arguments in new[]
                 {
                     new[] { "-e", "2990-3010", "-m", "REGISTER" },
                     ["-e", "995-1005", "-m", "REGISTER", "--force"],
                     ["-e", "2990-3010", "-m", "INVITE"],
                     ["-e", "2990-3010", "-m", "OPTIONS"],
                 })
        {
            var result = await ExternalProcess.RunAsync(
                Peers.Require(Peers.SvWar),
                [.. arguments, "127.0.0.1", "-p", SipPort, "-P", FreePorts.Next().ToString(CultureInfo.InvariantCulture)],
                PeerLimit);

            var output = result.Output + result.Error;
            Assert.That(result.TimedOut, Is.False, output);
            Assert.That(output, Does.Contain("found nothing"), string.Join(' ', arguments));
            Assert.That(output, Does.Not.Contain("reqauth").And.Not.Contain("| 3000").And.Not.Contain("| 1000"), string.Join(' ', arguments));
        }

        Assert.That(await BansAsync(), Is.Empty, "a few probes stay below the threshold");
    }

    [Test]
    [Order(2)]
    public async Task SvcrackFindsAPasswordItTriesBeforeTheThreshold()
    {
        // The control for the ban test below: svcrack does work against this server (it answers our MD5 challenge),
        // so its failing there is the ban's doing. A success also clears the source's failure count.
        var result = await RunSvcrackAsync(["wrong-guess", Password]);

        Assert.That(result, Does.Match($@"\|\s*{Extension}\s*\|\s*{Password}\s*\|"));
        Assert.That(await BansAsync(), Is.Empty);
    }

    [Test]
    [Order(3)]
    public async Task SvcrackIsBannedAfterTheConfiguredFailuresAndNeverReachesThePassword()
    {
        var words = Enumerable.Range(1, 30).Select(n => "guess" + n).Append(Password).ToList();

        var result = await RunSvcrackAsync(words);

        Assert.That(result, Does.Contain("found nothing").And.Not.Contain(Password));
        var ban = (await BansAsync()).Single();
        Assert.That(ban.Source, Is.EqualTo("127.0.0.1/32"));
        Assert.That(ban.Failures, Is.EqualTo(10), "the shipped maxFailures");
        Assert.That(ban.Until - ban.BannedAt, Is.EqualTo(TimeSpan.FromMinutes(10)), "the shipped banTime");

        // svcrack went on sending for its two seconds of silence: the ban is still logged exactly once.
        var log = await LogFiles.WaitForAsync(_install.LogFolder, LogFiles.Main, "Banned 127.0.0.1/32");
        Assert.That(BanLine().Matches(log), Has.Count.EqualTo(1), log);
    }

    [Test]
    [Order(4)]
    public async Task ABannedSourceDoesNotSeeTheServerWhileOthersDo()
    {
        Assume.That(await BansAsync(), Is.Not.Empty, "runs after the ban test");

        var banned = await SvmapAsync(bindAddress: null);
        var other = await SvmapAsync(bindAddress: "127.0.0.27");

        Assert.That(banned, Does.Not.Contain("CallCenter"), "a banned source gets no answer at all");
        Assert.That(other, Does.Contain($"127.0.0.1:{SipPort}").And.Contain("CallCenter"));
    }

    [Test]
    [Order(5)]
    public async Task AnAdminCanLiftABanFromTheConsoleApi()
    {
        Assume.That(await BansAsync(), Is.Not.Empty, "runs after the ban test");

        using var lifted = await _server.Web.DeleteAsync("/api/sip/bans/127.0.0.1");
        using var again = await _server.Web.DeleteAsync("/api/sip/bans/127.0.0.1");
        using var garbage = await _server.Web.DeleteAsync("/api/sip/bans/not-an-address");

        Assert.That((int)lifted.StatusCode, Is.EqualTo(204));
        Assert.That((int)again.StatusCode, Is.EqualTo(404));
        Assert.That((int)garbage.StatusCode, Is.EqualTo(400));
        Assert.That(await BansAsync(), Is.Empty);
        Assert.That(await SvmapAsync(bindAddress: null), Does.Contain("CallCenter"));
    }

    private async Task<string> RunSvcrackAsync(IEnumerable<string> words)
    {
        var dictionary = Path.Combine(_work.Path, $"words-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(dictionary, words);
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.SvCrack),
            ["-u", Extension, "-d", dictionary, "127.0.0.1", "-p", SipPort, "-P", FreePorts.Next().ToString(CultureInfo.InvariantCulture), "--maximumtime", "2"],
            PeerLimit);
        Assert.That(result.TimedOut, Is.False, result.Output + result.Error);
        return result.Output + result.Error;
    }

    private async Task<string> SvmapAsync(string? bindAddress)
    {
        string[] bind = bindAddress is null ? [] : ["-b", bindAddress];
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.SvMap),
            ["127.0.0.1", "-p", SipPort, "-P", FreePorts.Next().ToString(CultureInfo.InvariantCulture), .. bind],
            PeerLimit);
        Assert.That(result.TimedOut, Is.False);
        return result.Output + result.Error;
    }

    private async Task<Ban[]> BansAsync() => (await _server.Web.GetFromJsonAsync<Ban[]>("/api/sip/bans"))!;

    private sealed record Ban(string Source, DateTimeOffset BannedAt, DateTimeOffset Until, int Failures);

    [GeneratedRegex(@"Banned 127\.0\.0\.1/32 after")]
    private static partial Regex BanLine();
}
