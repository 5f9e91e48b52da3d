using CallCenter.Core.Configuration;
using Serilog.Core;
using Serilog.Events;

namespace CallCenter.Server.Logging;

/// <summary>
/// Levels per namespace from callcenter.xml, changeable while running. Serilog's own overrides are fixed when the
/// logger is built, so we keep one global switch at the lowest level any namespace wants (that is what makes
/// <c>ILogger.IsEnabled</c> cheap and false for everything below it) and filter the rest per event by the
/// longest matching namespace. Called from any thread; the options reference is swapped atomically.
/// </summary>
public sealed class LogLevelController : ILogEventFilter
{
    public const string SipTraceCategory = CallCenter.Core.Sip.Transactions.SipTrace.Category;

    private LoggingOptions _options;

    public LogLevelController(LoggingOptions options)
    {
        _options = options;
        MinimumLevel = new LoggingLevelSwitch(Lowest(options));
    }

    public LoggingLevelSwitch MinimumLevel { get; }

    public bool SipTraceEnabled => Volatile.Read(ref _options).SipTrace;

    public void Apply(LoggingOptions options)
    {
        Volatile.Write(ref _options, options);
        MinimumLevel.MinimumLevel = Lowest(options);
    }

    public LogEventLevel LevelFor(string? sourceContext)
    {
        var options = Volatile.Read(ref _options);
        var level = options.Level;
        var bestLength = -1;
        if (sourceContext is not null)
        {
            foreach (var item in options.Overrides)
            {
                if (item.Namespace.Length > bestLength && Matches(sourceContext, item.Namespace))
                {
                    level = item.Level;
                    bestLength = item.Namespace.Length;
                }
            }
        }

        return Map(level);
    }

    public bool IsEnabled(LogEvent logEvent) => logEvent.Level >= LevelFor(SourceContextOf(logEvent));

    public static string? SourceContextOf(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var value) && value is ScalarValue { Value: string text }
            ? text
            : null;

    public static LogEventLevel Map(LogLevelSetting level) => level switch
    {
        LogLevelSetting.Verbose => LogEventLevel.Verbose,
        LogLevelSetting.Debug => LogEventLevel.Debug,
        LogLevelSetting.Information => LogEventLevel.Information,
        LogLevelSetting.Warning => LogEventLevel.Warning,
        LogLevelSetting.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };

    private static bool Matches(string sourceContext, string ns) =>
        sourceContext.StartsWith(ns, StringComparison.Ordinal)
        && (sourceContext.Length == ns.Length || sourceContext[ns.Length] == '.');

    private static LogEventLevel Lowest(LoggingOptions options)
    {
        var lowest = Map(options.Level);
        foreach (var item in options.Overrides)
        {
            var level = Map(item.Level);
            if (level < lowest)
            {
                lowest = level;
            }
        }

        // The SIP trace writes at Information: keep that reachable while the trace is on.
        return options.SipTrace && lowest > LogEventLevel.Information ? LogEventLevel.Information : lowest;
    }
}
