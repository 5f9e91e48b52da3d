using System.Threading.Channels;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>
/// A call's serial context for tests that involve real threads (an HTTP dip): the session's timer and dip results are
/// posted here, and the test runs them one at a time, as the call's loop would.
/// </summary>
internal sealed class TestMailbox
{
    private readonly Channel<Action> _actions = Channel.CreateUnbounded<Action>();

    public void Post(Action action) => _actions.Writer.TryWrite(action);

    /// <summary>Runs whatever is posted until <paramref name="done"/> holds; fails after <paramref name="limit"/>.</summary>
    public async Task RunUntilAsync(Func<bool> done, TimeSpan limit)
    {
        using var cancel = new CancellationTokenSource(limit);
        while (!done())
        {
            try
            {
                var action = await _actions.Reader.ReadAsync(cancel.Token);
                action();
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The session did not get there within {limit.TotalSeconds} s.");
            }
        }
    }

    /// <summary>Runs what is already posted.</summary>
    public void Drain()
    {
        while (_actions.Reader.TryRead(out var action))
        {
            action();
        }
    }
}
