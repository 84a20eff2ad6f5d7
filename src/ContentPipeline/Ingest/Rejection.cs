using ContentPipeline.Parsing;

namespace ContentPipeline.Ingest;

/// <summary>The machine-readable record kept next to a rejected file.</summary>
/// <param name="BlobName">The file's name in the incoming container, exactly as delivered.</param>
/// <param name="ETag">The ETag of the version that was rejected (null when the file was not read: an unsafe name).</param>
/// <param name="Size">Its size in bytes (null when the file was not read).</param>
/// <param name="RejectedAt">When it was rejected.</param>
/// <param name="Problems">Why: file, line, column, code and message of each problem.</param>
public sealed record Rejection(string BlobName, string? ETag, long? Size, DateTimeOffset RejectedAt, IReadOnlyList<ParseProblem> Problems);
