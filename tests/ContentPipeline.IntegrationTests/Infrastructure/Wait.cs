namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>Tests wait on a condition they can observe, never on a fixed sleep.</summary>
public static class Wait
{
    /// <summary>Polls until <paramref name="condition"/> holds; throws after <paramref name="timeout"/> (default 30 s).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(100);
        }
    }
}
