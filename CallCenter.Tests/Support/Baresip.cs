using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CallCenter.Tests.Support;

/// <summary>
/// baresip 1.0.0 as a headless phone registering one account: a throw-away config folder, the process with its SIP
/// trace on (<c>-s</c>, see <see cref="BaresipLog"/>) and a lifetime of its own (<c>-t</c>), so it quits and
/// unregisters even if the test never calls <see cref="QuitAsync"/>. Dispose kills whatever is still running.
/// Measured against Kamailio on loopback: registered within 5 ms of start; with regint=N the refresh comes at
/// 0.9 N seconds; on quit baresip sends REGISTER with ";expires=0" in the Contact and exits as soon as that is
/// answered, or after 32 s (Timer F) when nothing answers.
/// </summary>
public sealed class Baresip : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempFolder _folder;
    private readonly StringBuilder _output = new();
    private readonly BaresipLog _log = new();
    private TaskCompletionSource _changed = NewSignal();

    private Baresip(Process process, TempFolder folder, int sipPort)
    {
        _process = process;
        _folder = folder;
        SipPort = sipPort;
    }

    /// <param name="Extension">the user part of the address of record and the digest username</param>
    /// <param name="RegistrarPort">where the registrar listens on 127.0.0.1</param>
    /// <param name="Transport">"udp" or "tcp"</param>
    /// <param name="RegistrationInterval">baresip's regint: the expires it asks for, in seconds</param>
    /// <param name="Parameters">more account parameters, each with its leading ';' (";answermode=auto")</param>
    public sealed record Account(
        string Extension, string Password, int RegistrarPort, string Transport = "udp", int RegistrationInterval = 3600, string Parameters = "");

    /// <summary>Audio for calls: what the phone sends (a WAV file through the <c>aufile</c> source; the call ends
    /// when it runs out) and a folder where the <c>sndfile</c> module writes what it sent (dump-*-enc.wav) and what
    /// it received (dump-*-dec.wav). Nothing is played: <c>aubridge</c> stands in for a sound card.</summary>
    public sealed record Audio(string SourceWav, string RecordingFolder);

    public int SipPort { get; }

    public string ConfigFolder => _folder.Path;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int Registrations => Read(log => log.Registrations);

    public int Removals => Read(log => log.Removals);

    public IReadOnlyList<BaresipLog.RegisterOutcome> Outcomes => Read(log => log.Outcomes.ToArray());

    /// <param name="audio">null for a phone that only registers</param>
    /// <param name="verbose">baresip's -v: it then also prints, among much else, the RFC 4733 events it receives
    /// ("received event: '5' (end=0)")</param>
    public static Baresip Start(Account account, TimeSpan lifetime, Audio? audio = null, bool verbose = false)
    {
        var folder = new TempFolder("cc-baresip");
        var sipPort = PortWithFreeSuccessor();
        File.WriteAllText(folder.Combine("config"), Config(sipPort) + (audio is null ? string.Empty : AudioConfig(audio)));
        File.WriteAllText(
            folder.Combine("accounts"),
            string.Create(
                CultureInfo.InvariantCulture,
                $"<sip:{account.Extension}@127.0.0.1:{account.RegistrarPort};transport={account.Transport}>;auth_pass={account.Password};regint={account.RegistrationInterval}{account.Parameters}\n"));

        var info = new ProcessStartInfo(Peers.Require(Peers.Baresip))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder.Path,
        };
        string[] arguments = ["-f", folder.Path, "-s", "-t", ((int)Math.Ceiling(lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture)];
        foreach (var argument in verbose ? [.. arguments, "-v"] : arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var phone = new Baresip(process, folder, sipPort);
        process.OutputDataReceived += (_, e) => phone.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => phone.OnLine(e.Data);
        process.Exited += (_, _) => phone.Signal();
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return phone;
    }

    /// <summary>
    /// Waits until <paramref name="count"/> REGISTERs asking for a binding got a 2xx (1: registered, 2: refreshed
    /// once). Fails at once with baresip's output when it gives up on the registration or exits.
    /// </summary>
    public Task WaitForRegistrationsAsync(int count, TimeSpan limit) =>
        WaitAsync(log => log.Registrations >= count, $"{count} successful registration(s)", limit);

    /// <summary>Waits (bounded) until baresip has printed <paramref name="text"/>; fails with its output if it exits
    /// first or the time runs out.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_log)
            {
                changed = _changed.Task;
            }

            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            if (_process.HasExited)
            {
                throw new AssertionException($"baresip exited ({_process.ExitCode}) before printing '{text}'\n{Output}");
            }

            var remaining = limit - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new AssertionException($"baresip did not print '{text}' within {limit}\n{Output}");
            }

            try
            {
                await changed.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
                // Checked once more at the top, then reported.
            }
        }
    }

    /// <summary>Types a command into baresip's menu through stdin ("/dial sip:...", "/sndcode 5", "/hangup").</summary>
    public async Task SendCommandAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>
    /// Sends /quit on stdin, which makes baresip unregister and exit, and waits for the exit (bounded; killed at the
    /// limit). Returns the exit code, or null when it had to be killed.
    /// </summary>
    public async Task<int?> QuitAsync(TimeSpan limit)
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("/quit");
                await _process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // It exited between the check and the write: nothing left to ask.
            }
        }

        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            _process.WaitForExit();
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        _folder.Dispose();
    }

    private async Task WaitAsync(Func<BaresipLog, bool> condition, string what, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_log)
            {
                if (condition(_log))
                {
                    return;
                }

                if (_log.Failures.Count > 0)
                {
                    throw new AssertionException($"baresip gave up waiting for {what}: {_log.Failures[0]}\n{Output}");
                }

                changed = _changed.Task;
            }

            if (_process.HasExited)
            {
                throw new AssertionException($"baresip exited ({_process.ExitCode}) before {what}\n{Output}");
            }

            var remaining = limit - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new AssertionException($"no {what} within {limit}\n{Output}");
            }

            try
            {
                await changed.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
                // Checked once more at the top, then reported.
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        lock (_log)
        {
            _log.Add(line);
        }

        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_log)
        {
            previous = _changed;
            _changed = NewSignal();
        }

        previous.TrySetResult();
    }

    private T Read<T>(Func<BaresipLog, T> read)
    {
        lock (_log)
        {
            return read(_log);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Headless SIP only: no audio device module, g711 so that an account has a codec to offer, stdio so that /quit
    // arrives on stdin. net_interface pins every socket to loopback (the anchors README: an interface name fails).
    private static string Config(int sipPort) => string.Create(
        CultureInfo.InvariantCulture,
        $"""
        poll_method		epoll
        sip_listen		127.0.0.1:{sipPort}
        net_interface		127.0.0.1
        module_path		/usr/lib/baresip/modules
        module			stdio.so
        module			g711.so
        module_app		account.so
        module_app		menu.so

        """);

    // aufile reads 16-bit mono WAV at the codec's rate; sndfile names its dumps after the time the call started.
    // RTP ports from a block free right now rather than baresip's default 10000-20000: a stream another program
    // left running towards a port there (seen: RTP from 127.0.0.1:25000 interleaved with ours) confuses the
    // phone's receiver and can swallow a DTMF event.
    private static string AudioConfig(Audio audio)
    {
        var rtp = FreePorts.NextUdpBlock(4);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"""
            module			aufile.so
            module			aubridge.so
            module			sndfile.so
            audio_source		aufile,{audio.SourceWav}
            audio_player		aubridge,nil
            snd_path		{audio.RecordingFolder}
            rtp_ports		{rtp}-{rtp + 3}

            """);
    }

    // baresip 1.0.0 always opens a TLS listener on the SIP port + 1 (there is no sip_transports setting yet).
    private static int PortWithFreeSuccessor()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var port = FreePorts.Next();
            try
            {
                using var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                return port;
            }
            catch (SocketException)
            {
                // The successor is taken: try another pair.
            }
        }

        throw new InvalidOperationException("No loopback port with a free successor found in 20 attempts.");
    }
}
