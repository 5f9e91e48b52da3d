using System.Collections.Immutable;
using System.Net;
using System.Xml;
using System.Xml.Linq;

namespace CallCenter.Server.Configuration;

/// <summary>
/// The rules about meaning that a schema cannot express: uniqueness, references between elements, ranges that
/// depend on each other, files that must exist. Runs on a file only after it passed its XSD and was read
/// without errors, so every value is well-typed here. One rule is one method; each error sits on the
/// attribute that should change (or the element, when the fix is to add an attribute) and says what to do.
/// </summary>
internal static partial class ConfigValidator
{
    private static XObject At(XElement element, string attribute) => (XObject?)element.Attribute(attribute) ?? element;

    private static string Where(XObject at) =>
        at is IXmlLineInfo info && info.HasLineInfo() ? $"line {info.LineNumber}, column {info.LinePosition}" : "elsewhere in the file";

    /// <summary>Pairs each parsed item with the element it came from; the reader keeps document order.</summary>
    private static ImmutableArray<(T Value, XElement Element)> Zip<T>(ImmutableArray<T> values, IEnumerable<XElement> elements)
    {
        var list = elements.ToList();
        if (list.Count != values.Length)
        {
            throw new InvalidOperationException($"{list.Count} elements were read into {values.Length} values.");
        }

        return values.Select((value, i) => (value, list[i])).ToImmutableArray();
    }

    /// <summary>
    /// Whether two sockets of the same kind on these addresses would collide. A wildcard covers its own address
    /// family only: the transports open IPv6 sockets as IPv6-only, so 0.0.0.0 and :: can share a port.
    /// </summary>
    private static bool Overlap(IPAddress a, IPAddress b)
    {
        if (a.AddressFamily != b.AddressFamily)
        {
            return false;
        }

        return a.Equals(b) || IsWildcard(a) || IsWildcard(b);
    }

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
