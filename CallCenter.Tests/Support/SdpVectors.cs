using System.Text;
using CallCenter.Core.Sdp;

namespace CallCenter.Tests.Support;

/// <summary>
/// The SDP vectors under Protocol/Vectors/Sdp: single descriptions (*.sdp, byte for byte) and the RFC example
/// files, which hold "## section title" headings and "[Label]" descriptions running to the next blank line.
/// </summary>
public static class SdpVectors
{
    public sealed record Example(string Section, string Label, string Text)
    {
        public string Crlf => Text.Replace("\n", "\r\n", StringComparison.Ordinal);

        public override string ToString() => $"{Section} [{Label}]";
    }

    public static string Directory => Path.Combine(TestContext.CurrentContext.TestDirectory, "Protocol", "Vectors", "Sdp");

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Directory, file));

    public static string Text(string file) => Encoding.UTF8.GetString(Bytes(file));

    public static SdpSessionDescription Parse(string file) => ParseText(Text(file));

    public static SdpSessionDescription ParseText(string text)
    {
        if (!SdpParser.TryParse(text, out var description, out var error))
        {
            throw new AssertionException($"vector does not parse: {error}\n{text}");
        }

        return description;
    }

    // SIPp fills its keywords in like this for an IPv4 run: IP[local_ip_type] -> IP4, [media_ip] and [local_ip]
    // -> the address, [media_port] and [auto_media_port] -> the port.
    public static string Sipp(string file, string address = "192.0.2.50", int port = 6000) =>
        Text(file)
            .Replace("[local_ip_type]", "4", StringComparison.Ordinal)
            .Replace("[media_ip_type]", "4", StringComparison.Ordinal)
            .Replace("[local_ip]", address, StringComparison.Ordinal)
            .Replace("[media_ip]", address, StringComparison.Ordinal)
            .Replace("[auto_media_port]", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("[media_port]", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public static IReadOnlyList<Example> Examples(string file)
    {
        var result = new List<Example>();
        string? section = null;
        string? label = null;
        var body = new StringBuilder();
        foreach (var line in Text(file).Split('\n'))
        {
            if (label is not null)
            {
                if (line.Length == 0)
                {
                    result.Add(new Example(section!, label, body.ToString()));
                    label = null;
                    body.Clear();
                }
                else
                {
                    body.Append(line).Append('\n');
                }

                continue;
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line[3..].Split(' ')[0];
            }
            else if (line.StartsWith('[') && line.EndsWith(']'))
            {
                label = line[1..^1];
            }
        }

        if (label is not null)
        {
            result.Add(new Example(section!, label, body.ToString()));
        }

        return result;
    }

    public static Example Find(string file, string section, string label) =>
        Examples(file).Single(e => e.Section == section && e.Label == label);
}
