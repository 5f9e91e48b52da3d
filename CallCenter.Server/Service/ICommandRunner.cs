using System.Collections.Immutable;

namespace CallCenter.Server.Service;

/// <summary>
/// Runs an external program to completion. The service verbs change the machine only through this (and through
/// files under paths they are given), so tests can assert the exact commands without running them.
/// </summary>
public interface ICommandRunner
{
    CommandResult Run(string fileName, ImmutableArray<string> arguments);
}

public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The shell convention for "command not found", used when the program could not be started at all.</summary>
    public const int NotStarted = 127;

    public bool Succeeded => ExitCode == 0;

    /// <summary>The most useful single line to show an administrator when the command failed.</summary>
    public string Reason
    {
        get
        {
            var text = string.IsNullOrWhiteSpace(StandardError) ? StandardOutput : StandardError;
            text = text.Trim();
            return text.Length == 0 ? $"exit code {ExitCode}" : $"exit code {ExitCode}: {text}";
        }
    }
}
