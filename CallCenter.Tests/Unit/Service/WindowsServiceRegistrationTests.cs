using System.Diagnostics;
using CallCenter.Server.Service;

namespace CallCenter.Tests.Unit.Service;

public sealed class WindowsServiceRegistrationTests
{
    [TestCase(@"C:\CallCenter\CallCenter.Server.exe", @"C:\CallCenter\CallCenter.Server.exe")]
    [TestCase(@"C:\Program Files\CallCenter\CallCenter.Server.exe", @"""C:\Program Files\CallCenter\CallCenter.Server.exe""")]
    [TestCase(@"C:\Program Files\CallCenter\", @"""C:\Program Files\CallCenter\\""")]
    [TestCase(@"a\b", @"a\b")]
    [TestCase(@"say ""hi""", @"""say \""hi\""""")]
    [TestCase(@"a\\""b", @"""a\\\\\""b""")]
    [TestCase("", @"""""")]
    public void QuotesLikeCommandLineToArgvExpects(string argument, string expected)
    {
        Assert.That(WindowsCommandLine.Quote(argument), Is.EqualTo(expected));
    }

    [Test]
    public void TheBinaryPathQuotesTheExecutableAndTheConfigFolder()
    {
        var settings = new ServiceInstallSettings
        {
            InstallDirectory = @"C:\Program Files\CallCenter",
            ConfigFolder = @"C:\ProgramData\CallCenter\config",
            DataFolder = @"C:\ProgramData\CallCenter\data",
            LogFolder = @"C:\ProgramData\CallCenter\logs",
            Command = [@"C:\Program Files\CallCenter\CallCenter.Server.exe", "run", "--config", @"C:\Program Data\CallCenter\config"],
        };

        Assert.That(WindowsServiceRegistration.BinaryPath(settings), Is.EqualTo(
            @"""C:\Program Files\CallCenter\CallCenter.Server.exe"" run --config ""C:\Program Data\CallCenter\config"""));
        Assert.That(WindowsServiceRegistration.Account(settings), Is.EqualTo(@"NT SERVICE\callcenter"));
    }

    [Test]
    [Platform("Linux")]
    public void AJoinedCommandLineSplitsBackIntoTheSameArguments()
    {
        // .NET splits ProcessStartInfo.Arguments with the Windows (CommandLineToArgvW) rules on every platform,
        // so a real child process shows what the Service Control Manager's command line turns into.
        string[] arguments = [@"C:\Program Files\CallCenter\", "plain", "two words", @"quote""inside", @"back\\""slash", ""];
        var start = new ProcessStartInfo("/bin/sh")
        {
            Arguments = WindowsCommandLine.Join(["-c", "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done", "sh", .. arguments]),
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(10_000), Is.True);

        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(arguments.Select(a => $"[{a}]")));
    }

    [TestCase(WindowsServiceState.Running, "running", ServiceExitCode.Success)]
    [TestCase(WindowsServiceState.Stopped, "stopped", ServiceExitCode.NotRunning)]
    [TestCase(WindowsServiceState.StartPending, "starting", ServiceExitCode.NotRunning)]
    [TestCase(WindowsServiceState.StopPending, "stopping", ServiceExitCode.NotRunning)]
    [TestCase(WindowsServiceState.Paused, "paused", ServiceExitCode.NotRunning)]
    [TestCase((WindowsServiceState)42, "in unknown state 42", ServiceExitCode.NotRunning)]
    public void StatesMapToWordsAndStatusExitCodes(WindowsServiceState state, string words, int exitCode)
    {
        Assert.That(WindowsServiceStates.Describe(state), Is.EqualTo(words));
        Assert.That(WindowsServiceStates.StatusExitCode(state), Is.EqualTo(exitCode));
    }

    [Test]
    public void StatesHaveTheirWinsvcValues()
    {
        // SERVICE_STOPPED .. SERVICE_PAUSED in winsvc.h; the interop casts dwCurrentState straight to this enum.
        Assert.That(Enum.GetValues<WindowsServiceState>().Select(s => (int)s), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6, 7 }));
    }
}
