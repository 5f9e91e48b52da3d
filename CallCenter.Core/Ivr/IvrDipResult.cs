using System.Collections.Immutable;

namespace CallCenter.Core.Ivr;

/// <summary>What a dip answered: success with the requested fields that were present (path → text), or a failure with
/// a reason for the log ("HTTP 404", "not JSON", "connection refused").</summary>
public sealed record IvrDipResult(bool Succeeded, ImmutableDictionary<string, string> Fields, string? Reason)
{
    public static IvrDipResult Ok(ImmutableDictionary<string, string> fields) => new(true, fields, null);

    public static IvrDipResult Failed(string reason) => new(false, ImmutableDictionary<string, string>.Empty, reason);
}
