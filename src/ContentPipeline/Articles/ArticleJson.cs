using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContentPipeline.Articles;

/// <summary>The one JSON shape of the pipeline: camelCase, nulls omitted, used in storage, hashes and the API.</summary>
public static class ArticleJson
{
    /// <summary>Serializer options shared by storage and the HTTP API.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Responses are served as application/json with UTF-8; escaping every non-ASCII letter only costs bytes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// A hash of everything the file said about the article (fields, unknown fields and body): two uploads with the
    /// same hash carry the same article, whatever their file name, line endings or key order of unknown fields aside.
    /// </summary>
    public static string ContentHash(Article article)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(article, Options);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
