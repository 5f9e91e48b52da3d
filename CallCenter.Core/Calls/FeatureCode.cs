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

    /// <summary>*45: the phone's home agent logs in, or out if logged in (Call.AgentCodes.cs, as the three below).</summary>
    QueueToggle,

    /// <summary>*46, *46 + reason digit: pause or unpause, or pause with that reason.</summary>
    PauseToggle,

    /// <summary>*31 + PIN, *31 + agent number + '*' + PIN.</summary>
    AgentLogin,

    /// <summary>*32: the agent on the phone logs out.</summary>
    AgentLogout,
}

/// <summary>Recognises the call-feature codes of <see cref="FeatureCodesOptions"/> in a dialled number. Pure.</summary>
internal static class FeatureCode
{
    /// <summary>
    /// Exact codes first (*78), then the codes digits follow (*72 in *721002, *31 in *314711), so that a code may
    /// never be read as another code plus an argument (the configuration refuses a code that starts with one that
    /// takes digits). <paramref name="argument"/> is what follows such a code, possibly empty (the phone dialled just
    /// *72, or *46 alone); null for the others. Pickup codes are not recognised here.
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
            (codes.QueueToggle, FeatureAction.QueueToggle), (codes.AgentLogout, FeatureAction.AgentLogout),
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
            (codes.PauseToggle, FeatureAction.PauseToggle), (codes.AgentLogin, FeatureAction.AgentLogin),
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

    /// <summary>The dialled number as records may show it: a login's PIN replaced by 'X's (*31XXXX, *31101*XXXX),
    /// since supervisors read the CDR and a PIN is a password.</summary>
    public static string ForRecords(FeatureAction action, string dialled, string? argument)
    {
        if (action != FeatureAction.AgentLogin || string.IsNullOrEmpty(argument))
        {
            return dialled;
        }

        var star = argument.IndexOf('*', StringComparison.Ordinal);
        var pinLength = argument.Length - star - 1;
        return string.Concat(dialled.AsSpan(0, dialled.Length - pinLength), new string('X', pinLength));
    }
}
