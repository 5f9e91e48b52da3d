namespace CallCenter.Media.Dtmf;

public enum DtmfToneEdge
{
    Start,
    End,
}
