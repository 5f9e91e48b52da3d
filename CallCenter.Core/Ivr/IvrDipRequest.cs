using System.Collections.Immutable;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Ivr;

/// <summary>One data dip: where, how, what is sent (name → value, the caller's number as "caller" first), and which
/// JSON fields (dotted paths) the session wants back.</summary>
public sealed record IvrDipRequest(
    Uri Url, IvrDipMethod Method, ImmutableArray<KeyValuePair<string, string>> Parameters, ImmutableArray<string> Fields);
