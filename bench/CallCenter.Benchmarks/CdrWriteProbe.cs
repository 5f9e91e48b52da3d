using System.Diagnostics;
using System.Globalization;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage;
using CallCenter.Core.Storage.Cdr;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Benchmarks;

/// <summary>
/// CPU per call of the CDR and CEL writes (<see cref="CdrRepository"/>, the SQL the writer task runs), apart from the
/// rest of the server: a fresh database in a temporary folder, calls written in batches as the writer takes them
/// under load — each batch opens and answers <c>BATCH</c> calls (a row, its answer, CHAN_START, RING, ANSWER,
/// BRIDGE_ENTER) and ends those of five batches before (the update and HANGUP), as half-second calls do with the
/// writer's 100 ms window at 3,000 calls/s. Callers are 10,000 extensions and callees 10, as in bench/sipp/call-load.sh. The
/// table grows round by round, so later rounds show what a bigger file costs.
/// <c>dotnet run -c Release --project bench/CallCenter.Benchmarks -- cdrprobe [ROUNDS] [CALLS] [BATCH]</c>
/// </summary>
internal static class CdrWriteProbe
{
    private const int EndLag = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var calls = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 60_000;
        var batch = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 300;
        var folder = Path.Combine(Path.GetTempPath(), "cdrprobe-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new StorageOptions { DataFolder = folder, RecordingsFolder = Path.Combine(folder, "recordings") };
            using var database = await Database.OpenAsync(options, NullLogger<Database>.Instance, CancellationToken.None).ConfigureAwait(false);
            using var repository = new CdrRepository(database);
            using var process = Process.GetCurrentProcess();
            Console.WriteLine(Invariant($"cdrprobe rounds={rounds} calls={calls} batch={batch}"));
            var clock = new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
            var next = 0L;
            var unended = new Queue<CallOpened[]>();
            for (var round = 1; round <= rounds; round++)
            {
                var measured = ProbeRound.Start(process);
                for (var written = 0; written < calls; written += batch)
                {
                    clock = clock.AddMilliseconds(100);
                    var opened = new CallOpened[batch];
                    var pending = new List<CdrPendingCall>(2 * batch);
                    var events = new List<CallEvent>(5 * batch);
                    for (var i = 0; i < batch; i++, next++)
                    {
                        var id = Invariant($"{1_795_000_000 + next / 10_000}.{next % 10_000}");
                        var leg = id + "-a";
                        var call = new CallOpened(id, id, clock, Invariant($"{10_000 + next % 10_000}"), null, Invariant($"{20_000 + next % 10}"),
                            "extension", leg, Invariant($"{next}-{next * 7919 % 1_000_003}@127.0.0.1"));
                        opened[i] = call;
                        var entry = new CdrPendingCall();
                        entry.Set(call);
                        entry.Set(new CallAnswered(id, clock.AddMilliseconds(20), id + "-b", call.Destination));
                        pending.Add(entry);
                        events.Add(new CallEvent(id, id, leg, CelEventType.ChannelStart, clock));
                        events.Add(new CallEvent(id, id, id + "-b", CelEventType.Ring, clock.AddMilliseconds(5)));
                        events.Add(new CallEvent(id, id, id + "-b", CelEventType.Answer, clock.AddMilliseconds(20)));
                        events.Add(new CallEvent(id, id, leg, CelEventType.BridgeEnter, clock.AddMilliseconds(20)));
                    }

                    unended.Enqueue(opened);
                    if (unended.Count > EndLag)
                    {
                        foreach (var call in unended.Dequeue())
                        {
                            var entry = new CdrPendingCall();
                            entry.Set(new CallEnded(call.UniqueId, clock, CdrDisposition.Answered, 16, null, HangupParty.Caller));
                            pending.Add(entry);
                            events.Add(new CallEvent(call.UniqueId, call.LinkedId, call.ALegId, CelEventType.Hangup, clock, "{\"cause\":16}"));
                        }
                    }

                    var unmatched = repository.Write(pending, events);
                    if (unmatched != 0)
                    {
                        throw new InvalidOperationException($"{unmatched} answers or ends found no open row");
                    }
                }

                var r = measured.Stop(calls);
                var size = new FileInfo(database.Path).Length + (File.Exists(database.Path + "-wal") ? new FileInfo(database.Path + "-wal").Length : 0);
                Console.WriteLine(Invariant(
                    $"round {round}: cpu_us_per_call={r.CpuMicroseconds:F1} wall_us_per_call={r.WallMicroseconds:F1} bytes_per_call={r.Bytes} rows={next} file_mb={size >> 20} rss_mb={r.RssMegabytes}"));
            }

            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
