namespace Bazaar.ServiceDefaults.Data;

public static class StoredTime
{
    /// <summary>
    /// The instant as PostgreSQL keeps it (microseconds): a time answered straight from memory then equals what a later
    /// read of the row returns, so an answer replayed from the store matches the first one.
    /// </summary>
    public static DateTimeOffset AsStored(this DateTimeOffset value) => value.AddTicks(-(value.Ticks % 10));
}
