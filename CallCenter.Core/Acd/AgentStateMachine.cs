namespace CallCenter.Core.Acd;

/// <summary>
/// The agent state transitions the ACD allows; everything else is refused. The table is what makes the classic
/// queue bugs impossible by construction: nobody goes from ringing to ringing (two offers at once), from wrap-up or
/// not-ready to ringing (a call during after-call work or a pause), or from logged out to on a call.
/// </summary>
public static class AgentStateMachine
{
    // [from, to]; read by row: from Available an agent may ring, pause or log out, and so on.
    private static readonly bool[,] Allowed = Build();

    public static bool IsAllowed(AgentState from, AgentState to) => Allowed[(int)from, (int)to];

    public static string ToText(this AgentState state) => state switch
    {
        AgentState.LoggedOut => "logged-out",
        AgentState.Available => "available",
        AgentState.Ringing => "ringing",
        AgentState.OnCall => "on-call",
        AgentState.WrapUp => "wrap-up",
        AgentState.NotReady => "not-ready",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static bool TryParse(string text, out AgentState state)
    {
        foreach (var candidate in Enum.GetValues<AgentState>())
        {
            if (candidate.ToText() == text)
            {
                state = candidate;
                return true;
            }
        }

        state = AgentState.LoggedOut;
        return false;
    }

    private static bool[,] Build()
    {
        var count = Enum.GetValues<AgentState>().Length;
        var table = new bool[count, count];
        void Allow(AgentState from, params AgentState[] to)
        {
            foreach (var target in to)
            {
                table[(int)from, (int)target] = true;
            }
        }

        Allow(AgentState.LoggedOut, AgentState.Available, AgentState.NotReady);
        Allow(AgentState.Available, AgentState.Ringing, AgentState.NotReady, AgentState.LoggedOut);

        // Back to available when the offer fails or is withdrawn; not ready by the no-answer rule or a pause.
        Allow(AgentState.Ringing, AgentState.OnCall, AgentState.Available, AgentState.NotReady, AgentState.LoggedOut);

        // A call ends into wrap-up, straight to available (no wrap-up), or into a pause or logout asked for during it.
        Allow(AgentState.OnCall, AgentState.WrapUp, AgentState.Available, AgentState.NotReady, AgentState.LoggedOut);
        Allow(AgentState.WrapUp, AgentState.Available, AgentState.NotReady, AgentState.LoggedOut);

        // Not ready to not ready changes the reason.
        Allow(AgentState.NotReady, AgentState.Available, AgentState.NotReady, AgentState.LoggedOut);
        return table;
    }
}
