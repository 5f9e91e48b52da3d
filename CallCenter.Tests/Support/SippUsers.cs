using System.Text;

namespace CallCenter.Tests.Support;

/// <summary>
/// The injection file (-inf) of the REGISTER scenarios: one call per line, taken in order. Fields: extension,
/// an [authentication] keyword with the right password, one with a wrong password. SIPp 3.6.1 expands a whole
/// keyword held in a field but not [field0] nested inside [authentication ...], hence the repetition.
/// </summary>
public static class SippUsers
{
    public static void Write(string path, IEnumerable<(string Extension, string Password)> users)
    {
        var text = new StringBuilder("SEQUENTIAL\n");
        foreach (var (extension, password) in users)
        {
            if (extension.Contains(';', StringComparison.Ordinal) || password.Contains(';', StringComparison.Ordinal)
                || password.Contains(' ', StringComparison.Ordinal) || password.Contains(']', StringComparison.Ordinal))
            {
                // ';' splits fields; SIPp ends the keyword at ']' and its parameters at a space.
                throw new ArgumentException($"SIPp cannot carry '{extension}' / '{password}' in an injection file", nameof(users));
            }

            text.Append(extension)
                .Append(";[authentication username=").Append(extension).Append(" password=").Append(password).Append(']')
                .Append(";[authentication username=").Append(extension).Append(" password=").Append(password).Append("-wrong]\n");
        }

        File.WriteAllText(path, text.ToString());
    }
}
