namespace CallCenter.Server.Service;

/// <summary>
/// Exit codes of the service verbs, close to the LSB init-script conventions so that scripts and monitoring
/// that know those read them right (status: 0 running, 3 not running).
/// </summary>
public static class ServiceExitCode
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int NotRunning = 3;
    public const int NotPermitted = 4;
    public const int NotInstalled = 5;
    public const int Unsupported = 6;
}
