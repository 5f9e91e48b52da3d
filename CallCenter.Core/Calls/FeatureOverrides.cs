using System.Text.Json.Serialization;

namespace CallCenter.Core.Calls;

/// <summary>
/// What a user changed of its call features at run time; each value overrides extensions.xml until it is changed
/// again. Null follows extensions.xml; for a forward, an empty string means "off" (the user switched off a forward
/// that extensions.xml sets).
/// </summary>
public sealed record FeatureOverrides(bool? DoNotDisturb = null, string? ForwardAlways = null, string? ForwardBusy = null, string? ForwardNoAnswer = null)
{
    public static FeatureOverrides None { get; } = new();

    [JsonIgnore]
    public bool IsEmpty => DoNotDisturb is null && ForwardAlways is null && ForwardBusy is null && ForwardNoAnswer is null;

    /// <summary>The features routing applies: <paramref name="configured"/> with these changes on top.</summary>
    public UserFeatures ApplyTo(UserFeatures configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        return new UserFeatures(
            DoNotDisturb ?? configured.DoNotDisturb,
            Target(ForwardAlways, configured.ForwardAlways),
            Target(ForwardBusy, configured.ForwardBusy),
            Target(ForwardNoAnswer, configured.ForwardNoAnswer));
    }

    private static string? Target(string? overridden, string? configured) =>
        overridden is null ? configured : overridden.Length == 0 ? null : overridden;
}
