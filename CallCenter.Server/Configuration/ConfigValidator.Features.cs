using System.Xml.Linq;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>Rules for the &lt;features&gt; section of callcenter.xml.</summary>
internal static partial class ConfigValidator
{
    // A dialled number must mean one thing: two functions on one code would make the phone's request a guess, and a
    // code that begins with a code taking digits (an extension, a PIN, a reason) would be read as that code plus odd
    // digits.
    public static void ValidateFeatures(ConfigReader r, XElement? element, FeatureCodesOptions codes)
    {
        var all = codes.All.ToList();
        for (var j = 0; j < all.Count; j++)
        {
            var (name, code, _) = all[j];
            var at = element is null ? null : At(element, name);
            for (var i = 0; i < j; i++)
            {
                var (otherName, otherCode, _) = all[i];
                if (code == otherCode)
                {
                    r.Error(at ?? element, $"Feature code {code} of {name} is already the code of {otherName}; give one of them another code.");
                    break;
                }
            }

            for (var i = 0; i < all.Count; i++)
            {
                var (otherName, otherCode, otherTakesArgument) = all[i];
                if (i != j && otherTakesArgument && code != otherCode && code.StartsWith(otherCode, StringComparison.Ordinal))
                {
                    // On whichever of the two the admin wrote: usually the short code that swallows a default.
                    r.Error(element?.Attribute(name) ?? element?.Attribute(otherName) ?? (XObject?)element,
                        $"Feature code {code} of {name} begins with {otherCode}, the code of {otherName}, which digits follow; " +
                        $"{code} would be read as {otherName} with {code[otherCode.Length..]}. Give {name} a code that does not begin with {otherCode}.");
                }
            }
        }
    }
}
