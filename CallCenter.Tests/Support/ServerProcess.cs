using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;

namespace CallCenter.Tests.Support;

/// <summary>
/// The real CallCenter.Server executable in a child process, as an admin would run it: the verb and --config on
/// its command line, output captured. Tests stop it with a real SIGTERM, as systemd does.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private ServerProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

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

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public static ServerProcess Start(params string[] arguments) => Start(null, arguments);

    public static ServerProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var server = Path.Combine(TestContext.CurrentContext.TestDirectory, "CallCenter.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(server);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A test must never pick up a developer's own configuration by accident.
        info.Environment.Remove("CALLCENTER_CONFIG");
        info.Environment.Remove("NOTIFY_SOCKET");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var wrapper = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => Append(wrapper._output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(wrapper._error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Runs a verb to completion (bounded) and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToEndAsync(TimeSpan limit, params string[] arguments)
    {
        await using var process = Start(arguments);
        var code = await process.WaitForExitAsync(limit);
        return (code ?? -1, process.Output, process.Error);
    }

    public async Task<int?> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Polls /healthz until it answers 200 (bounded); the server logs and binds in well under a second here.</summary>
    public async Task<HttpResponseMessage> WaitForHealthAsync(int webPort, TimeSpan limit)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new AssertionException($"The server exited with {_process.ExitCode} before it was healthy.\nstdout:\n{Output}\nstderr:\n{Error}");
            }

            try
            {
                var response = await client.GetAsync($"http://127.0.0.1:{webPort}/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return response;
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex;
            }
            catch (TaskCanceledException ex)
            {
                last = ex;
            }

            await Task.Delay(100);
        }

        throw new AssertionException($"/healthz on port {webPort} did not answer within {limit}: {last?.Message}\nstdout:\n{Output}\nstderr:\n{Error}");
    }

    public void SendSignal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public const int SigTerm = 15;
    public const int SigHup = 1;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    public static async Task<T?> GetJsonAsync<T>(int webPort, string path)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await client.GetFromJsonAsync<T>($"http://127.0.0.1:{webPort}{path}");
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
