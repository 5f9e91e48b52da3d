using System.Net;
using System.Runtime;
using System.Runtime.InteropServices;
using CallCenter.Core.Acd;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Core.Hosting;
using CallCenter.Core.Ivr;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Routing;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Core.Storage;
using CallCenter.Core.Storage.Acd;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Server.Configuration;
using CallCenter.Server.Logging;
using CallCenter.Server.Service;
using CallCenter.Server.Web;
using CallCenter.Media.Relay;
using Serilog.Extensions.Logging;

namespace CallCenter.Server.Hosting;

/// <summary>
/// The `run` verb: refuses to start on a bad configuration or an unusable database (nothing half-configured
/// ever listens), then runs the generic host with Kestrel until SIGTERM, Ctrl+C or a service stop.
/// </summary>
public static partial class ServerHost
{
    /// <summary>The multi-core JIT profile in the data folder (see <see cref="RunAsync"/>).</summary>
    public const string JitProfileFileName = "jit.profile";

    public static async Task<int> RunAsync(string configFolder, TextWriter error, CancellationToken cancellationToken = default)
    {
        var loaded = ConfigurationLoader.Load(configFolder);
        if (!loaded.Succeeded)
        {
            await error.WriteLineAsync($"CallCenter will not start: the configuration in {Path.GetFullPath(configFolder)} has {loaded.Errors.Length} error(s).");
            foreach (var item in loaded.Errors)
            {
                await error.WriteLineAsync(item.ToString());
            }

            return ExitCodes.ConfigError;
        }

        var options = loaded.Options!;
        var levels = new LogLevelController(options.Logging);
        using var serilog = SerilogSetup.Create(options.Logging, levels);
        using var loggerFactory = new SerilogLoggerFactory(serilog, dispose: false);
        var startupLogger = loggerFactory.CreateLogger("CallCenter.Server.Startup");

        Database database;
        try
        {
            database = await Database.OpenAsync(options.Storage, loggerFactory.CreateLogger<Database>(), cancellationToken);
        }
        catch (DatabaseSchemaException ex)
        {
            LogDatabaseRefused(startupLogger, ex.Message);
            await error.WriteLineAsync($"CallCenter will not start: {ex.Message}");
            return ExitCodes.ConfigError;
        }

        // A restart under load: the methods the last run compiled are compiled again on a background thread from
        // here on (the runtime's multi-core JIT profile, kept in the data folder), not while the first calls wait.
        // A cold round at 3,000 calls/s compiled 874 methods in 700 ms as its load began (bench/RESULTS.md,
        // session 8). The first run only records; the profile is written when the service stops.
        ProfileOptimization.SetProfileRoot(options.Storage.DataFolder);
        ProfileOptimization.StartProfile(JitProfileFileName);

        using (database)
        {
            // Registrations come back from the store before SIP listens, so a restart does not make every phone
            // unreachable until it refreshes.
            await using var registrations = await RegistrationStore.OpenAsync(database, TimeProvider.System, loggerFactory, cancellationToken);

            // Call records the last run left open are closed as interrupted before any call of this run can begin.
            // Disposed after the app (declared later, disposed earlier than the database): its last batch is written.
            await using var cdr = await CdrStore.OpenAsync(database, TimeProvider.System, loggerFactory, cancellationToken);

            // DND and forwards users set from their phones apply from the first call of this run.
            await using var features = await UserFeatureStore.OpenAsync(database, TimeProvider.System, loggerFactory, cancellationToken);

            // Queue events and agent states; agents come back as the last run left them (a pause keeps its reason).
            // Disposed after the app, so that the ACD's last records (the calls ended by the drain) are written.
            await using var acd = AcdStore.Open(database, TimeProvider.System, loggerFactory);
            var agentStates = await acd.LoadLastAgentStatesAsync(cancellationToken);
            LogAgentsRestored(startupLogger, agentStates.Count(a => a.State != AgentState.LoggedOut.ToText()));

            // The same records as an Asterisk queue_log, for the reports contact centres already run (issue 5); behind
            // its own bounded queue, like the database writer. Disposed after the app, so the last lines are written.
            await using var queueLog = options.Storage.QueueLog
                ? new QueueLogWriter(options.Storage.QueueLogPath, loggerFactory.CreateLogger<QueueLogWriter>())
                : null;
            var app = Build(configFolder, options, levels, serilog, database, registrations, cdr, features, acd, agentStates, queueLog);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or SipListenerBindException)
            {
                LogBindFailed(startupLogger, ex.Message);
                await error.WriteLineAsync($"CallCenter will not start: {ex.Message}");
                await app.DisposeAsync();
                return ExitCodes.Unavailable;
            }

            var live = app.Services.GetRequiredService<LiveConfiguration>();
            live.Start();

            // SIGHUP (systemctl reload) re-reads the configuration at once instead of ending the process.
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                LogReloadRequested(startupLogger);
                _ = live.ReloadNowAsync();
            });

            await app.WaitForShutdownAsync(cancellationToken);
            await app.DisposeAsync();
        }

        return ExitCodes.Success;
    }

    internal static WebApplication Build(
        string configFolder,
        CallCenterOptions options,
        LogLevelController levels,
        Serilog.ILogger serilog,
        Database database,
        RegistrationStore registrations,
        CdrStore cdr,
        UserFeatureStore features,
        AcdStore acd,
        IReadOnlyList<AcdAgentLastState> agentStates,
        QueueLogWriter? queueLog)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "CallCenter.Server",
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(new SerilogLoggerProvider(serilog, dispose: false));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Web.Address, options.Web.Port);
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
        });

        builder.Services.Configure<HostOptions>(host =>
        {
            // Leave the drain its full time plus a margin before the host gives up on stopping services.
            host.ShutdownTimeout = options.Shutdown.DrainTimeout + TimeSpan.FromSeconds(10);
        });

        builder.Services.AddSingleton(TimeProvider.System);

        // First, so that systemd hears READY=1 last at start and the watchdog keeps being fed through the drain.
        builder.Services.AddServiceManagerIntegration(
            ServiceInstallSettings.DefaultServiceName,
            options.Shutdown.DrainTimeout + TimeSpan.FromSeconds(15),
            isHealthy: sp => () => sp.GetRequiredService<Database>().GetHealth().Healthy);
        builder.Services.AddSingleton<ServerClock>();
        builder.Services.AddSingleton(levels);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<ServiceEventLog>();
        builder.Services.AddSingleton<CallDrain>();
        builder.Services.AddSingleton(sp => new LiveConfiguration(
            configFolder, options, sp.GetRequiredService<ILogger<LiveConfiguration>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ILiveConfiguration>(sp => sp.GetRequiredService<LiveConfiguration>());
        builder.Services.AddSingleton(sp => new AuthFailureTracker(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuthFailureTracker>>()));
        builder.Services.AddSingleton(sp => new DigestNonceManager(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<DigestAuthenticator>();
        builder.Services.AddSingleton(registrations);
        builder.Services.AddSingleton(cdr);
        builder.Services.AddSingleton(cdr.Writer);
        builder.Services.AddSingleton(cdr.Records);
        builder.Services.AddSingleton(cdr.Events);
        builder.Services.AddSingleton(features);
        builder.Services.AddSingleton<SipRegistrar>();
        builder.Services.AddSingleton(sp =>
        {
            var rtp = sp.GetRequiredService<ILiveConfiguration>().Current.Rtp;
            return new MediaRelayManager(
                new MediaRelayOptions { PortMin = rtp.PortMin, PortMax = rtp.PortMax, BindAddress = rtp.BindAddress, MediaTimeout = rtp.MediaTimeout },
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<MediaRelayManager>>());
        });

        // The calls send through the transaction layer, which hands them requests through the dispatcher: the layer
        // is resolved lazily, on the first call, to break the construction cycle.
        builder.Services.AddSingleton(sp => new CallManager(
            sp.GetRequiredService<ILiveConfiguration>(),
            sp.GetRequiredService<RegistrationStore>(),
            sp.GetRequiredService<MediaRelayManager>(),
            new Lazy<ISipInviteClient>(sp.GetRequiredService<ISipInviteClient>),
            new Lazy<ISipClient>(sp.GetRequiredService<ISipClient>),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            cdr: sp.GetRequiredService<CdrWriter>(),
            features: sp.GetRequiredService<UserFeatureStore>()));
        builder.Services.AddSingleton<ISipCallHandler>(sp => sp.GetRequiredService<CallManager>());

        // The ACD and the call layer point at each other through the adapter: it is built first, the dispatcher
        // drives calls through it, and attaching it makes queue numbers dialable.
        builder.Services.AddSingleton(acd);
        builder.Services.AddSingleton(acd.Kpis);
        if (queueLog is not null)
        {
            builder.Services.AddSingleton(queueLog);
        }

        builder.Services.AddSingleton(sp => new AcdCallControl(sp.GetRequiredService<CallManager>(), sp.GetRequiredService<ILogger<AcdCallControl>>()));
        builder.Services.AddSingleton(sp =>
        {
            var current = sp.GetRequiredService<ILiveConfiguration>().Current;
            var control = sp.GetRequiredService<AcdCallControl>();
            var dispatcher = new AcdDispatcher(
                current.Queues, current.Extensions, sp.GetRequiredService<TimeProvider>(), control,
                queueLog is null ? acd.Writer : new AcdRecordFanOut(acd.Writer, queueLog),
                sp.GetRequiredService<ILoggerFactory>(), agentStates);
            control.Attach(dispatcher);

            // The phones' agent codes (*45, *46, *31, *32) go to the same dispatcher.
            sp.GetRequiredService<CallManager>().AttachAgentCommands(dispatcher);

            // IVR route numbers become dialable with the IVR's adapter, which hands a flow's callers to this same
            // dispatcher with the priority and skills the flow set.
            sp.GetRequiredService<CallManager>().AttachIvr(new IvrCallRouter(
                sp.GetRequiredService<ILiveConfiguration>(),
                sp.GetRequiredService<IvrPromptLibrary>(),
                sp.GetRequiredService<IvrHttpDataDip>(),
                dispatcher.Join,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>()));

            // Waiting callers hear their queue's music and the ACD's announcements in the IVR's prompts. The classes
            // the queues name are decoded now, not on the first caller's context.
            var sounds = new QueueSoundLibrary(
                sp.GetRequiredService<IvrPromptLibrary>(),
                Path.Combine(configFolder, QueueSoundLibrary.MusicFolder),
                sp.GetRequiredService<ILogger<QueueSoundLibrary>>());
            foreach (var queue in current.Queues.Queues)
            {
                sounds.MusicOnHold(queue.MusicOnHold);
            }

            sp.GetRequiredService<CallManager>().AttachQueueSounds(sounds);
            return dispatcher;
        });
        // One decoded copy of each prompt for the whole server; one HTTP client for every data dip, with no timeout of
        // its own (each dip node has its own, kept by the session on the server's clock).
        builder.Services.AddSingleton(sp => new IvrPromptLibrary(
            Path.Combine(configFolder, "sounds"), sp.GetRequiredService<ILogger<IvrPromptLibrary>>()));
        builder.Services.AddSingleton(_ => new HttpClient { Timeout = Timeout.InfiniteTimeSpan });
        builder.Services.AddSingleton(sp => new IvrHttpDataDip(sp.GetRequiredService<HttpClient>()));
        builder.Services.AddSingleton<SipRequestDispatcher>();
        builder.Services.AddSingleton<ISipRequestHandler>(sp => sp.GetRequiredService<SipRequestDispatcher>());
        builder.Services.AddSingleton(sp => new ContactQualifier(
            sp.GetRequiredService<RegistrationStore>(),
            sp.GetRequiredService<ISipClient>(),
            sp.GetRequiredService<ILiveConfiguration>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ContactQualifier>>()));
        builder.Services.AddSingleton(sp => new SipTransactionLayer(
            sp.GetRequiredService<ILiveConfiguration>(),
            sp.GetRequiredService<AuthFailureTracker>(),
            sp.GetRequiredService<ISipRequestHandler>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<ISipClient>(sp => sp.GetRequiredService<SipTransactionLayer>());
        builder.Services.AddSingleton<ISipInviteClient>(sp => sp.GetRequiredService<SipTransactionLayer>());
        builder.Services.AddSingleton<SipService>();

        // Hosted services stop in reverse order: SIP must outlive the drain, so it is registered first.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SipService>());
        builder.Services.AddHostedService<LifecycleService>();

        var app = builder.Build();
        _ = app.Services.GetRequiredService<ServerClock>();
        HealthEndpoint.Map(app);
        SipEndpoints.Map(app);
        CallEndpoints.Map(app);
        RuntimeEndpoint.Map(app);
        CdrEndpoints.Map(app);
        FeatureEndpoints.Map(app);
        AcdEndpoints.Map(app);
        return app;
    }

    [LoggerMessage(EventId = 90, Level = LogLevel.Critical, Message = "The database cannot be used: {Reason}")]
    private static partial void LogDatabaseRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 91, Level = LogLevel.Critical, Message = "Cannot listen: {Reason}")]
    private static partial void LogBindFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 92, Level = LogLevel.Information, Message = "SIGHUP received: reloading the configuration")]
    private static partial void LogReloadRequested(ILogger logger);

    [LoggerMessage(EventId = 93, Level = LogLevel.Information, Message = "ACD: {Count} agents were logged in when the last run stopped and come back as it left them")]
    private static partial void LogAgentsRestored(ILogger logger, int count);
}
