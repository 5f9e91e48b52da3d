namespace CallCenter.Server.Hosting;

/// <summary>When this process started, measured monotonically for uptime so a clock step never shows
/// a negative or jumping uptime.</summary>
public sealed class ServerClock(TimeProvider time)
{
    private readonly long _startedTimestamp = time.GetTimestamp();

    public DateTimeOffset StartedUtc { get; } = time.GetUtcNow();

    public TimeSpan Uptime => time.GetElapsedTime(_startedTimestamp);
}
