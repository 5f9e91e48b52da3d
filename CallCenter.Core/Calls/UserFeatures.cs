using CallCenter.Core.Configuration;

namespace CallCenter.Core.Calls;

/// <summary>
/// One user's call features as routing applies them: do-not-disturb and the three forwards. What extensions.xml
/// says, unless the user changed it since from a phone or through the API (see CallManager.FeaturesOf).
/// A forward target is an extension; null means no forward of that kind.
/// </summary>
public sealed record UserFeatures(bool DoNotDisturb, string? ForwardAlways, string? ForwardBusy, string? ForwardNoAnswer)
{
    public static UserFeatures Of(UserOptions user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.DoNotDisturb, user.ForwardAlways, user.ForwardBusy, user.ForwardNoAnswer);
    }
}
