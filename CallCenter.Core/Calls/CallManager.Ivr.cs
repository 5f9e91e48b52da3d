namespace CallCenter.Core.Calls;

// The IVR's adapter, once the host attached it: without one, IVR route numbers are dialled like any other number.
public sealed partial class CallManager
{
    internal IIvrCalls? Ivr { get; private set; }

    public void AttachIvr(IIvrCalls ivr) => Ivr = ivr;
}
