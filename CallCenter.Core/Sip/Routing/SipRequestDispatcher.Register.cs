using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Sip.Routing;

public sealed partial class SipRequestDispatcher
{
    /// <summary>
    /// §10.3 step 3 and §22.2: a REGISTER authenticates as the user its To names (the address of record it
    /// changes); an authenticated user may only change its own bindings.
    /// </summary>
    private void HandleRegister(SipServerTransaction transaction, CallCenterOptions options)
    {
        var aor = transaction.Request.To?.Uri?.User;
        if (Authenticate(transaction, options, AuthChallenger.Registrar, aor, out var info) is not { } user)
        {
            return;
        }

        // The registrar takes over from here once it lands; until then an authenticated REGISTER is accepted
        // without storing a binding, which no phone can tell from success: answer 501 rather than lie.
        var response = transaction.CreateResponse(501, "Registrar Not Available");
        if (info is not null)
        {
            response.AddHeader(AuthChallenger.Registrar.InfoHeader, info);
        }

        LogRegisterWithoutRegistrar(_logger, user.Extension);
        Finish(transaction, response, options);
    }

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 2702, Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "REGISTER for {Extension} authenticated; no registrar yet")]
    private static partial void LogRegisterWithoutRegistrar(Microsoft.Extensions.Logging.ILogger logger, string extension);
}
