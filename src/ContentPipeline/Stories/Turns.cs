namespace ContentPipeline.Stories;

/// <summary>
/// Work on one name (a story, a lookup key) by this instance takes turns: a name many writers touch at once would
/// otherwise see most of them lose to one another's ETag and read again. Names share one of a fixed number of locks;
/// instances still race, and the ETag settles that.
/// </summary>
internal sealed class Turns
{
    private const int Stripes = 64;

    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(static _ => new SemaphoreSlim(1, 1))];

    /// <summary>Runs <paramref name="work"/> once no other work on <paramref name="name"/>'s lock is running here.</summary>
    public async Task<T> InTurnAsync<T>(string name, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(name) % Stripes];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            stripe.Release();
        }
    }
}
