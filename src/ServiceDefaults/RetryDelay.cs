namespace Bazaar.ServiceDefaults;

/// <summary>How long background work waits before trying something again that has failed: doubling, up to a limit.</summary>
public static class RetryDelay
{
    /// <param name="first">the wait after the first failure</param>
    /// <param name="failures">how many times it has failed so far (1 for the first failure; 0 counts as 1)</param>
    /// <param name="limit">the longest wait</param>
    public static TimeSpan Doubling(TimeSpan first, int failures, TimeSpan limit)
    {
        var doublings = Math.Clamp(failures - 1, 0, 62);
        return first.Ticks > limit.Ticks >> doublings ? limit : TimeSpan.FromTicks(first.Ticks << doublings); // compared before shifting: no overflow
    }
}
