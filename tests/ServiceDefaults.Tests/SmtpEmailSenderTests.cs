using System.Net;
using System.Net.Sockets;
using System.Text;
using Bazaar.ServiceDefaults.Email;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class SmtpEmailSenderTests
{
    [Fact]
    public async Task A_message_is_delivered_over_smtp_with_its_id()
    {
        await using var server = SmtpPeer.Start();
        var sender = new SmtpEmailSender(Options.Create(new EmailOptions
        {
            Smtp = new EmailOptions.SmtpSettings { Host = "127.0.0.1", Port = server.Port, EnableSsl = false },
        }));
        var id = Guid.NewGuid();

        await sender.SendAsync(new EmailMessage(id, "shop@bazaar.test", "buyer@example.com", "Grüße", "Your order shipped.", DateTimeOffset.UtcNow), default);

        var session = await server.SessionAsync;
        session.ShouldContain("MAIL FROM:<shop@bazaar.test>");
        session.ShouldContain("RCPT TO:<buyer@example.com>");
        session.ShouldContain($"Message-ID: <{id:N}@bazaar>");
        session.ShouldContain("Subject: =?utf-8?");
    }

    [Fact]
    public async Task A_refusing_server_makes_the_send_fail_so_the_outbox_retries()
    {
        await using var server = SmtpPeer.Start(rejectRecipient: true);
        var sender = new SmtpEmailSender(Options.Create(new EmailOptions
        {
            Smtp = new EmailOptions.SmtpSettings { Host = "127.0.0.1", Port = server.Port, EnableSsl = false },
        }));
        await Should.ThrowAsync<System.Net.Mail.SmtpException>(() =>
            sender.SendAsync(new EmailMessage(Guid.NewGuid(), "shop@bazaar.test", "nobody@example.com", "x", "y", DateTimeOffset.UtcNow), default));
    }

    /// <summary>Just enough of RFC 5321 to accept one message and record the conversation.</summary>
    sealed class SmtpPeer : IAsyncDisposable
    {
        readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public Task<string> SessionAsync { get; private set; } = null!;

        public static SmtpPeer Start(bool rejectRecipient = false)
        {
            var peer = new SmtpPeer();
            peer._listener.Start();
            peer.SessionAsync = peer.ServeAsync(rejectRecipient);
            return peer;
        }

        async Task<string> ServeAsync(bool rejectRecipient)
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.UTF8);
            var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            var log = new StringBuilder();
            await writer.WriteLineAsync("220 test ESMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                log.AppendLine(line);
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250-test\r\n250 8BITMIME");
                        break;
                    case "RCPT" when rejectRecipient:
                        await writer.WriteLineAsync("550 no such user");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go ahead");
                        while (await reader.ReadLineAsync() is { } data && data != ".")
                            log.AppendLine(data);
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return log.ToString();
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
            return log.ToString();
        }

        public ValueTask DisposeAsync()
        {
            _listener.Stop();
            return ValueTask.CompletedTask;
        }
    }
}
