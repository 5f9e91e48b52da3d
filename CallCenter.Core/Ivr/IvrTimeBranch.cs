namespace CallCenter.Core.Ivr;

public enum IvrTimeBranch
{
    Open,
    Closed,
    Holiday,
}
