using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace CallCenter.Server.Configuration;

/// <summary>
/// Reads one configuration file through its XSD. Every schema violation is collected with the validator's
/// line and column (the validator keeps going after an error, so one run lists all of them, except inside an
/// element whose content model already failed, which it skips). The document is only handed on when it is
/// well-formed and valid, so that the typed reading and the semantic rules never see a structurally bad file.
/// </summary>
internal static class ConfigDocument
{
    public static XDocument? Load(string folder, string fileName, string schemaFile, List<ConfigError> errors)
    {
        var path = Path.Combine(folder, fileName);
        if (!File.Exists(path))
        {
            errors.Add(new ConfigError(fileName, 0, 0, $"The file is missing; expected it at '{path}'."));
            return null;
        }

        var schema = ConfigSchema.Load(folder, schemaFile, errors);
        if (schema is null)
        {
            return null;
        }

        var issues = new List<SchemaIssue>();
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            ValidationType = ValidationType.Schema,
            Schemas = schema.Set,
        };

        // Runs synchronously inside XDocument.Load, while the reader sits on the node that failed; its name is
        // all the rewriting needs besides the message, and the exception carries the position.
        settings.ValidationEventHandler += (sender, e) =>
        {
            var reader = sender as XmlReader;
            issues.Add(new SchemaIssue(
                e.Exception?.LineNumber ?? 0,
                e.Exception?.LinePosition ?? 0,
                e.Message,
                reader?.NodeType ?? XmlNodeType.None,
                reader?.LocalName ?? string.Empty));
        };

        XDocument document;
        try
        {
            using var reader = XmlReader.Create(path, settings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            errors.Add(new ConfigError(fileName, ex.LineNumber, ex.LinePosition, $"Not well-formed XML: {ex.Message}"));
            return null;
        }
        catch (IOException ex)
        {
            errors.Add(new ConfigError(fileName, 0, 0, $"Cannot read the file: {ex.Message}"));
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            errors.Add(new ConfigError(fileName, 0, 0, $"Cannot read the file: {ex.Message}"));
            return null;
        }

        if (document.Root is null)
        {
            errors.Add(new ConfigError(fileName, 0, 0, "The file has no root element."));
            return null;
        }

        foreach (var issue in issues)
        {
            errors.Add(new ConfigError(fileName, issue.Line, issue.Column, SchemaMessages.Rewrite(issue, document, schema, schemaFile)));
        }

        return issues.Count == 0 ? document : null;
    }
}

/// <summary>One validation event as the validator reported it, before its message is made readable.</summary>
internal sealed record SchemaIssue(int Line, int Column, string Message, XmlNodeType NodeType, string NodeName);
