namespace CallCenter.Media.Tones;

/// <summary>Whose call progress tones callers hear; chosen by a setting.</summary>
public enum ToneRegion
{
    NorthAmerica,
    Europe,
    China,
}
