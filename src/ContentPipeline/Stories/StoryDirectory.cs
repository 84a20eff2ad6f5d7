using System.Collections.Concurrent;
using ContentPipeline.Storage;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Stories;

/// <summary>
/// Which story each article belongs to and how many sources cover it, for lookups, lists, hot ranking and feeds: the
/// members' rows, read a point read each (16 at a time) and kept for <see cref="StoryOptions.CacheFor"/>. Changes made
/// by this instance are forgotten at once; other instances' show within that time.
/// </summary>
public sealed class StoryDirectory(StoryStore store, TimeProvider time, IOptions<StoryOptions> options)
{
    private const int MaxCached = 50_000;
    private const int Parallelism = 16;

    private readonly StoryOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, (StoryMembership? Membership, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private long _forgets; // a read that overlapped a Forget does not fill the cache: it may have read what was forgotten

    /// <summary>The membership of each of <paramref name="articleIds"/> that has one.</summary>
    public async Task<IReadOnlyDictionary<string, StoryMembership>> GetAsync(IEnumerable<string> articleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(articleIds);
        var found = new ConcurrentDictionary<string, StoryMembership>(StringComparer.Ordinal);
        if (!_options.Enabled)
        {
            return found;
        }

        var now = time.GetUtcNow();
        var missing = new List<string>();
        foreach (var id in articleIds.Distinct(StringComparer.Ordinal))
        {
            if (_cache.TryGetValue(id, out var cached) && cached.Until > now)
            {
                if (cached.Membership is { } membership)
                {
                    found[id] = membership;
                }
            }
            else
            {
                missing.Add(id);
            }
        }

        if (_cache.Count + missing.Count > MaxCached)
        {
            _cache.Clear();
        }

        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (id, token) =>
        {
            var forgets = Interlocked.Read(ref _forgets);
            var membership = await store.GetMembershipAsync(id, token).ConfigureAwait(false) is { Sources: > 0 } live ? live : null;
            if (Interlocked.Read(ref _forgets) == forgets)
            {
                _cache[id] = (membership, now + _options.CacheFor);
            }

            if (membership is not null)
            {
                found[id] = membership;
            }
        }).ConfigureAwait(false);
        return found;
    }

    /// <summary>
    /// The items, each with its story as <paramref name="readers"/> or editors see it (the source count of what readers
    /// see, or of every article); an item in no story unchanged.
    /// </summary>
    public async Task<IReadOnlyList<ArticleSummary>> LinkAsync(IReadOnlyList<ArticleSummary> items, bool readers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return items;
        }

        var memberships = await GetAsync(items.Select(static i => i.Id), cancellationToken).ConfigureAwait(false);
        return [.. items.Select(i => memberships.TryGetValue(i.Id, out var m) ? i with { Story = m.LinkFor(readers) } : i)];
    }

    /// <summary>The membership of one article, or null.</summary>
    public async Task<StoryMembership?> GetAsync(string articleId, CancellationToken cancellationToken) =>
        (await GetAsync([articleId], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(articleId);

    /// <summary>Forgets what this instance knows of <paramref name="articleIds"/> (their story changed here).</summary>
    public void Forget(IEnumerable<string> articleIds)
    {
        ArgumentNullException.ThrowIfNull(articleIds);
        Interlocked.Increment(ref _forgets);
        foreach (var id in articleIds)
        {
            _cache.TryRemove(id, out _);
        }
    }

    /// <summary>Forgets what this instance knows of <paramref name="articleId"/>.</summary>
    public void Forget(string articleId) => Forget([articleId]);
}
