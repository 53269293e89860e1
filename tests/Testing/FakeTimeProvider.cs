namespace Bazaar.Testing;

/// <summary>A clock the test moves by hand (the framework's testing package is not in the mirror). Timers use real time.</summary>
public sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset _now = start;

    public FakeTimeProvider() : this(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void SetUtcNow(DateTimeOffset now) => _now = now;
}
