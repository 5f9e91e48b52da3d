using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Sip.Routing;

public sealed partial class SipRequestDispatcher
{
    /// <summary>
    /// §10.3 step 3 and §22.2: a REGISTER authenticates as the user its To names (the address of record it
    /// changes), then the registrar applies it (§10.3 steps 4-8) and gives the answer. Its storage is written
    /// behind, so this returns at once.
    /// </summary>
    private void HandleRegister(SipServerTransaction transaction, CallCenterOptions options)
    {
        var aor = transaction.Request.To?.Uri?.User;
        if (Authenticate(transaction, options, AuthChallenger.Registrar, aor, out var info) is not { } user)
        {
            return;
        }

        var response = _registrar.Register(transaction, user.Extension);
        if (info is not null)
        {
            response.AddHeader(AuthChallenger.Registrar.InfoHeader, info);
        }

        Finish(transaction, response, options);
    }
}
