using CallCenter.Core.Configuration;

namespace CallCenter.Core.Calls;

/// <summary>What a dialled feature code asks for.</summary>
internal enum FeatureAction
{
    DndOn,
    DndOff,
    DndToggle,
    ForwardAlwaysOn,
    ForwardAlwaysOff,
    ForwardBusyOn,
    ForwardBusyOff,
    ForwardNoAnswerOn,
    ForwardNoAnswerOff,
}

/// <summary>Recognises the call-feature codes of <see cref="FeatureCodesOptions"/> in a dialled number. Pure.</summary>
internal static class FeatureCode
{
    /// <summary>
    /// Exact codes first (*78), then the codes an extension follows (*72 in *721002), so that a code may never be
    /// read as another code plus an argument (the configuration refuses a code that starts with one that takes an
    /// extension). <paramref name="argument"/> is what follows such a code, possibly empty (the phone dialled just
    /// *72); null for the others. Pickup codes are not recognised here.
    /// </summary>
    public static bool TryMatch(FeatureCodesOptions codes, string dialled, out FeatureAction action, out string? argument)
    {
        ArgumentNullException.ThrowIfNull(codes);
        argument = null;
        (string Code, FeatureAction Action)[] exact =
        [
            (codes.DndOn, FeatureAction.DndOn), (codes.DndOff, FeatureAction.DndOff), (codes.DndToggle, FeatureAction.DndToggle),
            (codes.ForwardAlwaysOff, FeatureAction.ForwardAlwaysOff), (codes.ForwardBusyOff, FeatureAction.ForwardBusyOff),
            (codes.ForwardNoAnswerOff, FeatureAction.ForwardNoAnswerOff),
        ];
        foreach (var (code, candidate) in exact)
        {
            if (string.Equals(dialled, code, StringComparison.Ordinal))
            {
                action = candidate;
                return true;
            }
        }

        (string Code, FeatureAction Action)[] prefixed =
        [
            (codes.ForwardAlwaysOn, FeatureAction.ForwardAlwaysOn), (codes.ForwardBusyOn, FeatureAction.ForwardBusyOn),
            (codes.ForwardNoAnswerOn, FeatureAction.ForwardNoAnswerOn),
        ];
        foreach (var (code, candidate) in prefixed.OrderByDescending(p => p.Code.Length))
        {
            if (dialled.StartsWith(code, StringComparison.Ordinal))
            {
                action = candidate;
                argument = dialled[code.Length..];
                return true;
            }
        }

        action = default;
        return false;
    }
}
