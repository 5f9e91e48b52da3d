using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace CallCenter.Server.Service;

/// <summary>
/// The real <see cref="ICommandRunner"/>. Synchronous on purpose: the verbs are one-shot command-line actions with
/// nothing else to do while systemctl works, and they never run inside the server's host.
/// </summary>
public sealed class ProcessCommandRunner(TimeSpan timeout) : ICommandRunner
{
    /// <summary>
    /// systemctl stop waits for the unit's own stop timeout (drain + margin), so the bound must exceed it; it only
    /// exists so that a wedged command cannot hang an install script forever.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public ProcessCommandRunner()
        : this(DefaultTimeout)
    {
    }

    public CommandResult Run(string fileName, ImmutableArray<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Both pipes are drained by events: reading one to the end while the child blocks writing the other
        // would deadlock once a pipe buffer fills.
        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new CommandResult(CommandResult.NotStarted, string.Empty, $"cannot start {fileName}: {ex.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Append(error, $"{fileName} did not finish within {timeout.TotalSeconds:0} s and was killed.");
            return new CommandResult(-1, Read(output), Read(error));
        }

        // The parameterless overload also waits for the redirected streams to reach end of file.
        process.WaitForExit();
        return new CommandResult(process.ExitCode, Read(output), Read(error));
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    private static string Read(StringBuilder source)
    {
        lock (source)
        {
            return source.ToString();
        }
    }
}
