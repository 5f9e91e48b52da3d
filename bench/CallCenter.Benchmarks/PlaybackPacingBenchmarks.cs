using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Playback;
using CallCenter.Media.Relay;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Benchmarks;

/// <summary>
/// One 20 ms tick of the relays' pacing loop with <see cref="Streams"/> playing streams, each a relay playing to its
/// leg A: a prompt (linear PCM → µ-law per stream), or music on hold (all streams listen to one class: one advance per
/// tick, then a copy of the shared frame each). Each tick makes one frame per stream: read the source, write the
/// header through the stream's rewriter under its gate, count, hand over the datagram. Without sockets the datagram
/// goes to a no-op sink, which isolates our work; with <see cref="Send"/> each leg A has a real loopback socket and
/// the frame is sent to a sink socket nobody reads (the kernel queues, then drops, as a NIC would take it), so the
/// figure includes the sendto system call, which dominates. A result divided by <see cref="Streams"/> is the CPU per
/// stream per tick; 20 ms divided by that is how many streams one core paces.
/// </summary>
[MemoryDiagnoser]
public class PlaybackPacingBenchmarks
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private readonly List<MediaRelay> _relays = [];
    private readonly List<Socket> _sockets = [];
    private BenchmarkClock _clock = null!;
    private PlaybackPacer _pacer = null!;

    public enum SourceKind
    {
        Prompt,
        MusicOnHold,
    }

    [Params(100, 1000)]
    public int Streams { get; set; }

    [Params(SourceKind.Prompt, SourceKind.MusicOnHold)]
    public SourceKind Kind { get; set; }

    [Params(false, true)]
    public bool Send { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _clock = new BenchmarkClock();
        _pacer = new PlaybackPacer(_clock, NullLogger.Instance, dedicatedThread: false);

        // Ten minutes of speech-band noise, shared by every stream (as a loaded prompt is) and queued 16 times, so no
        // stream finishes within a run: 160 minutes is 480,000 ticks (the cleanup checks).
        var random = new Random(1);
        var prompt = new short[8000 * 600];
        for (var n = 0; n < prompt.Length; n++)
        {
            prompt[n] = (short)(4000 * Math.Sin(2 * Math.PI * 3 * n / 8000) * ((random.NextDouble() * 2) - 1));
        }

        var music = MusicOnHoldClass.FromTracks("default", [prompt[..(8000 * 60)]]);
        var sink = Open(0);
        var sinkEndPoint = (IPEndPoint)sink.LocalEndPoint!;
        var port = 44000;
        for (var i = 0; i < Streams; i++)
        {
            RtpSocketPair? pair = null;
            while (Send && !RtpSocketPair.TryBind(IPAddress.Loopback, port, out pair, out _))
            {
                port += 2;
            }

            port += 2;
            if (pair is not null)
            {
                pair.Rtp.Blocking = false;
                _sockets.Add(pair.Rtp);
                _sockets.Add(pair.Rtcp);
            }

            var relay = new MediaRelay(
                i, new NoObserver(), _clock, NullLogger.Instance, new MediaLogGate(), pair, null, AddressFamily.InterNetwork, "bench"u8.ToArray(), null, null, _pacer);
            relay.Configure(MediaLegSide.A, new MediaLegSettings { RemoteRtp = sinkEndPoint, Codec = AudioCodec.Pcmu, PayloadType = 0 });
            relay.PacketSink = static (_, _) => { };
            IPlaybackSource source;
            if (Kind == SourceKind.Prompt)
            {
                var player = new PromptPlayer(16);
                for (var k = 0; k < 16; k++)
                {
                    player.Enqueue(prompt);
                }

                source = new PromptSource(player);
            }
            else
            {
                source = new MusicOnHoldSource(music);
            }

            relay.Play(MediaLegSide.A, source);
            _relays.Add(relay);
        }

        if (_pacer.RunDueTicks() != 1 || _pacer.Playing != Streams)
        {
            throw new InvalidOperationException("the streams are not all playing; the benchmark would measure less");
        }
    }

    private Socket Open(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _sockets.Add(socket);
        return socket;
    }

    [Benchmark(Description = "one pacing tick, all streams")]
    public int PacingTick()
    {
        _clock.Advance(Tick);
        return _pacer.RunDueTicks();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_pacer.Playing != Streams || _pacer.SkippedTicks != 0)
        {
            throw new InvalidOperationException($"{_pacer.Playing} of {Streams} streams still playing, {_pacer.SkippedTicks} ticks skipped: the figures are not what they claim");
        }

        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private sealed class NoObserver : IMediaRelayObserver
    {
        public void OnDigit(MediaRelay relay, MediaLegSide from, DtmfEvent digit)
        {
        }

        public void OnMediaTimeout(MediaRelay relay, MediaLegSide leg, TimeSpan silence)
        {
        }
    }
}
