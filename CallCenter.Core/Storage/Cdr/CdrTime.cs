using System.Globalization;

namespace CallCenter.Core.Storage.Cdr;

/// <summary>
/// The one text form of every time in the cdr and cel tables: UTC in the round-trip ("O") format, so that all values
/// have the same width and offset and compare as text in time order (the range queries and MAX() rely on it).
/// </summary>
internal static class CdrTime
{
    public static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public static DateTimeOffset? ParseOrNull(string? text) => text is null ? null : Parse(text);
}
