using CallCenter.Server.Service;

namespace CallCenter.Tests.Unit.Service;

[Platform("Linux")]
public sealed class ProcessCommandRunnerTests
{
    [Test]
    public void CapturesExitCodeAndBothStreams()
    {
        var result = new ProcessCommandRunner(TimeSpan.FromSeconds(30)).Run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]);

        Assert.That(result.ExitCode, Is.EqualTo(3));
        Assert.That(result.StandardOutput, Is.EqualTo("out\n"));
        Assert.That(result.StandardError, Is.EqualTo("err\n"));
        Assert.That(result.Reason, Is.EqualTo("exit code 3: err"));
    }

    [Test]
    public void ArgumentsArePassedVerbatimWithoutAShell()
    {
        var result = new ProcessCommandRunner(TimeSpan.FromSeconds(30)).Run("/bin/echo", ["two words", "$HOME", "a;b"]);

        Assert.That(result.StandardOutput, Is.EqualTo("two words $HOME a;b\n"));
    }

    [Test]
    public void AMissingProgramIsAResultNotAnException()
    {
        var result = new ProcessCommandRunner(TimeSpan.FromSeconds(30)).Run("/nonexistent/systemctl", ["status"]);

        Assert.That(result.ExitCode, Is.EqualTo(CommandResult.NotStarted));
        Assert.That(result.StandardError, Does.StartWith("cannot start /nonexistent/systemctl"));
    }

    [Test]
    public void AHungProgramIsKilledAtTheTimeout()
    {
        var result = new ProcessCommandRunner(TimeSpan.FromMilliseconds(300)).Run("/bin/sleep", ["30"]);

        Assert.That(result.ExitCode, Is.EqualTo(-1));
        Assert.That(result.StandardError, Does.Contain("did not finish within"));
    }
}
