namespace CallCenter.Core.Ivr;

/// <summary>How a session ended.</summary>
public enum IvrSessionOutcome
{
    Queue,
    Extension,
    HungUp,
    CallerHungUp,
    Runaway,
}
