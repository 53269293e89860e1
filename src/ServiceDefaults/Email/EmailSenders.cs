using System.Net;
using System.Net.Mail;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Email;

public sealed record EmailMessage(Guid Id, string From, string To, string Subject, string TextBody, DateTimeOffset Date);

/// <summary>Delivers one e-mail. Delivering the same message id twice must not produce two e-mails where avoidable.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

public sealed class EmailOptions
{
    public string From { get; set; } = "Bazaar <no-reply@bazaar.test>";

    /// <summary>The folder where <c>.eml</c> files are written when no SMTP host is configured.</summary>
    public string Mailbox { get; set; } = Path.Combine(Path.GetTempPath(), "bazaar-mailbox");

    /// <summary>The storefront's public address, for links in e-mails.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:8080";

    public SmtpSettings Smtp { get; set; } = new();

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int MaxAttempts { get; set; } = 20;

    /// <summary>How long a sent e-mail stays in the outbox (for support to see what a customer was sent) before it is deleted.</summary>
    public TimeSpan KeepSent { get; set; } = TimeSpan.FromDays(30);

    public sealed class SmtpSettings
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 587;
        public bool EnableSsl { get; set; } = true;
        public string? User { get; set; }
        public string? Password { get; set; }
    }
}

/// <summary>
/// The embedded default: each e-mail becomes an RFC 5322 <c>.eml</c> file in the mailbox folder, named by its id
/// and written atomically, so a retried delivery replaces the file instead of adding a second one.
/// </summary>
public sealed class MailboxFolderEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var folder = options.Value.Mailbox;
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{message.Date.UtcDateTime:yyyyMMdd'T'HHmmss}-{message.Id:N}.eml");
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, Render(message), new UTF8Encoding(false), ct);
        File.Move(temp, path, overwrite: true);
    }

    internal static string Render(EmailMessage message)
    {
        var body = message.TextBody.ReplaceLineEndings("\r\n");
        return new StringBuilder()
            .Append("Message-ID: <").Append(message.Id.ToString("N")).Append("@bazaar>\r\n")
            .Append("Date: ").Append(message.Date.ToString("r", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("From: ").Append(message.From).Append("\r\n")
            .Append("To: ").Append(message.To).Append("\r\n")
            .Append("Subject: =?utf-8?B?").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(message.Subject))).Append("?=\r\n")
            .Append("MIME-Version: 1.0\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append("Content-Transfer-Encoding: 8bit\r\n")
            .Append("\r\n")
            .Append(body).Append("\r\n")
            .ToString();
    }
}

/// <summary>Delivery over SMTP (SES's SMTP interface in AWS) when <c>Email:Smtp:Host</c> is set.</summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (smtp.User is not null)
            client.Credentials = new NetworkCredential(smtp.User, smtp.Password);
        using var mail = new MailMessage(message.From, message.To, message.Subject, message.TextBody)
        {
            BodyEncoding = Encoding.UTF8,
            SubjectEncoding = Encoding.UTF8,
        };
        mail.Headers.Add("Message-ID", $"<{message.Id:N}@bazaar>");
        await client.SendMailAsync(mail, ct);
    }
}
