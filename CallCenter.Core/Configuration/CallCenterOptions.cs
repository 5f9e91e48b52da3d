using CallCenter.Media.Tones;
using System.Collections.Immutable;

namespace CallCenter.Core.Configuration;

/// <summary>
/// One validated, immutable snapshot of everything under <c>config/</c>. Server parses the XML files into it;
/// Core and Media only ever see this object, never a file. A new snapshot replaces the old one as a whole on
/// reload, so a component that read <see cref="Generation"/> once sees a consistent set of values.
/// </summary>
public sealed record CallCenterOptions
{
    /// <summary>Increases by one on every configuration that was applied (start-up is generation 1).</summary>
    public long Generation { get; init; } = 1;

    public required NodeOptions Node { get; init; }
    public required SipOptions Sip { get; init; }
    public required RtpOptions Rtp { get; init; }
    public CallsOptions Calls { get; init; } = new();
    public FeatureCodesOptions Features { get; init; } = new();
    public required WebOptions Web { get; init; }
    public required StorageOptions Storage { get; init; }
    public required LoggingOptions Logging { get; init; }
    public required ShutdownOptions Shutdown { get; init; }
    public required ExtensionsOptions Extensions { get; init; }

    /// <summary>queues.xml; empty when the file is absent (no ACD).</summary>
    public QueuesOptions Queues { get; init; } = new();

    /// <summary>ivr.xml; empty when the file is absent (no flows, no inbound routes).</summary>
    public IvrOptions Ivr { get; init; } = new();
}

public sealed record NodeOptions
{
    /// <summary>Shown in logs, /healthz and CDR unique ids; lets a cluster of appliances tell its records apart.</summary>
    public required string Name { get; init; }
}

public enum SipTransport
{
    Udp,
    Tcp,
    Tls,
}

public sealed record SipListenerOptions
{
    public required SipTransport Transport { get; init; }
    public required System.Net.IPAddress Address { get; init; }
    public required int Port { get; init; }

    /// <summary>TLS only: a PKCS#12 (.pfx) or PEM certificate, resolved against the configuration folder.</summary>
    public string? CertificatePath { get; init; }
    public string? CertificatePassword { get; init; }

    /// <summary>TLS only: a PEM private key when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string? PrivateKeyPath { get; init; }

    public override string ToString() => $"{Transport.ToString().ToLowerInvariant()}:{Address}:{Port}";
}

/// <summary>RFC 3261 §17.1.1.1 timer bases. T1 is the RTT estimate, T2 caps non-INVITE retransmits, T4 is the
/// longest a message stays in the network.</summary>
public sealed record SipTimerOptions
{
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);
}

public sealed record RegistrarOptions
{
    public TimeSpan MinExpires { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan MaxExpires { get; init; } = TimeSpan.FromSeconds(3600);
    public TimeSpan DefaultExpires { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>Interval between OPTIONS pings to each registered contact; zero switches qualifying off.</summary>
    public TimeSpan QualifyInterval { get; init; } = TimeSpan.FromSeconds(60);
}

public sealed record SipLimitOptions
{
    public int MaxMessageBytes { get; init; } = 65_535;
    public int MaxConnections { get; init; } = 4_096;
    public TimeSpan IdleConnectionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A stream connection that started a message must finish it within this time (slowloris guard).</summary>
    public TimeSpan PartialMessageTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>The built-in fail2ban: after <see cref="MaxFailures"/> authentication failures from one source
/// address inside <see cref="FindWindow"/>, the address is banned for <see cref="BanTime"/>.</summary>
public sealed record SipSecurityOptions
{
    public int MaxFailures { get; init; } = 10;
    public TimeSpan FindWindow { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan BanTime { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan NonceLifetime { get; init; } = TimeSpan.FromMinutes(5);
    public ImmutableArray<System.Net.IPNetwork> TrustedNetworks { get; init; } = [];

    /// <summary>
    /// Digest algorithms offered in each challenge, in order of preference ("MD5", "SHA-256"; RFC 8760 §2.4). An
    /// answer in an algorithm not offered is refused. MD5 alone by default: many phones (baresip 1.0, SIPp 3.6)
    /// give up on a challenge that names SHA-256 at all, even next to MD5; offer SHA-256 once every phone takes it.
    /// </summary>
    public ImmutableArray<string> DigestAlgorithms { get; init; } = ["MD5"];
}

public sealed record SipOptions
{
    /// <summary>The digest realm; HA1 hashes in extensions.xml are computed with it.</summary>
    public required string Realm { get; init; }

    /// <summary>The SIP domain phones register in (the host part of their address of record).</summary>
    public required string Domain { get; init; }

    public string UserAgent { get; init; } = "CallCenter";
    public required ImmutableArray<SipListenerOptions> Listeners { get; init; }
    public SipTimerOptions Timers { get; init; } = new();
    public RegistrarOptions Registrar { get; init; } = new();
    public SipLimitOptions Limits { get; init; } = new();
    public SipSecurityOptions Security { get; init; } = new();
}

public sealed record RtpOptions
{
    /// <summary>First port of the media range; even, because RTP takes the even port and RTCP the next odd one.</summary>
    public int PortMin { get; init; } = 20_000;
    public int PortMax { get; init; } = 30_000;

    /// <summary>The address written into SDP; null means the address of the listener the call arrived on.</summary>
    public System.Net.IPAddress? PublicAddress { get; init; }
    public System.Net.IPAddress BindAddress { get; init; } = System.Net.IPAddress.Any;

    /// <summary>End a call whose RTP stopped for this long; zero switches the check off.</summary>
    public TimeSpan MediaTimeout { get; init; } = TimeSpan.Zero;
}

public sealed record WebOptions
{
    public System.Net.IPAddress Address { get; init; } = System.Net.IPAddress.Loopback;
    public int Port { get; init; } = 8080;
}

public sealed record StorageOptions
{
    /// <summary>Absolute path of the data folder (database, registrations, backups).</summary>
    public required string DataFolder { get; init; }
    public required string RecordingsFolder { get; init; }
    public string DatabaseFileName { get; init; } = "callcenter.db";
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public string DatabasePath => Path.Combine(DataFolder, DatabaseFileName);

    /// <summary>The ACD's events are also appended to an Asterisk-format queue_log file (issue 5), for the reporting
    /// tools contact centres already run against Asterisk's /var/log/asterisk/queue_log.</summary>
    public bool QueueLog { get; init; } = true;

    public string QueueLogFileName { get; init; } = "queue_log";

    /// <summary>In the data folder, next to the database.</summary>
    public string QueueLogPath => Path.Combine(DataFolder, QueueLogFileName);
}

public enum LogLevelSetting
{
    Verbose,
    Debug,
    Information,
    Warning,
    Error,
    Fatal,
}

public sealed record LogOverride(string Namespace, LogLevelSetting Level);

public sealed record LoggingOptions
{
    /// <summary>Absolute path of the folder for rolling log files.</summary>
    public required string Folder { get; init; }
    public LogLevelSetting Level { get; init; } = LogLevelSetting.Information;
    public ImmutableArray<LogOverride> Overrides { get; init; } = [];
    public int RetainedFileCount { get; init; } = 14;
    public bool Console { get; init; } = true;

    /// <summary>Write every SIP message in full to its own trace file; may be switched on while running.</summary>
    public bool SipTrace { get; init; }
}

/// <summary>The B2BUA's limits (callcenter.xml &lt;calls&gt;), read per call so that a live edit applies to the next one.</summary>
public sealed record CallsOptions
{
    /// <summary>How long a callee may ring before the caller hears 480 (Asterisk's Dial timeout).</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls in progress on the server; an INVITE beyond it gets 503 with Retry-After.</summary>
    public int MaxCalls { get; init; } = 5_000;

    /// <summary>
    /// A new call's INVITE that waited longer than this behind the SIP layer's backlog (<see cref="ShedBacklog"/>
    /// items or more still queued behind it) is refused with 503 and Retry-After instead of being set up. T1 (RFC
    /// 3261 §17.1.1.1): a caller answered later has already retransmitted. Without it an overloaded server (a cold
    /// start under a full call rate, while the JIT still compiles) answers calls it cannot finish: their ACKs wait
    /// in the same backlog, the 2xx are retransmitted, each unacknowledged call holds its relay for 64·T1, and the
    /// backlog grows until descriptors run out. Refusing costs a response; the calls already admitted finish and
    /// the backlog drains. Zero never sheds.
    /// </summary>
    public TimeSpan ShedAfter { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Items that must still wait behind a late INVITE for <see cref="ShedAfter"/> to apply: one late
    /// INVITE on an idle server (the first call after a start, its path still being compiled) is served.</summary>
    public int ShedBacklog { get; init; } = 32;

    /// <summary>Whose call progress tones the server plays (Asterisk's indications.conf country, FreeSWITCH's tone
    /// zone): the ringback a caller the server answered itself hears while an extension rings for it.</summary>
    public ToneRegion Tones { get; init; } = ToneRegion.Europe;
}

/// <summary>
/// Feature codes dialled from a phone (callcenter.xml &lt;features&gt;), with FreePBX's defaults. The "on" codes of
/// the forwards take the target extension right after the code (*721002). Pickup and directed pickup are read here
/// for the pickup feature. The agent codes are FreePBX's queue codes (*45, *46) and Wazo's agent codes (*31, *32).
/// </summary>
public sealed record FeatureCodesOptions
{
    public string DndOn { get; init; } = "*78";
    public string DndOff { get; init; } = "*79";
    public string DndToggle { get; init; } = "*76";
    public string ForwardAlwaysOn { get; init; } = "*72";
    public string ForwardAlwaysOff { get; init; } = "*73";
    public string ForwardBusyOn { get; init; } = "*90";
    public string ForwardBusyOff { get; init; } = "*91";
    public string ForwardNoAnswerOn { get; init; } = "*52";
    public string ForwardNoAnswerOff { get; init; } = "*53";

    /// <summary>Answers whatever rings in the caller's pickup group (Asterisk's pickupexten).</summary>
    public string Pickup { get; init; } = "*8";

    /// <summary>Followed by an extension: answers that extension's ringing call.</summary>
    public string DirectedPickup { get; init; } = "**";

    /// <summary>Logs the agent whose home extension is the calling phone in, or out if logged in (FreePBX's *45).</summary>
    public string QueueToggle { get; init; } = "*45";

    /// <summary>Pauses the agent of the calling phone, or ends the pause; followed by a reason digit (*461), pauses
    /// with that reason (FreePBX's *46).</summary>
    public string PauseToggle { get; init; } = "*46";

    /// <summary>Followed by the PIN (*314711), logs in the agent whose home extension is the calling phone; followed
    /// by an agent number, '*' and the PIN (*31101*4711), logs that agent in on the calling phone (Wazo's *31).</summary>
    public string AgentLogin { get; init; } = "*31";

    /// <summary>Logs out the agent logged in on the calling phone (Wazo's *32).</summary>
    public string AgentLogout { get; init; } = "*32";

    /// <summary>Every code with its name in callcenter.xml, and whether digits (an extension, a PIN, a reason)
    /// follow it.</summary>
    public IEnumerable<(string Attribute, string Code, bool TakesArgument)> All =>
    [
        ("dndOn", DndOn, false), ("dndOff", DndOff, false), ("dndToggle", DndToggle, false),
        ("forwardAlwaysOn", ForwardAlwaysOn, true), ("forwardAlwaysOff", ForwardAlwaysOff, false),
        ("forwardBusyOn", ForwardBusyOn, true), ("forwardBusyOff", ForwardBusyOff, false),
        ("forwardNoAnswerOn", ForwardNoAnswerOn, true), ("forwardNoAnswerOff", ForwardNoAnswerOff, false),
        ("pickup", Pickup, false), ("directedPickup", DirectedPickup, true),
        ("queueToggle", QueueToggle, false), ("pauseToggle", PauseToggle, true),
        ("agentLogin", AgentLogin, true), ("agentLogout", AgentLogout, false),
    ];
}

public sealed record ShutdownOptions
{
    /// <summary>How long a stopping server waits for calls in progress to end before it hangs them up.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
