using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CallCenter.Media.Codecs;

namespace CallCenter.RtpBench;

/// <summary>Where each leg's remote (the SDP address the relay sends to) is, matching rtpgen's socket layouts.</summary>
public enum RemoteLayout
{
    /// <summary>Every leg of every relay sends to one port (rtpgen blast, which receives on the socket it sends from).</summary>
    One,

    /// <summary>Leg A of relay i to BASE+4i, leg B to BASE+4i+2: a phone per leg (rtpgen paced).</summary>
    Call,

    /// <summary>Every A leg to BASE, every B leg to BASE+2 (rtpgen paced -shared).</summary>
    Side,
}

/// <summary>The command line, checked once; bad input is an answer (usage and exit code 2), not an exception.</summary>
public sealed record RtpBenchOptions
{
    public const string Usage = """
        CallCenter.RtpBench: opens N media relays on 127.0.0.1 and forwards whatever arrives for a fixed time, then
        prints its own CPU time, memory and the relays' counters. No SIP; the legs are configured directly.
          --relays N              relays to open (each takes 4 ports: RTP/RTCP of leg A, then of leg B)
          --ports MIN-MAX         the relay port range (relay i gets A on MIN+4i and B on MIN+4i+2 if all are free)
          --seconds S             how long to run after the relays are ready (at most 600)
          --codec C               pcmu (both legs PCMU, PT 0), pcma (both PCMA, PT 8) or pcmu-pcma (A PCMU PT 0,
                                  B PCMA PT 8: every packet transcoded); default pcmu
          --remote LAYOUT:PORT    one:P (every leg sends to P), call:B (leg A of relay i to B+4i, leg B to B+4i+2),
                                  side:B (every A leg to B, every B leg to B+2); default one:41000
          --sample-ms MS          interval of the progress lines (default 1000)
          --async-sockets         serve the sockets with the runtime's async sockets instead of the relay's event
                                  loop (MediaRelayOptions.UseEventLoop = false), to compare the two
          --loops N               event loops serving the relays (MediaRelayOptions.EventLoops; 0, the default,
                                  means the server's default: one per core up to four)
        """;

    public required int Relays { get; init; }
    public required int PortMin { get; init; }
    public required int PortMax { get; init; }
    public required TimeSpan Duration { get; init; }
    public AudioCodec CodecA { get; init; } = AudioCodec.Pcmu;
    public AudioCodec CodecB { get; init; } = AudioCodec.Pcmu;
    public RemoteLayout Layout { get; init; } = RemoteLayout.One;
    public int RemotePort { get; init; } = 41000;
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);
    public bool UseEventLoop { get; init; } = true;
    public int EventLoops { get; init; }

    public static byte PayloadTypeOf(AudioCodec codec) => codec == AudioCodec.Pcmu ? (byte)0 : (byte)8;

    /// <summary>The port leg <paramref name="a"/> (or B) of relay <paramref name="index"/> sends to.</summary>
    public int RemoteFor(int index, bool a) => Layout switch
    {
        RemoteLayout.One => RemotePort,
        RemoteLayout.Call => RemotePort + (4 * index) + (a ? 0 : 2),
        _ => RemotePort + (a ? 0 : 2),
    };

    public static bool TryParse(string[] args, [NotNullWhen(true)] out RtpBenchOptions? options, out string error)
    {
        options = null;
        int? relays = null, portMin = null, portMax = null, seconds = null;
        int sampleMs = 1000, remotePort = 41000;
        var codecA = AudioCodec.Pcmu;
        var codecB = AudioCodec.Pcmu;
        var layout = RemoteLayout.One;
        var useEventLoop = true;
        int? loops = 0;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--async-sockets")
            {
                useEventLoop = false;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{args[i]} needs a value";
                return false;
            }

            var value = args[++i];
            switch (args[i - 1])
            {
                case "--relays":
                    relays = ParseInt(value);
                    break;
                case "--loops":
                    loops = ParseInt(value);
                    break;
                case "--seconds":
                    seconds = ParseInt(value);
                    break;
                case "--sample-ms":
                    sampleMs = ParseInt(value) ?? -1;
                    break;
                case "--ports":
                    var dash = value.IndexOf('-', StringComparison.Ordinal);
                    portMin = dash > 0 ? ParseInt(value[..dash]) : null;
                    portMax = dash > 0 ? ParseInt(value[(dash + 1)..]) : null;
                    break;
                case "--codec":
                    switch (value)
                    {
                        case "pcmu":
                            (codecA, codecB) = (AudioCodec.Pcmu, AudioCodec.Pcmu);
                            break;
                        case "pcma":
                            (codecA, codecB) = (AudioCodec.Pcma, AudioCodec.Pcma);
                            break;
                        case "pcmu-pcma":
                            (codecA, codecB) = (AudioCodec.Pcmu, AudioCodec.Pcma);
                            break;
                        default:
                            error = $"unknown codec '{value}'";
                            return false;
                    }

                    break;
                case "--remote":
                    var colon = value.IndexOf(':', StringComparison.Ordinal);
                    var name = colon > 0 ? value[..colon] : "";
                    layout = name switch { "one" => RemoteLayout.One, "call" => RemoteLayout.Call, "side" => RemoteLayout.Side, _ => (RemoteLayout)(-1) };
                    remotePort = colon > 0 ? ParseInt(value[(colon + 1)..]) ?? -1 : -1;
                    if (!Enum.IsDefined(layout) || remotePort is < 1024 or > 65535)
                    {
                        error = $"--remote wants one:PORT, call:BASE or side:BASE, not '{value}'";
                        return false;
                    }

                    break;
                default:
                    error = $"unknown option {args[i - 1]}";
                    return false;
            }
        }

        if (relays is not (>= 1 and <= 5000) || portMin is null || portMax is null || seconds is not (>= 1 and <= 600) || sampleMs is < 100 or > 60_000 || loops is not (>= 0 and <= 64))
        {
            error = "--relays (1-5000), --ports MIN-MAX and --seconds (1-600) are required; --sample-ms is 100-60000; --loops 0-64";
            return false;
        }

        options = new RtpBenchOptions
        {
            Relays = relays.Value,
            PortMin = portMin.Value,
            PortMax = portMax.Value,
            Duration = TimeSpan.FromSeconds(seconds.Value),
            CodecA = codecA,
            CodecB = codecB,
            Layout = layout,
            RemotePort = remotePort,
            SampleInterval = TimeSpan.FromMilliseconds(sampleMs),
            UseEventLoop = useEventLoop,
            EventLoops = loops.Value,
        };

        var highestRemote = options.RemoteFor(relays.Value - 1, a: false);
        if (highestRemote > 65535)
        {
            options = null;
            error = $"the remote layout runs past port 65535 ({highestRemote})";
            return false;
        }

        error = "";
        return true;
    }

    private static int? ParseInt(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
