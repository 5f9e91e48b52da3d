using System.Diagnostics;
using System.Text;

namespace CallCenter.Tests.Support;

/// <summary>Reads a running server's rolling log files (opened shared: the server keeps writing them).</summary>
public static class LogFiles
{
    public const string Main = "callcenter-*.log";
    public const string SipTrace = "sip-trace-*.log";

    public static string Read(string folder, string pattern = Main)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }

    /// <summary>Polls until the files contain <paramref name="text"/> (bounded) and returns everything from there on.</summary>
    public static async Task<string> WaitForAsync(string folder, string pattern, string text, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        var content = string.Empty;
        while (clock.Elapsed < (limit ?? TimeSpan.FromSeconds(15)))
        {
            content = Read(folder, pattern);
            var at = content.IndexOf(text, StringComparison.Ordinal);
            if (at >= 0)
            {
                return content[at..];
            }

            await Task.Delay(100);
        }

        throw new AssertionException($"{pattern} never contained '{text}'. It had:\n{content}");
    }
}
