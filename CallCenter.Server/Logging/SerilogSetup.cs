using CallCenter.Core.Configuration;
using Serilog;
using Serilog.Events;

namespace CallCenter.Server.Logging;

/// <summary>Builds the process logger: console and a daily rolling file, plus the SIP trace in a file of its own
/// so that full messages (which contain names and numbers) never mix into the operational log.</summary>
public static class SerilogSetup
{
    private const string Template =
        "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}";

    // The console is read by a person: the message, and the structured properties only in the file.
    private const string ConsoleTemplate = "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private const string TraceTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} {Message:l}{NewLine}";

    public static Serilog.Core.Logger Create(LoggingOptions options, LogLevelController levels)
    {
        Directory.CreateDirectory(options.Folder);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(levels.MinimumLevel)
            .Enrich.FromLogContext()
            .WriteTo.Logger(main =>
            {
                main.Filter.ByExcluding(IsSipTrace).Filter.With(levels);
                main.WriteTo.File(
                    Path.Combine(options.Folder, "callcenter-.log"),
                    outputTemplate: Template,
                    rollingInterval: RollingInterval.Day,
                    retainedFileCountLimit: options.RetainedFileCount,
                    fileSizeLimitBytes: 256L * 1024 * 1024,
                    rollOnFileSizeLimit: true,
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                if (options.Console)
                {
                    main.WriteTo.Console(
                        outputTemplate: ConsoleTemplate,
                        formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                        standardErrorFromLevel: LogEventLevel.Error);
                }
            })
            .WriteTo.Logger(trace => trace
                .Filter.ByIncludingOnly(e => IsSipTrace(e) && levels.SipTraceEnabled)
                .WriteTo.File(
                    Path.Combine(options.Folder, "sip-trace-.log"),
                    outputTemplate: TraceTemplate,
                    rollingInterval: RollingInterval.Day,
                    retainedFileCountLimit: options.RetainedFileCount,
                    fileSizeLimitBytes: 256L * 1024 * 1024,
                    rollOnFileSizeLimit: true,
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture));
        return configuration.CreateLogger();
    }

    private static bool IsSipTrace(LogEvent logEvent) =>
        string.Equals(LogLevelController.SourceContextOf(logEvent), LogLevelController.SipTraceCategory, StringComparison.Ordinal);
}
