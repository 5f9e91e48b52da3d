namespace CallCenter.Tests.Support;

/// <summary>
/// The real server on an install of its own, up and healthy, with a client for its web API: what an interop
/// fixture starts once and stops at the end. <see cref="StopAsync"/> sends SIGTERM and returns the exit code, so the
/// fixture can assert the server survived everything its peers did.
/// </summary>
public sealed class RunningServer
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(20);

    private RunningServer(ShippedConfigCopy install, ServerProcess process)
    {
        Install = install;
        Process = process;
        Web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{install.WebPort}") };
    }

    public ShippedConfigCopy Install { get; }

    public ServerProcess Process { get; }

    public HttpClient Web { get; }

    public static async Task<RunningServer> StartAsync(ShippedConfigCopy install)
    {
        var process = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await process.WaitForHealthAsync(install.WebPort, StartLimit)).Dispose();
        return new RunningServer(install, process);
    }

    public async Task<int?> StopAsync()
    {
        Web.Dispose();
        Process.SendSignal(ServerProcess.SigTerm);
        var code = await Process.WaitForExitAsync(StopLimit);
        await Process.DisposeAsync();
        return code;
    }
}
