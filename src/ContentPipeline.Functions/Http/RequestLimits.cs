using Microsoft.AspNetCore.Http;

namespace ContentPipeline.Functions.Http;

/// <summary>Caps request bodies: the toggles need none, so anything beyond a small cap is refused with 413.</summary>
internal static class RequestLimits
{
    public const int MaxBodyBytes = 4 * 1024;

    /// <summary>Returns a 413 problem when the body is over the cap (declared or, when chunked, actually read).</summary>
    public static async Task<IResult?> CheckBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared)
        {
            return declared > MaxBodyBytes ? TooLarge() : null;
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
        {
            read += n;
        }

        return read > MaxBodyBytes ? TooLarge() : null;
    }

    /// <summary>The body, or the 413 problem when it is over the cap.</summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
        {
            read += n;
        }

        return read > MaxBodyBytes ? (null, TooLarge()) : (buffer[..read], null);
    }

    private static IResult TooLarge() =>
        ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"This endpoint takes at most {MaxBodyBytes} bytes of body (it needs none, or a small JSON document).");
}
