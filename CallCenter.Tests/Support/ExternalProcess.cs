using System.Diagnostics;
using System.Text;

namespace CallCenter.Tests.Support;

/// <summary>Runs a program to completion with a hard time limit and captured output; a program still running at
/// the limit is killed with its children, so no test can hang the suite.</summary>
public static class ExternalProcess
{
    public sealed record Result(int? ExitCode, string Output, string Error, bool TimedOut);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, TimeSpan limit, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (error) { error.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(limit);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // WaitForExit without a timeout drains the redirected streams to their end.
        process.WaitForExit();
        lock (output)
        {
            lock (error)
            {
                return new Result(timedOut ? null : process.ExitCode, output.ToString(), error.ToString(), timedOut);
            }
        }
    }
}
