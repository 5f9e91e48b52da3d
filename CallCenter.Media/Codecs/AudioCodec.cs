namespace CallCenter.Media.Codecs;

/// <summary>The audio codecs the relay can carry and convert between. Both run at 8 kHz, one byte per sample.</summary>
public enum AudioCodec
{
    /// <summary>G.711 µ-law, static payload type 0 (RFC 3551 §6).</summary>
    Pcmu,

    /// <summary>G.711 A-law, static payload type 8.</summary>
    Pcma,
}
