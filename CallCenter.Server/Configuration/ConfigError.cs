namespace CallCenter.Server.Configuration;

/// <summary>One problem found in a configuration file, located so that an admin can go straight to it.</summary>
/// <param name="File">The file name relative to the configuration folder, e.g. <c>extensions.xml</c>.</param>
/// <param name="Line">1-based line, or 0 when the problem is the file as a whole (missing, unreadable).</param>
/// <param name="Column">1-based column, or 0 as for <paramref name="Line"/>.</param>
/// <param name="Message">What is wrong and what to change.</param>
public sealed record ConfigError(string File, int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}
