using System.Diagnostics.Metrics;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Email;
using Bazaar.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class EmailOutboxTests : IAsyncLifetime, IDisposable
{
    readonly FakeTimeProvider _clock = new();
    readonly string _mailbox = Directory.CreateTempSubdirectory("bazaar-mailbox-").FullName;
    readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await TestServers.CreateDatabaseAsync("test_outbox"));
        await new MigrationRunner(_db, NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(new MigrationSource("email-outbox", typeof(EmailSetup).Assembly, "Email.Migrations").Load(), default);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    public void Dispose()
    {
        _meters.Dispose();
        Directory.Delete(_mailbox, recursive: true);
    }

    EmailOutboxDispatcher Dispatcher(IEmailSender sender) => new(_db, sender,
        Options.Create(new EmailOptions { Mailbox = _mailbox, MaxAttempts = 3 }), _clock, _meters.GetRequiredService<IMeterFactory>(), NullLogger<EmailOutboxDispatcher>.Instance);

    async Task<Guid> EnqueueAsync(string to = "shopper@example.com")
    {
        var email = OutboxEmail.Create(to, "Your order", "Thank you – order 42 is confirmed.", _clock.GetUtcNow());
        await using var connection = await _db.OpenConnectionAsync();
        await connection.ExecuteAsync("insert into email_outbox (id, recipient, subject, text_body, created_at, next_attempt_at) values (@Id, @Recipient, @Subject, @TextBody, @CreatedAt, @NextAttemptAt)", email);
        return email.Id;
    }

    [Fact]
    public async Task A_sensitive_body_is_emptied_once_sent_and_the_others_are_kept()
    {
        var reset = OutboxEmail.Create("shopper@example.com", "Reset your password", "Open https://shop.test/reset-password?token=secret", _clock.GetUtcNow(), sensitive: true);
        await using (var connection = await _db.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                insert into email_outbox (id, recipient, subject, text_body, created_at, next_attempt_at, sensitive)
                values (@Id, @Recipient, @Subject, @TextBody, @CreatedAt, @NextAttemptAt, @Sensitive)
                """, reset);
        var order = await EnqueueAsync();

        await Dispatcher(new MailboxFolderEmailSender(Options.Create(new EmailOptions { Mailbox = _mailbox }))).DispatchOnceAsync(default);

        Directory.GetFiles(_mailbox, "*.eml").Select(File.ReadAllText).ShouldContain(t => t.Contains("token=secret", StringComparison.Ordinal)); // it went out
        await using (var connection = await _db.OpenConnectionAsync())
        {
            (await connection.ExecuteScalarAsync<string>("select text_body from email_outbox where id = @Id", reset)).ShouldBe("");
            (await connection.ExecuteScalarAsync<string>("select text_body from email_outbox where id = @order", new { order }))!.ShouldContain("order 42");
        }
    }

    [Fact]
    public async Task Due_emails_land_in_the_mailbox_once()
    {
        var id = await EnqueueAsync();
        var dispatcher = Dispatcher(new MailboxFolderEmailSender(Options.Create(new EmailOptions { Mailbox = _mailbox })));
        (await dispatcher.DispatchOnceAsync(default)).ShouldBe(1);
        (await dispatcher.DispatchOnceAsync(default)).ShouldBe(0);

        var file = Directory.GetFiles(_mailbox, "*.eml").ShouldHaveSingleItem();
        var text = await File.ReadAllTextAsync(file);
        text.ShouldContain("To: shopper@example.com");
        text.ShouldContain("Thank you – order 42 is confirmed.");
        text.ShouldContain($"Message-ID: <{id:N}@bazaar>");
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_with_backoff_and_nothing_is_lost()
    {
        await EnqueueAsync();
        var sender = new FlakySender(failures: 1, new MailboxFolderEmailSender(Options.Create(new EmailOptions { Mailbox = _mailbox })));
        var dispatcher = Dispatcher(sender);

        await dispatcher.DispatchOnceAsync(default);
        Directory.GetFiles(_mailbox).ShouldBeEmpty();
        await using (var connection = await _db.OpenConnectionAsync())
        {
            var row = await connection.QuerySingleAsync<(int Attempts, DateTime Next, string Error)>("select attempts, next_attempt_at, last_error from email_outbox");
            row.Attempts.ShouldBe(1);
            row.Error.ShouldBe("SMTP said no");
            new DateTimeOffset(row.Next, TimeSpan.Zero).ShouldBeGreaterThan(_clock.GetUtcNow());
        }

        (await dispatcher.DispatchOnceAsync(default)).ShouldBe(0); // not due yet
        _clock.Advance(EmailOutboxDispatcher.Backoff(1));
        (await dispatcher.DispatchOnceAsync(default)).ShouldBe(1);
        Directory.GetFiles(_mailbox, "*.eml").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task After_the_last_attempt_the_email_stays_in_the_outbox_with_its_error()
    {
        await EnqueueAsync();
        var dispatcher = Dispatcher(new FlakySender(failures: int.MaxValue, null));
        for (var i = 0; i < 5; i++)
        {
            await dispatcher.DispatchOnceAsync(default);
            _clock.Advance(TimeSpan.FromHours(2));
        }
        await using var connection = await _db.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(int Attempts, DateTime? Sent)>("select attempts, sent_at from email_outbox");
        row.Attempts.ShouldBe(3);
        row.Sent.ShouldBeNull();
    }

    [Fact]
    public async Task Two_dispatchers_never_send_the_same_email()
    {
        for (var i = 0; i < 30; i++)
            await EnqueueAsync($"user{i}@example.com");
        var sender = new CountingSender();
        await Task.WhenAll(Dispatcher(sender).DispatchOnceAsync(default), Dispatcher(sender).DispatchOnceAsync(default), Dispatcher(sender).DispatchOnceAsync(default));
        await Dispatcher(sender).DispatchOnceAsync(default);
        sender.Sent.Count.ShouldBe(30);
        sender.Sent.Distinct().Count().ShouldBe(30);
    }

    [Fact]
    public async Task In_a_batch_what_went_out_is_marked_sent_and_what_failed_waits_for_its_retry()
    {
        var first = await EnqueueAsync("first@example.com");
        var refused = await EnqueueAsync("refused@example.com");
        var last = await EnqueueAsync("last@example.com");
        var sender = new CountingSender { Refuses = "refused@example.com" };

        (await Dispatcher(sender).DispatchOnceAsync(default)).ShouldBe(3);

        await using var connection = await _db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(Guid Id, DateTime? Sent, string? Error)>("select id, sent_at, last_error from email_outbox")).ToDictionary(r => r.Id);
        (rows[first].Sent, rows[last].Sent).ShouldBe((_clock.GetUtcNow().UtcDateTime, _clock.GetUtcNow().UtcDateTime));
        rows[refused].Sent.ShouldBeNull();
        rows[refused].Error.ShouldBe("mailbox full");
        sender.Sent.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Sent_emails_are_deleted_after_the_retention_and_unsent_ones_stay()
    {
        var dispatcher = Dispatcher(new CountingSender());
        await EnqueueAsync("old@example.com");
        await dispatcher.DispatchOnceAsync(default);
        var undeliverable = await EnqueueAsync("undeliverable@example.com");
        await using (var connection = await _db.OpenConnectionAsync())
            await connection.ExecuteAsync("update email_outbox set attempts = 3, last_error = 'no such mailbox' where id = @undeliverable", new { undeliverable });
        _clock.Advance(TimeSpan.FromDays(2));
        var recent = await EnqueueAsync("recent@example.com");
        await dispatcher.DispatchOnceAsync(default);

        _clock.Advance(TimeSpan.FromDays(29)); // old was sent 31 days ago, recent 29
        (await dispatcher.PurgeSentAsync(default)).ShouldBe(1);

        await using var check = await _db.OpenConnectionAsync();
        (await check.QueryAsync<Guid>("select id from email_outbox")).ShouldBe([undeliverable, recent], ignoreOrder: true);
    }

    sealed class FlakySender(int failures, IEmailSender? then) : IEmailSender
    {
        int _calls;

        public Task SendAsync(EmailMessage message, CancellationToken ct) =>
            Interlocked.Increment(ref _calls) <= failures ? throw new InvalidOperationException("SMTP said no") : then!.SendAsync(message, ct);
    }

    sealed class CountingSender : IEmailSender
    {
        public System.Collections.Concurrent.ConcurrentBag<Guid> Sent { get; } = [];

        /// <summary>A recipient whose mail is refused.</summary>
        public string? Refuses { get; init; }

        public Task SendAsync(EmailMessage message, CancellationToken ct)
        {
            if (message.To == Refuses)
                throw new InvalidOperationException("mailbox full");
            Sent.Add(message.Id);
            return Task.CompletedTask;
        }
    }
}
