using Microsoft.Extensions.Logging.Abstractions;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class PeriodicWorkTests
{
    sealed class Flaky(bool runAtStart) : PeriodicWork(TimeProvider.System, NullLogger.Instance)
    {
        public int Runs;
        public readonly TaskCompletionSource SecondRun = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override TimeSpan Interval => TimeSpan.FromMilliseconds(20);
        protected override string Name => "Flaky work";
        protected override bool RunAtStart => runAtStart;

        protected override Task RunOnceAsync(CancellationToken ct)
        {
            if (Interlocked.Increment(ref Runs) == 1)
                throw new InvalidOperationException("the first run fails");
            SecondRun.TrySetResult();
            return Task.CompletedTask;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_run_does_not_stop_the_next_one(bool runAtStart)
    {
        var work = new Flaky(runAtStart);
        await work.StartAsync(default);
        try
        {
            await work.SecondRun.Task.WaitAsync(TimeSpan.FromSeconds(30)); // a guard against hanging, not a timing assertion
            work.ExecuteTask!.IsFaulted.ShouldBeFalse();
        }
        finally
        {
            await work.StopAsync(default);
        }
        work.Runs.ShouldBeGreaterThanOrEqualTo(2);
    }
}
