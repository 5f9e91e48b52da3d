using System.Globalization;

namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// The Date header value (§20.17: RFC 1123 form, always GMT) made once per second and shared: every 200 to a
/// REGISTER carries one, and under load thousands fall within the same second. Thread-safe: the last value is an
/// immutable pair swapped whole, and racing threads at a second's turn format equal strings.
/// </summary>
internal sealed class DateHeaderCache
{
    private Entry? _last;

    public string Format(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Second == second)
        {
            return last.Text;
        }

        // "r" drops the fraction of a second, so every instant of that second formats to this same text.
        var text = now.ToString("r", CultureInfo.InvariantCulture);
        Volatile.Write(ref _last, new Entry(second, text));
        return text;
    }

    private sealed record Entry(long Second, string Text);
}
