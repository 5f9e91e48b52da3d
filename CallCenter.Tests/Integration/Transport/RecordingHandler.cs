using System.Text;
using System.Threading.Channels;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Tests.Integration.Transport;

internal sealed record ReceivedMessage(string Text, SipFlow Flow, TimeSpan Waited = default);

/// <summary>Queues what the transport hands up, as the real layer above must (enqueue and return).</summary>
internal sealed class RecordingHandler : ISipTransportHandler
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly Channel<ReceivedMessage> _messages = Channel.CreateUnbounded<ReceivedMessage>();
    private readonly Channel<SipTransportError> _errors = Channel.CreateUnbounded<SipTransportError>();

    /// <summary>Messages containing this text make the handler throw, to prove the loop survives.</summary>
    public string? ThrowOn { get; init; }

    /// <summary>Messages containing this text keep the receive loop busy for <see cref="SleepFor"/>, so that what
    /// follows waits in the kernel's buffer.</summary>
    public string? SleepOn { get; init; }

    public TimeSpan SleepFor { get; init; }

    public void OnMessageReceived(ReadOnlyMemory<byte> message, SipFlow flow) => OnMessageReceived(message, flow, TimeSpan.Zero);

    public void OnMessageReceived(ReadOnlyMemory<byte> message, SipFlow flow, TimeSpan waited)
    {
        var text = Encoding.ASCII.GetString(message.Span);
        if (ThrowOn is not null && text.Contains(ThrowOn, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("handler fault injected by the test");
        }

        if (SleepOn is not null && text.Contains(SleepOn, StringComparison.Ordinal))
        {
            Thread.Sleep(SleepFor);
        }

        _messages.Writer.TryWrite(new ReceivedMessage(text, flow, waited));
    }

    public void OnTransportError(SipTransportError error) => _errors.Writer.TryWrite(error);

    public async Task<ReceivedMessage> NextAsync() =>
        await _messages.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public bool TryNext(out ReceivedMessage? message) => _messages.Reader.TryRead(out message);

    public async Task<SipTransportError> NextErrorAsync(SipTransportErrorKind kind)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var error = await _errors.Reader.ReadAsync(timeout.Token);
            if (error.Kind == kind)
            {
                return error;
            }
        }
    }
}
