using System.Text;

namespace CallCenter.Server.Service;

/// <summary>
/// Builds a Windows command line that CommandLineToArgvW (and so the .NET runtime's args) splits back into the
/// same arguments. The Service Control Manager stores one string as the service's binary path; an unquoted
/// path with spaces ("C:\Program Files\CallCenter\...") is the classic unquoted-service-path hole, where
/// Windows tries C:\Program.exe first.
/// </summary>
public static class WindowsCommandLine
{
    public static string Join(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Quote));

    /// <summary>
    /// Quotes one argument when needed. Inside quotes, backslashes are literal except before a quote: 2n
    /// backslashes + quote mean n backslashes and the end of the quoted part, 2n+1 + quote mean n and a literal
    /// quote. So backslashes that precede a quote, or the closing quote, are doubled.
    /// </summary>
    public static string Quote(string argument)
    {
        if (argument.Length > 0 && !argument.Any(c => c is ' ' or '\t' or '\n' or '\v' or '"'))
        {
            return argument;
        }

        var quoted = new StringBuilder(argument.Length + 2).Append('"');
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            if (c == '"')
            {
                quoted.Append('\\', (backslashes * 2) + 1).Append('"');
            }
            else
            {
                quoted.Append('\\', backslashes).Append(c);
            }

            backslashes = 0;
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
}
