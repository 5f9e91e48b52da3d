using System.Globalization;
using Microsoft.Diagnostics.Runtime;

namespace CallCenter.Benchmarks;

/// <summary>
/// What a live process's managed heap holds, by type (count and bytes, largest first), read with ClrMD (which
/// BenchmarkDotNet already brings): <c>CallCenter.Benchmarks heapcensus PID [TOP]</c>. Used on a callprobe run held
/// open with CALLPROBE_HOLD=1 to see what finished calls leave behind. <c>heapcensus PID TOP live</c> counts only what
/// is reachable from the roots (what a collection would keep and copy), on a server under load: the dead objects
/// since the last collection would otherwise swamp the census.
/// </summary>
internal static class HeapCensus
{
    public static int Run(string[] args)
    {
        var pid = int.Parse(args[1], CultureInfo.InvariantCulture);
        var top = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 40;
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        var byType = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
        long total = 0;
        var liveOnly = args.Length > 3 && args[3] == "live";
        var parents = liveOnly && args.Length > 4 ? new Dictionary<ulong, ulong>() : null;
        foreach (var obj in liveOnly ? Reachable(runtime, parents) : runtime.Heap.EnumerateObjects())
        {
            if (!obj.IsValid || obj.IsFree)
            {
                continue;
            }

            var name = obj.Type?.Name ?? "?";
            var size = (long)obj.Size;
            total += size;
            byType[name] = byType.TryGetValue(name, out var seen) ? (seen.Count + 1, seen.Bytes + size) : (1, size);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"heap objects: {total >> 20} MB"));
        foreach (var (name, (count, bytes)) in byType.OrderByDescending(e => e.Value.Bytes).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes >> 10,10} KB {count,9}  {name}"));
        }

        if (args.Length > 3 && !liveOnly)
        {
            Referrers(runtime.Heap, args[3]);
        }

        if (parents is not null && args[4].StartsWith("under:", StringComparison.Ordinal))
        {
            Attribute(runtime.Heap, parents, args[4]["under:".Length..]);
        }
        else if (parents is not null)
        {
            HoldingChains(runtime.Heap, parents, args[4].Split(','));
        }

        return 0;
    }

    /// <summary>Every object reachable from the roots, once each (an explicit stack: object graphs are deep). The roots
    /// are the strong handles (statics included), the finalizer queue and each thread's stack; a stack ClrMD cannot
    /// walk (it fails on some frames of a busy server) is skipped, which may miss what only that stack holds.</summary>
    private static IEnumerable<ClrObject> Reachable(ClrRuntime runtime, Dictionary<ulong, ulong>? parents = null)
    {
        var heap = runtime.Heap;
        var seen = new HashSet<ulong>();
        var stack = new Stack<ClrObject>();
        void Root(ClrObject obj)
        {
            if (obj.IsValid && seen.Add(obj.Address))
            {
                stack.Push(obj);
            }
        }

        foreach (var handle in runtime.EnumerateHandles().Where(h => h.IsStrong))
        {
            Root(handle.Object);
        }

        foreach (var root in heap.EnumerateFinalizerRoots())
        {
            Root(root.Object);
        }

        foreach (var thread in runtime.Threads)
        {
            try
            {
                foreach (var root in thread.EnumerateStackRoots())
                {
                    Root(root.Object);
                }
            }
            catch (InvalidOperationException)
            {
                Console.Error.WriteLine($"thread {thread.ManagedThreadId}: stack not walked");
            }
        }

        while (stack.Count > 0)
        {
            var obj = stack.Pop();
            yield return obj;
            foreach (var reference in obj.EnumerateReferences())
            {
                if (reference.IsValid && seen.Add(reference.Address))
                {
                    parents?.Add(reference.Address, obj.Address);
                    stack.Push(reference);
                }
            }
        }
    }

    /// <summary><c>heapcensus PID TOP live under:TYPE</c>: every live object whose chain of first holders (as the walk
    /// found them) passes through an object of TYPE is charged to the object right under it, and the charges are
    /// summed by that object's type: what each kind of thing a TYPE holds costs, its whole subgraph included.</summary>
    private static readonly string[] Hubs =
    [
        "SipTransactionLayer", "SipShard", "CallManager", "MediaRelayManager", "RelayEventLoop", "SipTransportManager",
        "CdrWriter", "PlaybackPacer", "Configuration", "CallCenterOptions", "Logger", "Serilog", "SipRegistrar", "AcdDispatcher",
        "RtpSocketPool", "CallContextScheduler", "TimerQueue", "TransactionDeadlines",
    ];

    private static void Attribute(ClrHeap heap, Dictionary<ulong, ulong> parents, string typeName)
    {
        var bytes = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
        var owners = 0L;
        foreach (var (child, _) in parents)
        {
            var obj = heap.GetObject(child);
            if (!obj.IsValid)
            {
                continue;
            }

            if (obj.Type?.Name == typeName)
            {
                owners++;
            }

            var below = child;
            var at = child;
            for (var level = 0; level < 16 && parents.TryGetValue(at, out var parent); level++)
            {
                var parentType = heap.GetObject(parent).Type?.Name ?? "?";
                if (Hubs.Any(h => parentType.Contains(h, StringComparison.Ordinal)))
                {
                    // Reached through something every call shares (the layer, the managers, configuration,
                    // loggers): not this call's to pay for.
                    break;
                }

                if (parentType == typeName)
                {
                    var key = heap.GetObject(below).Type?.Name ?? "?";
                    var seen = bytes.GetValueOrDefault(key);
                    bytes[key] = (seen.Count + (below == child ? 1 : 0), seen.Bytes + (long)obj.Size);
                    break;
                }

                below = parent;
                at = parent;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"under {typeName} ({owners} of them): {bytes.Values.Sum(v => v.Bytes) >> 10} KB"));
        foreach (var (name, (count, size)) in bytes.OrderByDescending(e => e.Value.Bytes).Take(40))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size >> 10,10} KB {count,9}  {name}"));
        }
    }

    /// <summary><c>heapcensus PID TOP live TYPE[,TYPE...]</c>: for every live object of those types, the chain of
    /// types that reached it first in the walk (four levels up), counted: which owners keep them alive.</summary>
    private static void HoldingChains(ClrHeap heap, Dictionary<ulong, ulong> parents, string[] typeNames)
    {
        var wanted = typeNames.ToHashSet(StringComparer.Ordinal);
        var chains = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (child, _) in parents)
        {
            var obj = heap.GetObject(child);
            if (obj.Type?.Name is not { } name || !wanted.Contains(name))
            {
                continue;
            }

            var chain = name;
            var at = child;
            for (var level = 0; level < 4 && parents.TryGetValue(at, out var parent); level++)
            {
                chain += " <- " + (heap.GetObject(parent).Type?.Name ?? "?");
                at = parent;
            }

            chains[chain] = chains.GetValueOrDefault(chain) + 1;
        }

        foreach (var (chain, count) in chains.OrderByDescending(c => c.Value).Take(40))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,9}  {chain}"));
        }
    }

    /// <summary>Who holds one object of the type: its referrers, then theirs, up to ten levels (one heap scan each).</summary>
    private static void Referrers(ClrHeap heap, string typeName)
    {
        var target = heap.EnumerateObjects().FirstOrDefault(o => o.IsValid && o.Type?.Name == typeName);
        if (target.Address == 0)
        {
            Console.WriteLine($"no {typeName} on the heap");
            return;
        }

        var seen = new HashSet<ulong> { target.Address };
        var level = new List<ulong> { target.Address };
        for (var depth = 1; depth <= 10 && level.Count > 0; depth++)
        {
            var wanted = level.ToHashSet();
            var next = new List<ulong>();
            foreach (var obj in heap.EnumerateObjects())
            {
                if (!obj.IsValid || obj.IsFree || seen.Contains(obj.Address))
                {
                    continue;
                }

                foreach (var reference in obj.EnumerateReferences())
                {
                    if (wanted.Contains(reference.Address))
                    {
                        Console.WriteLine($"{new string(' ', 2 * depth)}<- {obj.Type?.Name} @{obj.Address:x}");
                        if (next.Count < 3)
                        {
                            next.Add(obj.Address);
                        }

                        seen.Add(obj.Address);
                        break;
                    }
                }
            }

            level = next;
        }
    }
}
