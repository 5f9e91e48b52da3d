using CallCenter.Core.Ivr;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>A dip the test answers by hand. Continuations run synchronously on the answering thread, so with an
/// inline marshal the session's reaction happens inside <see cref="Answer"/>.</summary>
internal sealed class FakeDataDip : IIvrDataDip
{
    private TaskCompletionSource<IvrDipResult>? _pending;

    public List<IvrDipRequest> Requests { get; } = [];

    public CancellationToken LastToken { get; private set; }

    /// <summary>Set to answer at once, from inside QueryAsync (a client that completes synchronously).</summary>
    public IvrDipResult? Immediate { get; set; }

    public Task<IvrDipResult> QueryAsync(IvrDipRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        LastToken = cancellationToken;
        if (Immediate is { } result)
        {
            return Task.FromResult(result);
        }

        _pending = new TaskCompletionSource<IvrDipResult>();
        cancellationToken.Register(() => _pending.TrySetCanceled(cancellationToken));
#pragma warning disable VSTHRD003 // The test completes it by hand: that is the point of this fake.
        return _pending.Task;
#pragma warning restore VSTHRD003
    }

    public void Answer(IvrDipResult result) => _pending!.TrySetResult(result);
}
