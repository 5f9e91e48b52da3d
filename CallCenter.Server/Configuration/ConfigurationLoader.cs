using CallCenter.Media.Tones;
using System.Collections.Immutable;
using System.Net;
using System.Xml;
using System.Xml.Linq;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>
/// Turns the XML files of one configuration folder into a <see cref="CallCenterOptions"/> snapshot, or into
/// the complete list of what is wrong with them. Pure: reads files, touches nothing else, so start-up,
/// <c>check-config</c> and the live watcher all run the very same checks.
/// </summary>
public static class ConfigurationLoader
{
    public const string MainFile = "callcenter.xml";
    public const string ExtensionsFile = "extensions.xml";
    public const string MainSchema = "callcenter.xsd";
    public const string ExtensionsSchema = "extensions.xsd";
    public const string QueuesFile = "queues.xml";
    public const string QueuesSchema = "queues.xsd";
    public const string IvrFile = "ivr.xml";
    public const string IvrSchema = "ivr.xsd";

    /// <summary>The prompts folder below the configuration folder: sounds/&lt;language&gt;/&lt;name&gt;.wav.</summary>
    public const string SoundsFolder = "sounds";

    private static readonly (string Text, ToneRegion Value)[] ToneRegions =
    [
        ("north-america", ToneRegion.NorthAmerica), ("europe", ToneRegion.Europe), ("china", ToneRegion.China),
    ];

    /// <summary>The music-on-hold classes, one folder of WAV files each, beside the sounds.</summary>
    public const string MusicFolder = "moh";

    /// <summary>The files a configuration consists of; the watcher reloads when any of them (or a schema in
    /// schema/) changes. Files that later features add (IVR, trunks, routes) join this list, each
    /// with its schema.</summary>
    public static readonly ImmutableArray<string> Files = [MainFile, ExtensionsFile, QueuesFile, IvrFile];

    public static ConfigLoadResult Load(string configFolder, long generation = 1)
    {
        var folder = Path.GetFullPath(configFolder);
        var errors = new List<ConfigError>();
        if (!Directory.Exists(folder))
        {
            errors.Add(new ConfigError(configFolder, 0, 0, $"The configuration folder '{folder}' does not exist."));
            return ConfigLoadResult.Failure(errors);
        }

        // Relative folders in the files mean "relative to the installation", the folder that holds config/;
        // certificates are the exception and sit with the configuration (see SipListenerOptions.CertificatePath).
        var root = Path.GetDirectoryName(folder.TrimEnd(Path.DirectorySeparatorChar)) ?? folder;

        // Both files are always read, so that one run reports the problems of both.
        var main = ConfigDocument.Load(folder, MainFile, MainSchema, errors);
        var extensionsDocument = ConfigDocument.Load(folder, ExtensionsFile, ExtensionsSchema, errors);

        // queues.xml is optional: an installation that is only a PBX has none. When it is there, it is read
        // through its schema like the others.
        var hasQueues = File.Exists(Path.Combine(folder, QueuesFile));
        var queuesDocument = hasQueues ? ConfigDocument.Load(folder, QueuesFile, QueuesSchema, errors) : null;

        var realm = main?.Root?.Element("sip")?.Attribute("realm")?.Value ?? "realm";
        var extensions = extensionsDocument is null ? null : ReadExtensionsFile(extensionsDocument.Root!, realm, errors);
        var queues = !hasQueues ? new QueuesOptions()
            : queuesDocument is null ? null
            : ReadQueuesFile(queuesDocument.Root!, extensions, Path.Combine(folder, MusicFolder), errors);

        // ivr.xml is optional as well (a PBX without menus); its flows name queues and extensions, so it is judged
        // after both, and only against files that read well (a broken queues.xml is reported there, not here).
        var hasIvr = File.Exists(Path.Combine(folder, IvrFile));
        var ivrDocument = hasIvr ? ConfigDocument.Load(folder, IvrFile, IvrSchema, errors) : null;
        var ivr = !hasIvr ? new IvrOptions()
            : ivrDocument is null ? null
            : ReadIvrFile(ivrDocument.Root!, queues, extensions, Path.Combine(folder, SoundsFolder), errors);

        // Agents name their queues in extensions.xml; that reference can only be judged once both files read well.
        if (extensions is not null && queues is not null)
        {
            ConfigValidator.ValidateAgentQueues(new ConfigReader(ExtensionsFile, errors), extensionsDocument!.Root!, extensions, queues);
        }

        var options = main is null ? null : ReadMainFile(main.Root!, folder, root, generation, extensions ?? new ExtensionsOptions(), errors);

        return errors.Count == 0 && options is not null && extensions is not null && queues is not null && ivr is not null
            ? ConfigLoadResult.Success(options with { Queues = queues, Ivr = ivr })
            : ConfigLoadResult.Failure(InReadingOrder(errors));
    }

    private static QueuesOptions? ReadQueuesFile(XElement root, ExtensionsOptions? extensions, string musicFolder, List<ConfigError> errors)
    {
        var before = errors.Count;
        var reader = new ConfigReader(QueuesFile, errors);
        var queues = QueuesReader.Read(reader, root);
        if (errors.Count > before)
        {
            return null;
        }

        ConfigValidator.ValidateQueues(reader, root, queues, extensions, musicFolder);
        return errors.Count > before ? null : queues;
    }

    private static IvrOptions? ReadIvrFile(
        XElement root, QueuesOptions? queues, ExtensionsOptions? extensions, string soundsFolder, List<ConfigError> errors)
    {
        var before = errors.Count;
        var reader = new ConfigReader(IvrFile, errors);
        var ivr = IvrReader.Read(reader, root);
        if (errors.Count > before)
        {
            return null;
        }

        // An installation without sounds/ (a test folder, a PBX that plays nothing) cannot have its prompts checked.
        ConfigValidator.ValidateIvr(reader, root, ivr, queues, extensions, Directory.Exists(soundsFolder) ? soundsFolder : null);
        return errors.Count > before ? null : ivr;
    }

    // Schema errors, reading errors and rule violations are found in separate passes; an admin reads them
    // best file by file, top to bottom. The sort is stable, so errors at one spot keep their order.
    private static IEnumerable<ConfigError> InReadingOrder(List<ConfigError> errors)
    {
        static int FileOrder(string file) => Files.IndexOf(file) is var index and >= 0 ? index : int.MaxValue;
        return errors.OrderBy(e => FileOrder(e.File)).ThenBy(e => e.Line).ThenBy(e => e.Column);
    }

    private static ExtensionsOptions? ReadExtensionsFile(XElement root, string realm, List<ConfigError> errors)
    {
        var before = errors.Count;
        var reader = new ConfigReader(ExtensionsFile, errors);
        var extensions = ReadExtensions(reader, root);
        if (errors.Count > before)
        {
            return null;
        }

        ConfigValidator.ValidateExtensions(reader, root, extensions, realm);
        return errors.Count > before ? null : extensions;
    }

    private static CallCenterOptions? ReadMainFile(
        XElement root, string folder, string installRoot, long generation, ExtensionsOptions extensions, List<ConfigError> errors)
    {
        var before = errors.Count;
        var r = new ConfigReader(MainFile, errors);
        var options = new CallCenterOptions
        {
            Generation = generation,
            Node = new NodeOptions { Name = r.RequiredString(root, "node") },
            Sip = ReadSip(r, root, folder),
            Rtp = ReadRtp(r, root),
            Calls = ReadCalls(r, root),
            Features = ReadFeatures(r, root),
            Web = ReadWeb(r, root),
            Storage = ReadStorage(r, root, installRoot),
            Logging = ReadLogging(r, root, installRoot),
            Shutdown = ReadShutdown(r, root),
            Extensions = extensions,
        };

        // Rules applied to values that failed to read would judge fallbacks, not what the admin wrote.
        if (errors.Count > before)
        {
            return null;
        }

        ConfigValidator.ValidateMain(r, root, options.Sip, options.Rtp, options.Web);
        ConfigValidator.ValidateFeatures(r, root.Element("features"), options.Features);
        ConfigValidator.ValidateStorage(r, root.Element("storage"), options.Storage);
        return errors.Count > before ? null : options;
    }

    private static XElement Child(XElement parent, string name) => parent.Element(name) ?? new XElement(name);

    private static SipOptions ReadSip(ConfigReader r, XElement root, string configFolder)
    {
        var sip = Child(root, "sip");
        var listeners = ImmutableArray.CreateBuilder<SipListenerOptions>();
        foreach (var listener in sip.Elements("listener"))
        {
            var transport = r.Enum(listener, "transport", SipTransport.Udp);
            var certificate = r.OptionalString(listener, "certificate");
            var privateKey = r.OptionalString(listener, "privateKey");
            listeners.Add(new SipListenerOptions
            {
                Transport = transport,
                Address = r.Address(listener, "address", IPAddress.Any)!,
                Port = r.Int(listener, "port", transport == SipTransport.Tls ? 5061 : 5060, 1, 65535),
                CertificatePath = certificate is null ? null : Path.GetFullPath(Path.Combine(configFolder, certificate)),
                CertificatePassword = listener.Attribute("certificatePassword")?.Value,
                PrivateKeyPath = privateKey is null ? null : Path.GetFullPath(Path.Combine(configFolder, privateKey)),
            });
        }

        var defaults = new SipOptions { Realm = "", Domain = "", Listeners = [] };
        var timers = Child(sip, "timers");
        var registrar = Child(sip, "registrar");
        var limits = Child(sip, "limits");
        var security = Child(sip, "security");
        return new SipOptions
        {
            Realm = r.RequiredString(sip, "realm"),
            Domain = r.RequiredString(sip, "domain"),
            UserAgent = r.OptionalString(sip, "userAgent") ?? defaults.UserAgent,
            Listeners = listeners.ToImmutable(),
            Timers = new SipTimerOptions
            {
                T1 = r.Milliseconds(timers, "t1Ms", defaults.Timers.T1, 50, 10_000),
                T2 = r.Milliseconds(timers, "t2Ms", defaults.Timers.T2, 100, 60_000),
                T4 = r.Milliseconds(timers, "t4Ms", defaults.Timers.T4, 100, 60_000),
            },
            Registrar = new RegistrarOptions
            {
                MinExpires = r.Seconds(registrar, "minExpires", defaults.Registrar.MinExpires, 1, 86_400),
                MaxExpires = r.Seconds(registrar, "maxExpires", defaults.Registrar.MaxExpires, 1, 604_800),
                DefaultExpires = r.Seconds(registrar, "defaultExpires", defaults.Registrar.DefaultExpires, 1, 604_800),
                QualifyInterval = r.Seconds(registrar, "qualifyInterval", defaults.Registrar.QualifyInterval, 0, 86_400),
            },
            Limits = new SipLimitOptions
            {
                MaxMessageBytes = r.Int(limits, "maxMessageBytes", defaults.Limits.MaxMessageBytes, 1_024, 1_048_576),
                MaxConnections = r.Int(limits, "maxConnections", defaults.Limits.MaxConnections, 1, 1_000_000),
                IdleConnectionTimeout = r.Seconds(limits, "idleConnectionTimeout", defaults.Limits.IdleConnectionTimeout, 1, 86_400),
                PartialMessageTimeout = r.Seconds(limits, "partialMessageTimeout", defaults.Limits.PartialMessageTimeout, 1, 3_600),
            },
            Security = new SipSecurityOptions
            {
                MaxFailures = r.Int(security, "maxFailures", defaults.Security.MaxFailures, 1, 10_000),
                FindWindow = r.Seconds(security, "findWindow", defaults.Security.FindWindow, 1, 86_400),
                BanTime = r.Seconds(security, "banTime", defaults.Security.BanTime, 1, 31_536_000),
                NonceLifetime = r.Seconds(security, "nonceLifetime", defaults.Security.NonceLifetime, 5, 86_400),
                TrustedNetworks = ReadNetworks(r, security),
                DigestAlgorithms = security.Attribute("digestAlgorithms") is { } algorithms
                    ? [.. algorithms.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)]
                    : defaults.Security.DigestAlgorithms,
            },
        };
    }

    private static ImmutableArray<IPNetwork> ReadNetworks(ConfigReader r, XElement security)
    {
        var networks = ImmutableArray.CreateBuilder<IPNetwork>();
        foreach (var trusted in security.Elements("trusted"))
        {
            var text = r.RequiredString(trusted, "network");
            if (text.Length == 0)
            {
                continue;
            }

            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                r.Error(trusted.Attribute("network"), $"'network' must be an address range such as 192.168.10.0/24, not '{text}'.");
            }
        }

        return networks.ToImmutable();
    }

    private static RtpOptions ReadRtp(ConfigReader r, XElement root)
    {
        var rtp = Child(root, "rtp");
        var defaults = new RtpOptions();
        return new RtpOptions
        {
            PortMin = r.Int(rtp, "portMin", defaults.PortMin, 1_024, 65_534),
            PortMax = r.Int(rtp, "portMax", defaults.PortMax, 1_025, 65_535),
            PublicAddress = r.Address(rtp, "publicAddress", null),
            BindAddress = r.Address(rtp, "bindAddress", defaults.BindAddress)!,
            MediaTimeout = r.Seconds(rtp, "mediaTimeout", defaults.MediaTimeout, 0, 86_400),
        };
    }

    private static CallsOptions ReadCalls(ConfigReader r, XElement root)
    {
        var calls = Child(root, "calls");
        var defaults = new CallsOptions();
        return new CallsOptions
        {
            RingTimeout = r.Seconds(calls, "ringTimeout", defaults.RingTimeout, 1, 600),
            MaxCalls = r.Int(calls, "maxCalls", defaults.MaxCalls, 1, 1_000_000),
            ShedAfter = r.Milliseconds(calls, "shedAfter", defaults.ShedAfter, 0, 32_000),
            ShedBacklog = r.Int(calls, "shedBacklog", defaults.ShedBacklog, 1, 100_000),
            Tones = r.Token(calls, "tones", ToneRegions, defaults.Tones),
        };
    }

    private static FeatureCodesOptions ReadFeatures(ConfigReader r, XElement root)
    {
        var features = Child(root, "features");
        var d = new FeatureCodesOptions();
        string Code(string name, string fallback) => r.OptionalString(features, name) ?? fallback;
        return new FeatureCodesOptions
        {
            DndOn = Code("dndOn", d.DndOn),
            DndOff = Code("dndOff", d.DndOff),
            DndToggle = Code("dndToggle", d.DndToggle),
            ForwardAlwaysOn = Code("forwardAlwaysOn", d.ForwardAlwaysOn),
            ForwardAlwaysOff = Code("forwardAlwaysOff", d.ForwardAlwaysOff),
            ForwardBusyOn = Code("forwardBusyOn", d.ForwardBusyOn),
            ForwardBusyOff = Code("forwardBusyOff", d.ForwardBusyOff),
            ForwardNoAnswerOn = Code("forwardNoAnswerOn", d.ForwardNoAnswerOn),
            ForwardNoAnswerOff = Code("forwardNoAnswerOff", d.ForwardNoAnswerOff),
            Pickup = Code("pickup", d.Pickup),
            DirectedPickup = Code("directedPickup", d.DirectedPickup),
            QueueToggle = Code("queueToggle", d.QueueToggle),
            PauseToggle = Code("pauseToggle", d.PauseToggle),
            AgentLogin = Code("agentLogin", d.AgentLogin),
            AgentLogout = Code("agentLogout", d.AgentLogout),
        };
    }

    private static WebOptions ReadWeb(ConfigReader r, XElement root)
    {
        var web = Child(root, "web");
        var defaults = new WebOptions();
        return new WebOptions
        {
            Address = r.Address(web, "address", defaults.Address)!,
            Port = r.Int(web, "port", defaults.Port, 0, 65_535),
        };
    }

    private static StorageOptions ReadStorage(ConfigReader r, XElement root, string installRoot)
    {
        var storage = Child(root, "storage");
        var dataFolder = Path.GetFullPath(Path.Combine(installRoot, r.OptionalString(storage, "dataFolder") ?? "data"));
        var recordings = r.OptionalString(storage, "recordingsFolder");
        var defaults = new StorageOptions { DataFolder = "", RecordingsFolder = "" };
        return new StorageOptions
        {
            DataFolder = dataFolder,
            RecordingsFolder = recordings is null
                ? Path.Combine(dataFolder, "recordings")
                : Path.GetFullPath(Path.Combine(installRoot, recordings)),
            DatabaseFileName = r.OptionalString(storage, "databaseFile") ?? defaults.DatabaseFileName,
            BusyTimeout = r.Seconds(storage, "busyTimeout", defaults.BusyTimeout, 0, 600),
            QueueLog = r.Bool(storage, "queueLog", defaults.QueueLog),
            QueueLogFileName = r.OptionalString(storage, "queueLogFile") ?? defaults.QueueLogFileName,
        };
    }

    private static LoggingOptions ReadLogging(ConfigReader r, XElement root, string installRoot)
    {
        var logging = Child(root, "logging");
        var defaults = new LoggingOptions { Folder = "" };
        var overrides = ImmutableArray.CreateBuilder<LogOverride>();
        foreach (var item in logging.Elements("override"))
        {
            overrides.Add(new LogOverride(
                r.RequiredString(item, "namespace"),
                r.Enum(item, "level", LogLevelSetting.Information)));
        }

        return new LoggingOptions
        {
            Folder = Path.GetFullPath(Path.Combine(installRoot, r.OptionalString(logging, "folder") ?? "logs")),
            Level = r.Enum(logging, "level", defaults.Level),
            Overrides = overrides.ToImmutable(),
            RetainedFileCount = r.Int(logging, "retainedFiles", defaults.RetainedFileCount, 1, 3_650),
            Console = r.Bool(logging, "console", defaults.Console),
            SipTrace = r.Bool(logging, "sipTrace", defaults.SipTrace),
        };
    }

    private static ShutdownOptions ReadShutdown(ConfigReader r, XElement root)
    {
        var shutdown = Child(root, "shutdown");
        return new ShutdownOptions
        {
            DrainTimeout = r.Seconds(shutdown, "drainTimeout", new ShutdownOptions().DrainTimeout, 0, 86_400),
        };
    }

    private static ExtensionsOptions ReadExtensions(ConfigReader r, XElement root)
    {
        var users = ImmutableArray.CreateBuilder<UserOptions>();
        foreach (var user in root.Elements("user"))
        {
            users.Add(new UserOptions
            {
                Extension = r.RequiredString(user, "extension"),
                DisplayName = r.OptionalString(user, "name") ?? r.OptionalString(user, "extension") ?? string.Empty,
                Credential = new SipCredential
                {
                    Password = user.Attribute("password")?.Value,
                    Ha1Md5 = r.OptionalString(user, "ha1")?.ToLowerInvariant(),
                    Ha1Sha256 = r.OptionalString(user, "ha1Sha256")?.ToLowerInvariant(),
                },
                MaxContacts = r.Int(user, "maxContacts", 3, 1, 100),
                CallLimit = r.Int(user, "callLimit", 2, 1, 1_000),
                DoNotDisturb = r.Bool(user, "dnd", false),
                ForwardAlways = r.OptionalString(user, "forwardAlways"),
                ForwardBusy = r.OptionalString(user, "forwardBusy"),
                ForwardNoAnswer = r.OptionalString(user, "forwardNoAnswer"),
                NoAnswerTimeout = user.Attribute("noAnswerTimeout") is null ? null : r.Seconds(user, "noAnswerTimeout", TimeSpan.Zero, 1, 600),
            });
        }

        var agents = ImmutableArray.CreateBuilder<AgentOptions>();
        foreach (var agent in root.Elements("agent"))
        {
            agents.Add(new AgentOptions
            {
                Id = r.RequiredString(agent, "id"),
                Name = r.OptionalString(agent, "name") ?? r.OptionalString(agent, "id") ?? string.Empty,
                Pin = r.RequiredString(agent, "pin"),
                Number = r.OptionalString(agent, "number"),
                DefaultExtension = r.OptionalString(agent, "extension"),
                Skills = [.. agent.Elements("skill").Select(skill =>
                    new AgentSkillOptions(r.RequiredString(skill, "name"), r.Int(skill, "proficiency", 1, 1, 100)))],
                Queues = [.. agent.Elements("queue").Select(queue =>
                    new QueueMembershipOptions(r.RequiredString(queue, "name"), r.Int(queue, "penalty", 0, 0, 100)))],
            });
        }

        return new ExtensionsOptions { Users = users.ToImmutable(), Agents = agents.ToImmutable() };
    }
}
