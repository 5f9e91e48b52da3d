using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CallCenter.Server.Service;

/// <summary>
/// Renders the systemd unit for CallCenter. Pure text in, text out, so every line is tested without systemd.
/// Quoting follows systemd.service(5) "Command lines" and systemd.unit(5) "Specifiers": words are split on
/// whitespace unless double-quoted, inside quotes C-style backslash escapes apply, '%' starts a specifier in
/// (nearly) every setting and '$' an environment expansion in Exec lines, so both are doubled to stay literal.
/// </summary>
public static partial class SystemdUnit
{
    public static string FileName(ServiceInstallSettings settings) => settings.ServiceName + ".service";

    public static string Render(ServiceInstallSettings settings)
    {
        var unit = new StringBuilder();
        unit.Append("# Written by 'CallCenter.Server install'. Running install again overwrites this file;\n");
        unit.Append("# put local changes in a drop-in instead: systemctl edit ").Append(settings.ServiceName).Append('\n');
        unit.Append("[Unit]\n");
        Line(unit, "Description", SingleLine(settings.Description));
        // network-online, not network: the SIP listeners bind configured addresses, which must exist by then.
        Line(unit, "After", "network-online.target");
        Line(unit, "Wants", "network-online.target");
        unit.Append('\n');

        unit.Append("[Service]\n");
        // Type=notify: the server itself says READY=1 once every listener is bound (SystemdNotifyService), so
        // units ordered after this one start against a PBX that answers. NotifyAccess=main ignores anyone else.
        Line(unit, "Type", "notify");
        Line(unit, "NotifyAccess", "main");
        Line(unit, "ExecStart", string.Join(' ', settings.Command.Select(QuoteExecArgument)));
        // SIGHUP asks the server to reload its configuration; $MAINPID is meant to be expanded here.
        Line(unit, "ExecReload", "/bin/kill -HUP $MAINPID");
        Line(unit, "WorkingDirectory", EscapeSpecifiers(settings.InstallDirectory));
        Line(unit, "User", settings.ServiceUser);
        Line(unit, "Group", settings.EffectiveGroup);
        foreach (var (name, value) in settings.Environment)
        {
            Line(unit, "Environment", QuoteWord(EscapeSpecifiers(name + "=" + value)));
        }

        Line(unit, "Restart", "on-failure");
        Line(unit, "RestartSec", "5");
        // Exit 78 (EX_CONFIG) means "fix the configuration or the database": restarting cannot help.
        Line(unit, "RestartPreventExitStatus", "78");
        Line(unit, "WatchdogSec", Seconds(settings.WatchdogTimeout));
        // SIGTERM starts the drain: calls in progress get DrainTimeout to end, the host the margin to close.
        Line(unit, "TimeoutStopSec", Seconds(settings.StopTimeout));
        Line(unit, "KillSignal", "SIGTERM");
        // Each call holds RTP sockets and a SIP connection or two; the default soft limit of 1024 is a few
        // hundred calls.
        Line(unit, "LimitNOFILE", "65536");
        // Binding 5060/5061 and 443 as an unprivileged user needs exactly this capability, and nothing else.
        Line(unit, "AmbientCapabilities", "CAP_NET_BIND_SERVICE");
        Line(unit, "CapabilityBoundingSet", "CAP_NET_BIND_SERVICE");
        Line(unit, "NoNewPrivileges", "true");
        Line(unit, "ProtectSystem", "strict");
        Line(unit, "ProtectHome", "true");
        Line(unit, "PrivateTmp", "true");
        Line(unit, "ReadWritePaths", string.Join(' ', settings.WritableFolders.Select(p => QuoteWord(EscapeSpecifiers(p)))));
        // The server only reads its configuration; saying so keeps it readable should the folder sit under a
        // path the sandbox would otherwise hide, and keeps it read-only even if ProtectSystem is relaxed.
        Line(unit, "ReadOnlyPaths", QuoteWord(EscapeSpecifiers(settings.ConfigFolder)));
        unit.Append('\n');

        unit.Append("[Install]\n");
        Line(unit, "WantedBy", "multi-user.target");
        return unit.ToString();
    }

    /// <summary>Everything that would make the rendered unit wrong or unsafe, as sentences for the administrator.</summary>
    public static IReadOnlyList<string> Validate(ServiceInstallSettings settings)
    {
        var problems = new List<string>();
        if (!UnitName().IsMatch(settings.ServiceName))
        {
            problems.Add($"'{settings.ServiceName}' is not a valid unit name (letters, digits, ':', '_', '.', '-' only).");
        }

        foreach (var account in new[] { settings.ServiceUser, settings.EffectiveGroup }.Distinct(StringComparer.Ordinal))
        {
            if (!AccountName().IsMatch(account))
            {
                problems.Add($"'{account}' is not a valid user or group name (lower-case letters, digits, '_', '-', up to 32).");
            }
        }

        if (settings.Command.IsDefaultOrEmpty || !Path.IsPathFullyQualified(settings.Command[0]))
        {
            problems.Add("The service command must start with the absolute path of an executable.");
        }

        foreach (var (label, path) in new[]
                 {
                     ("install", settings.InstallDirectory), ("configuration", settings.ConfigFolder),
                     ("data", settings.DataFolder), ("log", settings.LogFolder), ("recordings", settings.RecordingsFolder),
                 })
        {
            if (path is not null && !Path.IsPathFullyQualified(path))
            {
                problems.Add($"The {label} folder '{path}' must be an absolute path.");
            }
        }

        foreach (var name in settings.Environment.Keys)
        {
            if (!EnvironmentName().IsMatch(name))
            {
                problems.Add($"'{name}' is not a valid environment variable name.");
            }
        }

        if (settings.WatchdogTimeout < TimeSpan.FromSeconds(2))
        {
            problems.Add("The watchdog timeout must be at least 2 seconds.");
        }

        return problems;
    }

    /// <summary>One word of an Exec line: '%' and '$' doubled, quoted when it holds anything systemd would split or unescape.</summary>
    public static string QuoteExecArgument(string argument)
    {
        // A lone ';' separates command lines; systemd.service(5) documents "\;" for a literal one.
        if (argument == ";")
        {
            return "\\;";
        }

        return QuoteWord(EscapeSpecifiers(argument).Replace("$", "$$", StringComparison.Ordinal));
    }

    /// <summary>One word of a whitespace-separated list (ReadWritePaths=, Environment=), quoted only when needed.</summary>
    public static string QuoteWord(string word)
    {
        if (word.Length > 0 && word.All(IsPlain))
        {
            return word;
        }

        var quoted = new StringBuilder(word.Length + 2).Append('"');
        foreach (var c in word)
        {
            switch (c)
            {
                case '\\': quoted.Append("\\\\"); break;
                case '"': quoted.Append("\\\""); break;
                case '\n': quoted.Append("\\n"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\r': quoted.Append("\\r"); break;
                default:
                    if (char.IsControl(c))
                    {
                        quoted.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        quoted.Append(c);
                    }

                    break;
            }
        }

        return quoted.Append('"').ToString();
    }

    public static string EscapeSpecifiers(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    private static bool IsPlain(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ':' or '=' or '+' or ',' or '@' or '%' or '$';

    private static string SingleLine(string text) =>
        EscapeSpecifiers(string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim());

    private static string Seconds(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture)
            : ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";

    private static void Line(StringBuilder unit, string key, string value) => unit.Append(key).Append('=').Append(value).Append('\n');

    [GeneratedRegex(@"^[A-Za-z0-9:_.\-]{1,200}$")]
    private static partial Regex UnitName();

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex AccountName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
