using CallCenter.Core.Configuration;

namespace CallCenter.Core.Calls;

/// <summary>What an agent feature code asks the ACD for.</summary>
internal enum AgentCodeAction
{
    /// <summary>*45: the phone's home agent logs in, or out if logged in.</summary>
    QueueToggle,

    /// <summary>*46, *46 + reason digit: pause or unpause, or pause with that reason.</summary>
    Pause,

    /// <summary>*31 + PIN, *31 + agent number + '*' + PIN.</summary>
    Login,

    /// <summary>*32: the agent on the phone logs out.</summary>
    Logout,
}

/// <summary>Recognises the agent codes of <see cref="FeatureCodesOptions"/> in a dialled number. Pure.</summary>
internal static class AgentCode
{
    /// <summary>
    /// <paramref name="argument"/> is what follows the pause or login code, possibly empty (*46 alone, or a phone
    /// that sent *31 before the PIN); null for the codes nothing follows. The configuration refuses a code that
    /// begins with a code taking digits, so the order of the checks decides nothing.
    /// </summary>
    public static bool TryMatch(FeatureCodesOptions codes, string dialled, out AgentCodeAction action, out string? argument)
    {
        ArgumentNullException.ThrowIfNull(codes);
        argument = null;
        if (dialled == codes.QueueToggle)
        {
            action = AgentCodeAction.QueueToggle;
            return true;
        }

        if (dialled == codes.AgentLogout)
        {
            action = AgentCodeAction.Logout;
            return true;
        }

        foreach (var (code, candidate) in new[] { (codes.PauseToggle, AgentCodeAction.Pause), (codes.AgentLogin, AgentCodeAction.Login) })
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
    public static string WithoutPin(AgentCodeAction action, string dialled, string? argument)
    {
        if (action != AgentCodeAction.Login || string.IsNullOrEmpty(argument))
        {
            return dialled;
        }

        var star = argument.IndexOf('*', StringComparison.Ordinal);
        var pinLength = argument.Length - star - 1;
        return string.Concat(dialled.AsSpan(0, dialled.Length - pinLength), new string('X', pinLength));
    }
}
