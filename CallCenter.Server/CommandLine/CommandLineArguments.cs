namespace CallCenter.Server.CommandLine;

/// <summary>The verb and options of one invocation: <c>CallCenter.Server [verb] [--config DIR] [argument]</c>.</summary>
public sealed record CommandLineArguments(string Verb, string? ConfigFolder, string? Argument, bool Help)
{
    public static readonly IReadOnlyList<string> Verbs =
        ["run", "check-config", "backup", "install", "uninstall", "start", "stop", "status", "version", "help"];

    public static bool TryParse(IReadOnlyList<string> args, out CommandLineArguments parsed, out string? error)
    {
        string? verb = null;
        string? config = null;
        string? argument = null;
        var help = false;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--config" or "-c":
                    if (i + 1 >= args.Count)
                    {
                        error = $"{arg} needs a folder, e.g. --config /etc/callcenter";
                        parsed = new CommandLineArguments("help", null, null, true);
                        return false;
                    }

                    config = args[++i];
                    break;
                case "--help" or "-h" or "/?":
                    help = true;
                    break;
                default:
                    if (arg.StartsWith("--config=", StringComparison.Ordinal))
                    {
                        config = arg["--config=".Length..];
                    }
                    else if (arg.StartsWith('-'))
                    {
                        error = $"Unknown option '{arg}'.";
                    }
                    else if (verb is null)
                    {
                        verb = arg.ToLowerInvariant();
                    }
                    else if (argument is null)
                    {
                        argument = arg;
                    }
                    else
                    {
                        error = $"Unexpected argument '{arg}'.";
                    }

                    break;
            }
        }

        verb ??= "run";
        if (error is null && !Verbs.Contains(verb))
        {
            error = $"Unknown verb '{verb}'. Verbs: {string.Join(", ", Verbs)}.";
        }

        parsed = new CommandLineArguments(verb, config, argument, help || verb == "help");
        return error is null;
    }

    public const string Usage = """
        Usage: CallCenter.Server [verb] [--config DIR]

          run            run the server in the foreground (default)
          check-config   validate the configuration files, print every error, exit non-zero if any
          backup FILE    write a consistent copy of the live database to FILE
          install        install as a system service (systemd unit or Windows service)
          uninstall      remove the system service (data and logs are kept)
          start | stop | status   control the installed service
          version        print the version

        --config DIR     the configuration folder (default: $CALLCENTER_CONFIG, else ./config or the first
                         config/ folder found above the working or program folder)
        """;
}
