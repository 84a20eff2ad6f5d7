using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Azure.Storage.Blobs;
using ContentPipeline.Parsing;

namespace ContentPipeline.Ingest;

/// <summary>
/// Checks the name of a blob delivered from outside (an event, a listing, the admin API) before any client is built
/// from it. The Storage SDK builds blob URLs with <see cref="Uri"/>, which collapses <c>.</c> and <c>..</c> segments
/// and drops a trailing slash: <c>../feeds/all.json</c> in container <c>incoming</c> would address <c>feeds/all.json</c>.
/// A name is accepted only when the client built from it addresses exactly that name in exactly that container.
/// </summary>
public static class BlobNames
{
    /// <summary>
    /// The longest name accepted. A rejected file keeps its name under <c>rejected/reasons/{name}.json</c>, and a blob
    /// name holds at most 1,024 characters.
    /// </summary>
    public const int MaxLength = 1_000;

    /// <summary>
    /// Builds the client of blob <paramref name="name"/> in <paramref name="container"/>, or says why the name is unsafe
    /// (a problem with code <see cref="ProblemCodes.UnsafeName"/>, whose file is the name itself).
    /// </summary>
    public static bool TryGetClient(BlobContainerClient container, string name, [NotNullWhen(true)] out BlobClient? client, [NotNullWhen(false)] out ParseProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(name);
        client = null;
        problem = Check(name) is { } reason ? Unsafe(name, reason) : null;
        if (problem is not null)
        {
            return false;
        }

        var candidate = container.GetBlobClient(name);
        if (candidate.BlobContainerName != container.Name || candidate.Name != name)
        {
            problem = Unsafe(name, $"the storage client would address '{candidate.BlobContainerName}/{candidate.Name}' instead");
            return false;
        }

        client = candidate;
        return true;
    }

    /// <summary>
    /// Builds the client of a blob that a delivery (an event, a listing, the admin API) says is <paramref name="name"/>
    /// in <paramref name="deliveredContainer"/>: only when the name is safe (see the overload) and the container is
    /// exactly <paramref name="container"/>'s; otherwise says why.
    /// </summary>
    public static bool TryGetClient(BlobContainerClient container, string deliveredContainer, string name, [NotNullWhen(true)] out BlobClient? client, [NotNullWhen(false)] out ParseProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(deliveredContainer);
        if (!TryGetClient(container, name, out client, out problem))
        {
            return false;
        }

        if (deliveredContainer != container.Name)
        {
            client = null;
            problem = WrongContainer(name, deliveredContainer, container.Name);
            return false;
        }

        return true;
    }

    /// <summary>The problem recorded for a blob delivered from a container other than the trigger's.</summary>
    public static ParseProblem WrongContainer(string name, string container, string expected) =>
        Unsafe(name, $"it was delivered from container '{container}', but only '{expected}' is ingested");

    /// <summary>Why <paramref name="name"/> is unsafe, or null when the rules find nothing.</summary>
    private static string? Check(string name)
    {
        if (name.Length == 0)
        {
            return "the name is empty";
        }

        if (name.Length > MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the name is {name.Length:N0} characters long; the limit is {MaxLength:N0}");
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return string.Create(CultureInfo.InvariantCulture, $"the name contains the control character U+{(int)c:X4} at position {i + 1}");
            }

            if (c == '\\')
            {
                return "the name contains a backslash, which storage services and URLs may read as '/'";
            }

            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[++i])))
            {
                return "the name contains a lone UTF-16 surrogate";
            }
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment is "." or "..")
            {
                return $"the name has a '{segment}' path segment, which URLs collapse into another name";
            }
        }

        return name.EndsWith('/') || name.EndsWith('.')
            ? "the name ends with '/' or '.', which Azure Storage does not keep as written"
            : null;
    }

    private static ParseProblem Unsafe(string name, string reason) =>
        new(name, 1, 1, ProblemCodes.UnsafeName, $"the blob's name cannot be used safely: {reason}; the file was left where it is, untouched: delete it, or upload it again under a plain name");
}
