namespace CallCenter.Core.Calls;

/// <summary>
/// Feature codes dialled as the destination of an INVITE, with FreePBX's defaults. Fixed here for now; the options
/// model's &lt;features&gt; section (DND, forwarding) is the place to make them configurable.
/// </summary>
internal static class CallFeatureCodes
{
    /// <summary>Group pickup: answer the call that has been ringing longest, whichever extension it rings.</summary>
    public const string GroupPickup = "*8";

    /// <summary>Directed pickup: "**" then the extension whose ringing call is answered ("**2000").</summary>
    public const string DirectedPickupPrefix = "**";
}
