namespace CallCenter.Core.Sip.Transactions;

/// <summary>Keyed 64-bit FNV-1a over the fields of a transaction key, for the shard's lingering stores: fields are
/// separated so that ("ab", "c") and ("a", "bc") differ, and the result is finalised because FNV's low bits mix
/// poorly and a dictionary uses them.</summary>
internal static class KeyHash
{
    private const ulong Prime = 0x100000001b3;

    /// <summary>Mixes one field into <paramref name="hash"/> (start from a secret seed), then a separator.</summary>
    public static ulong Add(ulong hash, string field, bool ignoreCase = false)
    {
        foreach (var c in field)
        {
            hash = (hash ^ (ignoreCase ? char.ToLowerInvariant(c) : c)) * Prime;
        }

        return (hash ^ 0x1F) * Prime;
    }

    /// <summary>The same as <see cref="Add(ulong, string, bool)"/> for an ASCII field still in a message's bytes: each
    /// byte is the char the parser would have made of it.</summary>
    public static ulong Add(ulong hash, ReadOnlySpan<byte> asciiField, bool ignoreCase = false)
    {
        foreach (var b in asciiField)
        {
            var c = (char)b;
            hash = (hash ^ (ignoreCase ? char.ToLowerInvariant(c) : c)) * Prime;
        }

        return (hash ^ 0x1F) * Prime;
    }

    public static ulong Finish(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccd;
        hash ^= hash >> 33;
        return hash;
    }
}
