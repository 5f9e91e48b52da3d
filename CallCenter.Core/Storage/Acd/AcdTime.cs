using System.Globalization;

namespace CallCenter.Core.Storage.Acd;

/// <summary>The text form of times in the ACD tables, the same as the CDR's: UTC "O", so text order is time order.</summary>
internal static class AcdTime
{
    public static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
