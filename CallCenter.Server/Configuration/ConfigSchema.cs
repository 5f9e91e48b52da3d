using System.Globalization;
using System.Xml;
using System.Xml.Schema;

namespace CallCenter.Server.Configuration;

/// <summary>
/// The compiled XSD of one configuration file, plus what the error rewriting needs to know about it: which
/// attributes an element allows and how to describe the values an attribute accepts. Loaded from the
/// configuration folder's <c>schema/</c> subfolder on every load, so that a schema edited alongside the files
/// takes effect with them.
/// </summary>
internal sealed class ConfigSchema
{
    public const string Folder = "schema";

    // Element names are unique within each of our schemas, so a flat map by name is enough to find the
    // declaration a validation message talks about.
    private readonly Dictionary<string, XmlSchemaElement> _elements = new(StringComparer.Ordinal);

    private ConfigSchema(XmlSchemaSet set)
    {
        Set = set;
        foreach (XmlSchemaElement element in set.GlobalElements.Values)
        {
            RootNames.Add(element.Name ?? string.Empty);
            Collect(element);
        }
    }

    public XmlSchemaSet Set { get; }

    public List<string> RootNames { get; } = [];

    /// <summary>Loads <c>schema/{schemaFile}</c>; a missing or broken schema becomes a located error.</summary>
    public static ConfigSchema? Load(string configFolder, string schemaFile, List<ConfigError> errors)
    {
        var relative = $"{Folder}/{schemaFile}";
        var path = Path.Combine(configFolder, Folder, schemaFile);
        if (!File.Exists(path))
        {
            errors.Add(new ConfigError(relative, 0, 0,
                $"The schema file is missing; expected it at '{path}'. It ships with the configuration: restore it from the installation package."));
            return null;
        }

        var set = new XmlSchemaSet { XmlResolver = null };
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using (var reader = XmlReader.Create(path, settings))
            {
                set.Add(null, reader);
            }

            set.Compile();
        }
        catch (XmlSchemaException ex)
        {
            errors.Add(new ConfigError(relative, ex.LineNumber, ex.LinePosition, $"The schema is broken: {ex.Message}"));
            return null;
        }
        catch (XmlException ex)
        {
            errors.Add(new ConfigError(relative, ex.LineNumber, ex.LinePosition, $"The schema is not well-formed XML: {ex.Message}"));
            return null;
        }
        catch (IOException ex)
        {
            errors.Add(new ConfigError(relative, 0, 0, $"Cannot read the schema: {ex.Message}"));
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            errors.Add(new ConfigError(relative, 0, 0, $"Cannot read the schema: {ex.Message}"));
            return null;
        }

        return new ConfigSchema(set);
    }

    public IReadOnlyList<string> AttributeNames(string element)
    {
        if (!_elements.TryGetValue(element, out var declaration) || declaration.ElementSchemaType is not XmlSchemaComplexType type)
        {
            return [];
        }

        return type.AttributeUses.Names.Cast<XmlQualifiedName>().Select(n => n.Name).ToList();
    }

    /// <summary>
    /// Describes what an attribute accepts, as the end of "it must be ...": the schema's own documentation
    /// where it has one (patterns mean nothing to an admin), otherwise the facets.
    /// </summary>
    public string? DescribeAttribute(string element, string attribute)
    {
        if (!_elements.TryGetValue(element, out var declaration) || declaration.ElementSchemaType is not XmlSchemaComplexType type)
        {
            return null;
        }

        if (type.AttributeUses[new XmlQualifiedName(attribute)] is not XmlSchemaAttribute use)
        {
            return null;
        }

        return Documentation(use.Annotation) ?? Describe(use.AttributeSchemaType);
    }

    private static string? Describe(XmlSchemaSimpleType? type)
    {
        if (type is null)
        {
            return null;
        }

        var documentation = Documentation(type.Annotation);
        if (documentation is not null)
        {
            return documentation;
        }

        var enumeration = new List<string>();
        string? min = null;
        string? max = null;
        for (var current = type; current is not null; current = current.BaseXmlSchemaType as XmlSchemaSimpleType)
        {
            if (current.Content is not XmlSchemaSimpleTypeRestriction restriction)
            {
                continue;
            }

            foreach (var facet in restriction.Facets)
            {
                switch (facet)
                {
                    case XmlSchemaEnumerationFacet e when e.Value is not null:
                        enumeration.Add(e.Value);
                        break;
                    case XmlSchemaMinInclusiveFacet f:
                        min ??= f.Value;
                        break;
                    case XmlSchemaMaxInclusiveFacet f:
                        max ??= f.Value;
                        break;
                }
            }

            if (enumeration.Count > 0)
            {
                break;
            }
        }

        if (enumeration.Count > 0)
        {
            return "one of " + string.Join(", ", enumeration);
        }

        return type.TypeCode switch
        {
            XmlTypeCode.Int or XmlTypeCode.Integer or XmlTypeCode.Long when min is not null && max is not null =>
                string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"),
            XmlTypeCode.Int or XmlTypeCode.Integer or XmlTypeCode.Long => "a whole number",
            XmlTypeCode.Boolean => "true or false",
            _ => null,
        };
    }

    private static string? Documentation(XmlSchemaAnnotation? annotation)
    {
        if (annotation is null)
        {
            return null;
        }

        foreach (var item in annotation.Items)
        {
            if (item is XmlSchemaDocumentation { Markup: { } markup })
            {
                var text = string.Concat(markup.Select(node => node?.InnerText)).Trim();
                if (text.Length > 0)
                {
                    return text;
                }
            }
        }

        return null;
    }

    private void Collect(XmlSchemaElement element)
    {
        if (element.Name is null || !_elements.TryAdd(element.Name, element))
        {
            return;
        }

        if (element.ElementSchemaType is XmlSchemaComplexType complex)
        {
            CollectParticle(complex.ContentTypeParticle);
        }
    }

    private void CollectParticle(XmlSchemaParticle? particle)
    {
        switch (particle)
        {
            case XmlSchemaElement element:
                Collect(element);
                break;
            case XmlSchemaGroupBase group:
                foreach (var item in group.Items)
                {
                    CollectParticle(item as XmlSchemaParticle);
                }

                break;
        }
    }
}
