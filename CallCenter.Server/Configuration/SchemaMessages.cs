using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace CallCenter.Server.Configuration;

/// <summary>
/// Turns the validator's messages into sentences an admin can act on: which element or attribute, what it
/// must be, what to do. The patterns match the runtime's English resource strings (the only ones .NET ships
/// for System.Xml); anything they do not recognise is passed on unchanged, so a new runtime message is never
/// lost, only less friendly.
/// </summary>
internal static partial class SchemaMessages
{
    // Messages end up in logs and on consoles; the validator would quote a rejected password verbatim.
    private static readonly HashSet<string> Secrets = new(StringComparer.Ordinal) { "password", "certificatePassword", "ha1", "ha1Sha256" };

    public static string Rewrite(SchemaIssue issue, XDocument document, ConfigSchema schema, string schemaFile)
    {
        var message = issue.Message.Trim();

        var match = InvalidValue().Match(message);
        if (match.Success)
        {
            var attribute = match.Groups["attribute"].Value;
            var element = OwnerOf(document, issue, attribute);
            var rule = schema.DescribeAttribute(element, attribute);
            var value = Secrets.Contains(attribute) ? "***" : match.Groups["value"].Value;
            return rule is null
                ? $"'{attribute}' on <{element}> has the invalid value '{value}': {match.Groups["reason"].Value}"
                : $"'{attribute}' on <{element}> is '{value}', but it must be {rule}.";
        }

        match = UndeclaredAttribute().Match(message);
        if (match.Success)
        {
            var attribute = match.Groups["attribute"].Value;
            var element = OwnerOf(document, issue, attribute);
            var allowed = schema.AttributeNames(element);
            return allowed.Count == 0
                ? $"<{element}> takes no attribute '{attribute}'; remove it."
                : $"<{element}> has no attribute '{attribute}'; fix its spelling or remove it (allowed: {string.Join(", ", allowed)}).";
        }

        match = MissingAttribute().Match(message);
        if (match.Success)
        {
            var attribute = match.Groups["attribute"].Value;
            var rule = schema.DescribeAttribute(issue.NodeName, attribute);
            var hint = rule is null ? string.Empty : $", {rule}";
            return $"<{issue.NodeName}> needs the attribute '{attribute}'; add {attribute}=\"...\"{hint}.";
        }

        match = UnexpectedChild().Match(message);
        if (match.Success)
        {
            var expected = match.Groups["expected"].Success
                ? $"expected here: {match.Groups["expected"].Value}"
                : "nothing more is expected here";
            return $"<{match.Groups["child"].Value}> is not allowed at this place in <{match.Groups["parent"].Value}> ({expected}); " +
                "check its spelling, that it appears only once, and the order given in " + $"{ConfigSchema.Folder}/{schemaFile}.";
        }

        match = IncompleteContent().Match(message);
        if (match.Success)
        {
            var expected = match.Groups["expected"].Value.Split(", ", StringSplitOptions.RemoveEmptyEntries);
            return $"<{match.Groups["parent"].Value}> is incomplete; add <{string.Join("> or <", expected)}> inside it.";
        }

        match = UndeclaredElement().Match(message);
        if (match.Success)
        {
            var element = match.Groups["element"].Value;
            return issue.Line > 0 && document.Root?.Name.LocalName == element && schema.RootNames.Count > 0
                ? $"The root element must be <{string.Join("> or <", schema.RootNames)}>, not <{element}>; this is not the file the schema expects."
                : $"<{element}> is not a known element; fix its spelling or remove it.";
        }

        match = RepeatedElement().Match(message);
        if (match.Success)
        {
            return $"<{match.Groups["element"].Value}> may appear only once; merge the two into one.";
        }

        if (TextNotAllowed().IsMatch(message))
        {
            return $"<{ElementHolding(document, issue)}> cannot contain text; settings go into attributes, so remove the text.";
        }

        return message;
    }

    // The attribute the validator complained about: the reader's position gives line and column; the document
    // gives its owner element.
    private static string OwnerOf(XDocument document, SchemaIssue issue, string attribute)
    {
        XAttribute? byName = null;
        foreach (var element in document.Descendants())
        {
            var candidate = element.Attribute(attribute);
            if (candidate is null)
            {
                continue;
            }

            byName ??= candidate;
            var info = (IXmlLineInfo)candidate;
            if (info.LineNumber == issue.Line && info.LinePosition == issue.Column)
            {
                return element.Name.LocalName;
            }
        }

        return byName?.Parent?.Name.LocalName ?? "?";
    }

    // The element whose text content the validator stopped at.
    private static string ElementHolding(XDocument document, SchemaIssue issue)
    {
        foreach (var text in document.DescendantNodes().OfType<XText>())
        {
            var info = (IXmlLineInfo)text;
            if (info.LineNumber == issue.Line && info.LinePosition == issue.Column)
            {
                return text.Parent?.Name.LocalName ?? "?";
            }
        }

        return issue.NodeName.Length > 0 ? issue.NodeName : "?";
    }

    [GeneratedRegex(@"^The '(?<attribute>[^']+)' attribute is invalid - The value '(?<value>.*)' is invalid according to its datatype '[^']*' - (?<reason>.*)$", RegexOptions.Singleline)]
    private static partial Regex InvalidValue();

    [GeneratedRegex(@"^The '(?<attribute>[^']+)' attribute is not declared\.$")]
    private static partial Regex UndeclaredAttribute();

    [GeneratedRegex(@"^The required attribute '(?<attribute>[^']+)' is missing\.$")]
    private static partial Regex MissingAttribute();

    [GeneratedRegex(@"^The element '(?<parent>[^']+)' has invalid child element '(?<child>[^']+)'\.( List of possible elements expected: '(?<expected>[^']*)'\.)?")]
    private static partial Regex UnexpectedChild();

    [GeneratedRegex(@"^The element '(?<parent>[^']+)' has incomplete content\. List of possible elements expected: '(?<expected>[^']*)'\.")]
    private static partial Regex IncompleteContent();

    [GeneratedRegex(@"^The '(?<element>[^']+)' element is not declared\.$")]
    private static partial Regex UndeclaredElement();

    [GeneratedRegex(@"^The element (('[^']+' )?)cannot contain text\.")]
    private static partial Regex TextNotAllowed();

    [GeneratedRegex(@"^Element '(?<element>[^']+)' cannot appear more than once")]
    private static partial Regex RepeatedElement();
}
