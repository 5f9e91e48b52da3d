namespace CallCenter.Server.Service;

/// <summary>
/// One operating system's service manager, as the verbs see it. Every method writes what it did, step by step,
/// to <c>output</c>, the reason it stopped to <c>error</c>, and returns a <see cref="ServiceExitCode"/>.
/// </summary>
public interface IServiceManager
{
    int Install(ServiceInstallSettings settings, TextWriter output, TextWriter error);

    int Uninstall(ServiceInstallSettings settings, TextWriter output, TextWriter error);

    int Start(ServiceInstallSettings settings, TextWriter output, TextWriter error);

    int Stop(ServiceInstallSettings settings, TextWriter output, TextWriter error);

    int Status(ServiceInstallSettings settings, TextWriter output, TextWriter error);
}
