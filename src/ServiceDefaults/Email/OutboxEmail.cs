using Microsoft.EntityFrameworkCore;

namespace Bazaar.ServiceDefaults.Email;

/// <summary>An e-mail waiting in the outbox. Add one to the service's DbContext in the transaction that causes it.</summary>
public sealed class OutboxEmail
{
    OutboxEmail() { }

    public Guid Id { get; private set; }
    public string Recipient { get; private set; } = "";
    public string Subject { get; private set; } = "";
    public string TextBody { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>The body grants something (a reset link): it is emptied once sent, and kept nowhere else.</summary>
    public bool Sensitive { get; private set; }

    public static OutboxEmail Create(string recipient, string subject, string textBody, DateTimeOffset now, bool sensitive = false) => new()
    {
        Id = Guid.CreateVersion7(now),
        Recipient = recipient,
        Subject = subject,
        TextBody = textBody,
        CreatedAt = now,
        NextAttemptAt = now,
        Sensitive = sensitive,
    };
}

public static class EmailOutboxModel
{
    /// <summary>Maps <see cref="OutboxEmail"/> onto the <c>email_outbox</c> table created by the shared migration.</summary>
    public static ModelBuilder MapEmailOutbox(this ModelBuilder model)
    {
        model.Entity<OutboxEmail>(e =>
        {
            e.ToTable("email_outbox");
            e.HasKey(x => x.Id);
        });
        return model;
    }
}
