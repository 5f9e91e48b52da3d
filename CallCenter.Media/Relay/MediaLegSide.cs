namespace CallCenter.Media.Relay;

/// <summary>The two legs of a relay. Which party is which is the owner's choice (typically A = caller).</summary>
public enum MediaLegSide
{
    A,
    B,
}
