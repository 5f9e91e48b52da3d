using System.Globalization;
using System.Net;
using System.Xml;
using System.Xml.Linq;

namespace CallCenter.Server.Configuration;

/// <summary>
/// Reads typed attribute values from one XML file and records every bad value as a located
/// <see cref="ConfigError"/> instead of throwing, so that one run reports all problems of a file at once.
/// A bad value yields the supplied fallback so that reading can go on; the caller discards the result
/// whenever <see cref="HasErrors"/> is set.
/// </summary>
internal sealed class ConfigReader(string fileName, List<ConfigError> errors)
{
    public string FileName { get; } = fileName;

    public bool HasErrors => errors.Count > 0;

    public void Error(XObject? at, string message)
    {
        var info = at as IXmlLineInfo;
        var line = info?.HasLineInfo() == true ? info.LineNumber : 0;
        var column = info?.HasLineInfo() == true ? info.LinePosition : 0;
        errors.Add(new ConfigError(FileName, line, column, message));
    }

    public string? OptionalString(XElement element, string name)
    {
        var value = element.Attribute(name)?.Value;
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public string RequiredString(XElement element, string name)
    {
        var attribute = element.Attribute(name);
        if (attribute is null || string.IsNullOrWhiteSpace(attribute.Value))
        {
            Error(attribute ?? (XObject)element, $"<{element.Name.LocalName}> needs a non-empty '{name}' attribute.");
            return string.Empty;
        }

        return attribute.Value.Trim();
    }

    public int Int(XElement element, string name, int fallback, int min, int max)
    {
        var attribute = element.Attribute(name);
        if (attribute is null)
        {
            return fallback;
        }

        if (!int.TryParse(attribute.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Error(attribute, $"'{name}' must be a whole number, not '{attribute.Value}'.");
            return fallback;
        }

        if (value < min || value > max)
        {
            Error(attribute, $"'{name}' must be between {min} and {max}; it is {value}.");
            return fallback;
        }

        return value;
    }

    public TimeSpan Seconds(XElement element, string name, TimeSpan fallback, int min, int max) =>
        TimeSpan.FromSeconds(Int(element, name, (int)fallback.TotalSeconds, min, max));

    public TimeSpan Milliseconds(XElement element, string name, TimeSpan fallback, int min, int max) =>
        TimeSpan.FromMilliseconds(Int(element, name, (int)fallback.TotalMilliseconds, min, max));

    public bool Bool(XElement element, string name, bool fallback)
    {
        var attribute = element.Attribute(name);
        if (attribute is null)
        {
            return fallback;
        }

        switch (attribute.Value.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "1" or "on":
                return true;
            case "false" or "no" or "0" or "off":
                return false;
            default:
                Error(attribute, $"'{name}' must be true or false, not '{attribute.Value}'.");
                return fallback;
        }
    }

    public IPAddress? Address(XElement element, string name, IPAddress? fallback)
    {
        var attribute = element.Attribute(name);
        if (attribute is null)
        {
            return fallback;
        }

        if (!IPAddress.TryParse(attribute.Value.Trim(), out var address))
        {
            Error(attribute, $"'{name}' must be an IPv4 or IPv6 address such as 0.0.0.0 or ::, not '{attribute.Value}'.");
            return fallback;
        }

        return address;
    }

    public TEnum Enum<TEnum>(XElement element, string name, TEnum fallback)
        where TEnum : struct, System.Enum
    {
        var attribute = element.Attribute(name);
        if (attribute is null)
        {
            return fallback;
        }

        if (!System.Enum.TryParse<TEnum>(attribute.Value.Trim(), ignoreCase: true, out var value)
            || !System.Enum.IsDefined(value)
            || int.TryParse(attribute.Value.Trim(), out _))
        {
            var allowed = string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()));
            Error(attribute, $"'{name}' must be one of {allowed}; '{attribute.Value}' is not.");
            return fallback;
        }

        return value;
    }

    /// <summary>An attribute that names one of <paramref name="map"/>'s tokens; an error naming them all otherwise.</summary>
    public T Token<T>(XElement element, string name, (string Text, T Value)[] map, T fallback)
    {
        var attribute = element.Attribute(name);
        if (attribute is null)
        {
            return fallback;
        }

        var text = attribute.Value.Trim();
        foreach (var (candidate, value) in map)
        {
            if (string.Equals(candidate, text, StringComparison.Ordinal))
            {
                return value;
            }
        }

        Error(attribute, $"'{name}' must be one of {string.Join(", ", map.Select(m => m.Text))}; '{attribute.Value}' is not.");
        return fallback;
    }
}
