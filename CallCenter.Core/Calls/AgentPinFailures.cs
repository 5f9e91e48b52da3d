using System.Collections.Concurrent;

namespace CallCenter.Core.Calls;

/// <summary>
/// Wrong agent PINs per phone. Two jobs:
/// <list type="bullet">
/// <item>Guessing is slowed: after <see cref="AttemptsBeforeLockout"/> wrong PINs in a row the phone may not try
/// again for <see cref="Lockout"/>, and a try meanwhile is refused unchecked (so it is no guess, and is not counted).
/// A four-digit PIN then takes days of dialling, not the hour that 10,000 one-second calls would (the lockout of a
/// bank card, per phone rather than per agent, so that a prankster cannot lock every agent out).</item>
/// <item>The warning cannot flood the log: like the SIP layer's log gates, the 1st, 10th, 100th ... wrong PIN in a
/// row from one phone is logged, with the count.</item>
/// </list>
/// A right PIN starts the phone afresh. Keyed by the caller's extension, which authenticated, so the table is
/// bounded by extensions.xml. Any thread (calls' contexts).
/// </summary>
internal sealed class AgentPinFailures
{
    public const int AttemptsBeforeLockout = 5;

    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _phones = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="extension"/> is locked out of agent login at <paramref name="now"/>.</summary>
    public bool IsLockedOut(string extension, DateTimeOffset now) =>
        _phones.TryGetValue(extension, out var entry) && entry.LockedUntil > now;

    /// <summary>Counts a wrong PIN from <paramref name="extension"/>; <paramref name="lockedOut"/> tells whether this
    /// one starts a lockout; the result whether it is to be logged.</summary>
    public bool Record(string extension, DateTimeOffset now, out long count, out bool lockedOut)
    {
        var entry = _phones.AddOrUpdate(
            extension,
            static (_, at) => Entry.After(1, at),
            static (_, current, at) => Entry.After(current.InARow + 1, at),
            now);
        count = entry.InARow;
        lockedOut = entry.LockedUntil > now;
        var n = count;
        while (n % 10 == 0)
        {
            n /= 10;
        }

        return n == 1;
    }

    public void Clear(string extension) => _phones.TryRemove(extension, out _);

    public long InARow(string extension) => _phones.TryGetValue(extension, out var entry) ? entry.InARow : 0;

    private readonly record struct Entry(long InARow, DateTimeOffset LockedUntil)
    {
        public static Entry After(long inARow, DateTimeOffset now) =>
            new(inARow, inARow % AttemptsBeforeLockout == 0 ? now + Lockout : DateTimeOffset.MinValue);
    }
}
