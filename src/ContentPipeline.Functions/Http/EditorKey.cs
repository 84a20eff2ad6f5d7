using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// Names the key an editor's request came with, for the record (a takedown's <c>by</c>): the key's name when the host
/// tells it (the <c>keyid</c> claim the Functions host gives a key-based caller), else a fingerprint of the key,
/// <c>key:</c> and the first 12 hex digits of its SHA-256. Never the key itself.
/// </summary>
internal static class EditorKey
{
    /// <summary>The claim the Functions host sets to the name of the key that authorised a request.</summary>
    public const string KeyIdClaim = "http://schemas.microsoft.com/2017/07/functions/claims/keyid";

    private const string KeyHeader = "x-functions-key";

    private const int FingerprintHexDigits = 12;

    public static string Describe(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.User.FindFirst(KeyIdClaim)?.Value is { Length: > 0 } name)
        {
            return name;
        }

        var key = request.Headers[KeyHeader].ToString();
        if (key.Length == 0)
        {
            key = request.Query[QueryParameters.Code].ToString();
        }

        return key.Length == 0
            ? "unknown"
            : "key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..FingerprintHexDigits];
    }
}
