using System.Collections.Immutable;
using System.Net.Sockets;
using System.Text;
using CallCenter.Server.Service;
using Microsoft.Extensions.Hosting;

namespace CallCenter.Tests.Unit.Service;

internal static class ServiceTestSettings
{
    public static ServiceInstallSettings Linux() => new()
    {
        InstallDirectory = "/opt/callcenter",
        ConfigFolder = "/opt/callcenter/config",
        DataFolder = "/var/lib/callcenter",
        LogFolder = "/var/log/callcenter",
        Command = ["/usr/bin/dotnet", "/opt/callcenter/CallCenter.Server.dll", "run", "--config", "/opt/callcenter/config"],
    };
}

/// <summary>Records every command and answers from a script; unscripted commands succeed with no output.</summary>
internal sealed class FakeCommandRunner : ICommandRunner
{
    private readonly Dictionary<string, CommandResult> _answers = new(StringComparer.Ordinal);

    public List<string> Commands { get; } = [];

    public FakeCommandRunner Answer(string commandLine, int exitCode, string output = "", string error = "")
    {
        _answers[commandLine] = new CommandResult(exitCode, output, error);
        return this;
    }

    public CommandResult Run(string fileName, ImmutableArray<string> arguments)
    {
        // Joined with a separator no argument contains, so an argument with spaces stays visibly one argument.
        var line = string.Join(" | ", arguments.Insert(0, fileName));
        Commands.Add(line);
        return _answers.TryGetValue(line, out var answer) ? answer : new CommandResult(0, string.Empty, string.Empty);
    }
}

internal sealed class FakeHostLifetime : IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _started = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _stopped = new();

    public CancellationToken ApplicationStarted => _started.Token;
    public CancellationToken ApplicationStopping => _stopping.Token;
    public CancellationToken ApplicationStopped => _stopped.Token;

    public void NotifyStarted() => _started.Cancel();

    public void StopApplication() => _stopping.Cancel();

    public void Dispose()
    {
        _started.Dispose();
        _stopping.Dispose();
        _stopped.Dispose();
    }
}

/// <summary>A bound unix datagram socket standing in for systemd's notify socket.</summary>
internal sealed class NotifySocketListener : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly string? _path;

    private NotifySocketListener(string notifySocketName, string bindAddress, string? path)
    {
        NotifySocketName = notifySocketName;
        _path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(bindAddress));
        _socket.ReceiveTimeout = 5_000;
    }

    /// <summary>The value systemd would put in NOTIFY_SOCKET.</summary>
    public string NotifySocketName { get; }

    public static NotifySocketListener AtPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cc-notify-{Guid.NewGuid():N}.sock");
        return new NotifySocketListener(path, path, path);
    }

    public static NotifySocketListener Abstract()
    {
        var name = $"cc-notify-{Guid.NewGuid():N}";
        return new NotifySocketListener("@" + name, "\0" + name, null);
    }

    /// <summary>The next datagram, waiting at most five seconds (a SocketException fails the test after that).</summary>
    public string Receive()
    {
        var buffer = new byte[4096];
        var length = _socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    public bool NothingWithin(TimeSpan wait) => !_socket.Poll(wait, SelectMode.SelectRead);

    public void Dispose()
    {
        _socket.Dispose();
        if (_path is not null)
        {
            File.Delete(_path);
        }
    }
}
