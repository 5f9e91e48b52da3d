using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// Writes the ACD's records as an Asterisk-format <c>queue_log</c> file, so that the reporting tools contact
/// centres already own can read them: one line per event,
/// <c>epoch|callid|queue|agent|EVENT|data1|data2|...</c>, with Asterisk's fields (times in whole seconds, ring time
/// in milliseconds). Agent state changes become AGENTLOGIN, AGENTLOGOFF, PAUSEALL (with the reason) and UNPAUSEALL on
/// queue NONE. Events Asterisk has no name for (OVERFLOW, CALLBACKREQUEST, CALLBACKFAILED, WRAPUPEND) are left out,
/// because some readers stop at a line they do not know.
/// <para>Behind the router like the database writer: <see cref="Queue"/> and <see cref="AgentState"/> format the line
/// and add it to a bounded channel; one task appends batches to the file. When the channel is full the line is
/// dropped and counted (<see cref="Dropped"/>); the router never waits for the disk.</para>
/// </summary>
public sealed partial class QueueLogWriter : IAcdRecordSink, IAsyncDisposable
{
    public const int DefaultCapacity = 20_000;

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Channel<string> _lines;
    private readonly Task _loop;
    private readonly Dictionary<string, AgentTrack> _agents = new(StringComparer.Ordinal);
    private readonly object _agentsGate = new();
    private long _dropped;
    private long _written;

    public QueueLogWriter(string path, ILogger<QueueLogWriter> logger, int capacity = DefaultCapacity)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _logger = logger;
        Capacity = capacity;
        _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Run(RunAsync);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Lines waiting for the disk now (STYLE.md §12: the queue's depth is observable).</summary>
    public int Depth => _lines.Reader.Count;

    public int Capacity { get; }

    public long Written => Interlocked.Read(ref _written);

    public void Queue(AcdQueueRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Format(record) is { } line)
        {
            Add(line);
        }
    }

    public void AgentState(AcdAgentStateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string? line;
        lock (_agentsGate)
        {
            line = FormatAgent(record);
        }

        if (line is not null)
        {
            Add(line);
        }
    }

    /// <summary>The queue_log line for a queue event, or null for events Asterisk has no name for.</summary>
    public static string? Format(AcdQueueRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var wait = Seconds(r.Wait);
        var data = r.Type switch
        {
            AcdQueueEventType.EnterQueue => $"|{r.Data}",
            AcdQueueEventType.Connect => $"{wait}|{r.CallerId}|{Seconds(r.Ring)}",
            AcdQueueEventType.CompleteAgent or AcdQueueEventType.CompleteCaller => $"{wait}|{Seconds(r.Talk + (r.Hold ?? TimeSpan.Zero))}|{r.OriginalPosition}",
            AcdQueueEventType.Abandon or AcdQueueEventType.ExitWithTimeout or AcdQueueEventType.ExitEmpty =>
                $"{r.Position}|{r.OriginalPosition}|{wait}",
            AcdQueueEventType.ExitWithKey => $"{r.Data}|{r.Position}|{r.OriginalPosition}|{wait}",
            AcdQueueEventType.RingNoAnswer => ((long)(r.Ring ?? TimeSpan.Zero).TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            AcdQueueEventType.Full or AcdQueueEventType.JoinEmpty => string.Empty,
            _ => null,
        };
        return data is null ? null : Line(r.At, r.CallerId, r.Queue, r.AgentId ?? "NONE", r.Type.ToText(), data);
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
#pragma warning disable VSTHRD003 // The loop is this object's own task, started in the constructor.
        await _loop.ConfigureAwait(false);
#pragma warning restore VSTHRD003
    }

    // Under _agentsGate: login, logout and pause are derived from the state log, which says only the new state.
    private string? FormatAgent(AcdAgentStateRecord r)
    {
        var track = _agents.TryGetValue(r.AgentId, out var known) ? known : new AgentTrack();
        _agents[r.AgentId] = track;
        string? line = null;
        switch (r.State)
        {
            case "logged-out":
                var loggedIn = track.LoginAt is { } at ? (long)(r.At - at).TotalSeconds : 0;
                line = Line(r.At, "NONE", "NONE", r.AgentId, "AGENTLOGOFF", $"{track.Extension}|{loggedIn}");
                track.LoginAt = null;
                track.Paused = false;
                break;
            case var _ when track.LoginAt is null:
                track.LoginAt = r.At;
                track.Extension = r.Extension;
                line = Line(r.At, "NONE", "NONE", r.AgentId, "AGENTLOGIN", r.Extension ?? string.Empty);
                if (r.State == "not-ready")
                {
                    line += "\n" + Line(r.At, "NONE", "NONE", r.AgentId, "PAUSEALL", r.Reason ?? string.Empty);
                    track.Paused = true;
                }

                break;
            case "not-ready":
                track.Paused = true;
                line = Line(r.At, "NONE", "NONE", r.AgentId, "PAUSEALL", r.Reason ?? string.Empty);
                break;
            case var _ when track.Paused:
                track.Paused = false;
                line = Line(r.At, "NONE", "NONE", r.AgentId, "UNPAUSEALL", string.Empty);
                break;
        }

        return line;
    }

    private static string Line(DateTimeOffset at, string callId, string queue, string agent, string verb, string data) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.ToUnixTimeSeconds()}|{callId}|{queue}|{agent}|{verb}|{data}");

    private static string Seconds(TimeSpan? value) => ((long)(value ?? TimeSpan.Zero).TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private void Add(string line)
    {
        if (!_lines.Writer.TryWrite(line))
        {
            if (Interlocked.Increment(ref _dropped) == 1)
            {
                LogDropping(_logger, _path);
            }
        }
    }

    private async Task RunAsync()
    {
        var reader = _lines.Reader;
        var batch = new StringBuilder();

        // One warning per failing episode (a full disk or no file descriptors fails every batch until it passes),
        // and one line when writing works again, with what was lost meanwhile.
        long lostInEpisode = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var count = 0;
            while (count < 1_000 && reader.TryRead(out var line))
            {
                batch.Append(line).Append('\n');
                count += 1;
            }

            try
            {
                await File.AppendAllTextAsync(_path, batch.ToString()).ConfigureAwait(false);
                Interlocked.Add(ref _written, count);
                if (lostInEpisode > 0)
                {
                    LogWriteRecovered(_logger, _path, lostInEpisode);
                    lostInEpisode = 0;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Interlocked.Add(ref _dropped, count);
                if (lostInEpisode == 0)
                {
                    LogWriteFailed(_logger, ex, _path, count);
                }

                lostInEpisode += count;
            }
        }
    }

    private sealed class AgentTrack
    {
        public DateTimeOffset? LoginAt { get; set; }
        public string? Extension { get; set; }
        public bool Paused { get; set; }
    }

    [LoggerMessage(EventId = 1330, Level = LogLevel.Warning, Message = "Writing {Count} lines to the queue_log {Path} failed; they are lost, routing is unaffected (said once until writing works again)")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string path, int count);

    [LoggerMessage(EventId = 1332, Level = LogLevel.Information, Message = "Writing to the queue_log {Path} works again; {Lost} lines were lost while it failed")]
    private static partial void LogWriteRecovered(ILogger logger, string path, long lost);

    [LoggerMessage(EventId = 1331, Level = LogLevel.Warning, Message = "The queue_log writer for {Path} cannot keep up; lines are being dropped (see Dropped)")]
    private static partial void LogDropping(ILogger logger, string path);
}
