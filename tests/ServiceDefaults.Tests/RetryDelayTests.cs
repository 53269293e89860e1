namespace Bazaar.ServiceDefaults.Tests;

public sealed class RetryDelayTests
{
    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(5, 32)]
    [InlineData(12, 3600)]
    [InlineData(1_000, 3600)] // however many failures: the limit, never an overflow
    public void Waits_double_up_to_the_limit(int failures, int seconds) =>
        RetryDelay.Doubling(TimeSpan.FromSeconds(2), failures, TimeSpan.FromHours(1)).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void A_long_first_wait_does_not_overflow() =>
        RetryDelay.Doubling(TimeSpan.FromDays(1), 40, TimeSpan.FromDays(7)).ShouldBe(TimeSpan.FromDays(7));
}
