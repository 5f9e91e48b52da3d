using System.Runtime.InteropServices;

namespace CallCenter.Core.Storage;

/// <summary>
/// The C library's heap, which SQLite allocates from (its page cache, statements, records). glibc hands memory freed
/// at the top of a thread's arena back to the kernel once more than 128 KB is free there, and the kernel then
/// supplies the next allocation as fresh zeroed pages, one fault each. SQLite frees and allocates a batch's worth at
/// every transaction, so the CDR writer at 3,000 calls/s took nine page faults a call and spent a quarter of its time
/// in them (bench/CallCenter.Benchmarks cdrprobe, <c>perf stat -e page-faults</c>: 1,082,834 faults and 13.5 s of CPU
/// for 120,000 calls; 10,668 and 8.5 s with the threshold below). Keeping up to 64 MB free in each arena costs at
/// most that in resident memory, and only after a peak has come and gone.
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>mallopt's M_TRIM_THRESHOLD.</summary>
    private const int TrimThresholdOption = -1;

    public const int TrimThresholdBytes = 64 << 20;

    /// <summary>Sets the trim threshold once for the process; does nothing where the C library is not glibc.</summary>
    public static void KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = SetOption(TrimThresholdOption, TrimThresholdBytes);
        }
        catch (EntryPointNotFoundException)
        {
            // A C library without mallopt: it trims as it always has.
        }
        catch (DllNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int SetOption(int option, int value);
}
