using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace ContentPipeline.Articles;

/// <summary>The one JSON shape of the pipeline: camelCase, nulls omitted, used in storage, hashes and the API.</summary>
public static class ArticleJson
{
    /// <summary>Serializer options of storage and content hashes (changing them would change every stored hash).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Stored as UTF-8 JSON; escaping every non-ASCII letter only costs bytes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The same shape for what leaves the service (API responses): letters of every script stay as they are, but
    /// <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, quotes and <c>+</c> are escaped, so a response is safe to embed in a
    /// web page.
    /// </summary>
    public static JsonSerializerOptions WebOptions { get; } = new(Options) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>
    /// A hash of everything the file said about the article (fields, unknown fields and body): two uploads with the
    /// same hash carry the same article, whatever their file name, line endings or key order of unknown fields aside.
    /// </summary>
    public static string ContentHash(Article article) => ContentHash(article, html: null);

    /// <summary>
    /// The hash of an article with its body rendered as HTML: a change of the rendering (a new renderer) is a change of
    /// what readers get, as a change of the file is.
    /// </summary>
    public static string ContentHash(Article article, string? html)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(article, Options));
        if (html is not null)
        {
            hash.AppendData("\n"u8);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(html));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
