using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Bazaar.ServiceDefaults.Data;

namespace Bazaar.ServiceDefaults.Email;

/// <summary>
/// Delivers the outbox: claims due e-mails with <c>FOR UPDATE SKIP LOCKED</c> (so replicas never send the same one
/// at once) by pushing their next attempt into the future, sends them, then marks the batch sent in one statement or
/// schedules a retry with exponential backoff. Delivery is at least once: a crash between sending and marking sends
/// that batch again after the lease. A send gets 30 seconds. After the last attempt the row stays, unsent, with its
/// error: nothing is lost.
/// Sent e-mails are deleted once they are older than <see cref="EmailOptions.KeepSent"/>.
/// </summary>
public sealed class EmailOutboxDispatcher(
    NpgsqlDataSource dataSource,
    IEmailSender sender,
    IOptions<EmailOptions> options,
    TimeProvider clock,
    IMeterFactory meters,
    ILogger<EmailOutboxDispatcher> logger) : BackgroundService
{
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    static readonly TimeSpan PurgeEvery = TimeSpan.FromMinutes(5);
    static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);
    const int BatchSize = 20, PurgeBatch = 1000;
    DateTimeOffset _nextPurge = DateTimeOffset.MinValue;

    readonly Counter<long> _sent = meters.Create("Bazaar.Email").CreateCounter<long>("bazaar.email.sent", description: "E-mails delivered");
    readonly Counter<long> _failed = meters.Create("Bazaar.Email").CreateCounter<long>("bazaar.email.failed", description: "E-mail delivery attempts that failed");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var delivered = 0;
            try
            {
                delivered = await DispatchOnceAsync(stoppingToken);
                if (clock.GetUtcNow() >= _nextPurge)
                {
                    await PurgeSentAsync(stoppingToken);
                    _nextPurge = clock.GetUtcNow() + PurgeEvery;
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "E-mail outbox could not be read; retrying");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            if (delivered < BatchSize)
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <returns>How many e-mails were claimed in this round.</returns>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var claimed = (await connection.QueryAsync<ClaimedEmail>(new CommandDefinition("""
            update email_outbox set next_attempt_at = @leaseUntil, attempts = attempts + 1
            where id in (
                select id from email_outbox
                where sent_at is null and next_attempt_at <= @now and attempts < @maxAttempts
                order by next_attempt_at
                limit @batch
                for update skip locked)
            returning id, recipient, subject, text_body as TextBody, created_at as CreatedAt, attempts
            """, new { now, leaseUntil = now + Lease, maxAttempts = options.Value.MaxAttempts, batch = BatchSize }, cancellationToken: ct))).ToList();

        var sent = new List<Guid>(claimed.Count);
        try
        {
            foreach (var email in claimed)
            {
                // Past half the lease, stop: what went out is marked in time, the rest is claimed again when the lease ends.
                if (clock.GetUtcNow() - now > Lease / 2)
                    break;
                try
                {
                    using var sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    sendTimeout.CancelAfter(SendTimeout);
                    await sender.SendAsync(new EmailMessage(email.Id, options.Value.From, email.Recipient, email.Subject, email.TextBody, new DateTimeOffset(email.CreatedAt, TimeSpan.Zero)), sendTimeout.Token);
                    sent.Add(email.Id);
                    _sent.Add(1);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    var error = e is OperationCanceledException ? $"No answer within {SendTimeout.TotalSeconds:0} s." : e.Message;
                    var retryAt = clock.GetUtcNow() + Backoff(email.Attempts);
                    await connection.ExecuteAsync(new CommandDefinition(
                        "update email_outbox set next_attempt_at = @retryAt, last_error = @error where id = @id",
                        new { email.Id, retryAt, error }, cancellationToken: ct));
                    _failed.Add(1);
                    logger.LogWarning("E-mail {EmailId} attempt {Attempt} failed: {Error}", email.Id, email.Attempts, error);
                }
            }
        }
        finally
        {
            // What went out is marked, even when shutdown interrupts the batch.
            if (sent.Count > 0)
                await connection.ExecuteAsync(new CommandDefinition(
                    "update email_outbox set sent_at = @sentAt, last_error = null, text_body = case when sensitive then '' else text_body end where id = any(@ids)",
                    new { ids = sent.ToArray(), sentAt = clock.GetUtcNow() }, cancellationToken: CancellationToken.None));
        }
        return claimed.Count;
    }

    /// <summary>
    /// Deletes the e-mails sent and created more than <see cref="EmailOptions.KeepSent"/> ago, a thousand at a time. Ids
    /// are UUIDv7 (<see cref="OutboxEmail.Create"/>), ordered by creation time, so the primary key finds them. (Not a
    /// <see cref="PurgeRule"/> on <c>sent_at</c>: that would want an index on <c>sent_at</c>, written again by every
    /// send, where the primary key already finds the old rows.)
    /// </summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> PurgeSentAsync(CancellationToken ct)
    {
        var before = FirstIdOf(clock.GetUtcNow() - options.Value.KeepSent);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var total = 0;
        for (var round = 0; round < 100; round++)
        {
            var deleted = await connection.ExecuteAsync(new CommandDefinition("""
                delete from email_outbox where id in (select id from email_outbox where id < @before and sent_at is not null limit @batch)
                """, new { before, batch = PurgeBatch }, cancellationToken: ct));
            total += deleted;
            if (deleted < PurgeBatch)
                break;
        }
        if (total > 0)
            logger.LogInformation("Deleted {Count} sent e-mails created more than {Days} days ago", total, options.Value.KeepSent.TotalDays);
        return total;
    }

    /// <summary>The smallest UUIDv7 of a moment: its 48-bit millisecond timestamp, the version and variant bits, zeros elsewhere.</summary>
    static Guid FirstIdOf(DateTimeOffset moment)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, moment.ToUnixTimeMilliseconds() << 16);
        bytes[6] = 0x70;
        bytes[8] = 0x80;
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>2, 4, 8 … seconds, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts) => RetryDelay.Doubling(TimeSpan.FromSeconds(2), attempts, TimeSpan.FromHours(1));

    sealed record ClaimedEmail(Guid Id, string Recipient, string Subject, string TextBody, DateTime CreatedAt, int Attempts);
}

public static class EmailSetup
{
    /// <summary>The outbox table (a shared migration), its dispatcher, and the sender: SMTP when configured, else the mailbox folder.</summary>
    public static void AddEmailOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EmailOptions>(configuration.GetSection("Email"));
        services.AddSingleton(new MigrationSource("email-outbox", typeof(EmailSetup).Assembly, "Email.Migrations"));
        if (!string.IsNullOrWhiteSpace(configuration["Email:Smtp:Host"]))
            services.AddSingleton<IEmailSender, SmtpEmailSender>();
        else
            services.AddSingleton<IEmailSender, MailboxFolderEmailSender>();
        services.AddSingleton<EmailOutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EmailOutboxDispatcher>());
    }
}
