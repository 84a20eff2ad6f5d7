using System.Xml;
using System.Xml.Schema;

namespace ContentPipeline.Testing;

/// <summary>
/// Validates sitemaps with a real XML schema validator (<see cref="XmlSchemaSet"/>) against the sitemap protocol's XSDs
/// (<c>sitemap.xsd</c>, <c>siteindex.xsd</c>) and the news extension's, which the protocol's <c>xsd:any strict</c>
/// makes the validator apply to every <c>news:</c> element.
/// </summary>
internal static class SitemapSchemas
{
    private static readonly Lazy<XmlSchemaSet> UrlSetSchemas = new(() => Load("sitemap.xsd", "sitemap-news.xsd"));
    private static readonly Lazy<XmlSchemaSet> IndexSchemas = new(() => Load("siteindex.xsd"));

    /// <summary>Validates a URL set (a sitemap or a news sitemap); throws with every error found.</summary>
    public static void ValidateUrlSet(BinaryData content) => Validate(content, UrlSetSchemas.Value);

    /// <summary>Validates a sitemap index; throws with every error found.</summary>
    public static void ValidateIndex(BinaryData content) => Validate(content, IndexSchemas.Value);

    private static void Validate(BinaryData content, XmlSchemaSet schemas)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas, DtdProcessing = DtdProcessing.Prohibit };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} at {e.Exception.LineNumber}:{e.Exception.LinePosition}: {e.Message}");
        using (var reader = XmlReader.Create(content.ToStream(), settings))
        {
            while (reader.Read())
            {
            }
        }

        if (errors.Count > 0)
        {
            throw new XmlSchemaValidationException(string.Join(Environment.NewLine, errors));
        }
    }

    private static XmlSchemaSet Load(params string[] files)
    {
        var set = new XmlSchemaSet();
        foreach (var file in files)
        {
            using var reader = XmlReader.Create(Path.Combine(AppContext.BaseDirectory, "Schemas", file));
            set.Add(null, reader);
        }

        set.Compile();
        return set;
    }
}
