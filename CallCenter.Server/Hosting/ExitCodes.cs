namespace CallCenter.Server.Hosting;

/// <summary>Process exit codes, from sysexits.h where one fits, so that systemd's RestartPreventExitStatus
/// and scripts can tell "fix the configuration" from "try again".</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 64;
    public const int DataError = 65;
    public const int Unavailable = 69;
    public const int IoError = 74;
    public const int NoPermission = 77;
    public const int ConfigError = 78;
}
