namespace CallCenter.Media.Relay;

public sealed record MediaRelayStatistics(MediaLegStatistics A, MediaLegStatistics B)
{
    public MediaLegStatistics this[MediaLegSide side] => side == MediaLegSide.A ? A : B;
}
