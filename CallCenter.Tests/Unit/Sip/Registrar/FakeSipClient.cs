using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Tests.Unit.Sip.Registrar;

/// <summary>
/// Stands in for the transaction layer: records each request with its target and the fake time it was sent, and
/// completes it at once with <see cref="Answer"/>'s result, or leaves it outstanding (Answer returns null) until the
/// test completes it. Cancellation completes it with Stopped, as the real layer does on shutdown.
/// </summary>
internal sealed class FakeSipClient(TimeProvider time) : ISipClient
{
    private readonly List<SentRequest> _sent = [];

    public Func<SipRequest, SipClientResult?> Answer { get; set; } = request => SipClientResult.Of(Respond(request, 200));

    public IReadOnlyList<SentRequest> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public Task<SipClientResult> SendNonInviteAsync(SipMessageBuilder request, SipTarget target, CancellationToken cancellationToken = default)
    {
        var built = request.BuildRequest();
        var completion = new TaskCompletionSource<SipClientResult>();
        cancellationToken.Register(() => completion.TrySetResult(SipClientResult.Failed(SipClientFailure.Stopped)));
        lock (_sent)
        {
            _sent.Add(new SentRequest(built, target, time.GetUtcNow(), completion));
        }

        if (Answer(built) is { } result)
        {
            completion.TrySetResult(result);
        }

        return completion.Task;
    }

    public static SipResponse Respond(SipRequest request, int status) => SipMessageBuilder.ForResponse(request, status).BuildResponse();
}

internal sealed record SentRequest(SipRequest Request, SipTarget Target, DateTimeOffset At, TaskCompletionSource<SipClientResult> Completion);
