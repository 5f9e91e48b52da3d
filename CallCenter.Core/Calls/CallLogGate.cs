using CallCenter.Media.Diagnostics;

namespace CallCenter.Core.Calls;

/// <summary>Thins the call layer's per-INVITE warnings in a storm (see <see cref="DecadeLogGate{TKind}"/>).</summary>
internal sealed class CallLogGate : DecadeLogGate<CallLogGate.Kind>
{
    public enum Kind
    {
        Overloaded,
        Shed,
    }
}
