using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Sip.Routing;

public sealed partial class SipRequestDispatcher
{
    /// <summary>
    /// An INVITE from a phone must authenticate as the user its From names (§22.3, 407). Past that it is the call
    /// layer's. (Without one, in tests of the door, the caller hears "temporarily unavailable" (480) rather than a
    /// protocol error, and an unknown destination gets 404.)
    /// </summary>
    private void HandleInvite(SipServerTransaction transaction, CallCenterOptions options)
    {
        var request = transaction.Request;
        var caller = request.From?.Uri?.User;
        if (Authenticate(transaction, options, AuthChallenger.Proxy, caller, out var info) is not { } user)
        {
            return;
        }

        if (_calls is not null)
        {
            _calls.OnInvite(transaction, user);
            return;
        }

        var destination = request.RequestUri.User;
        var response = destination is not null && options.Extensions.FindUser(destination) is not null
            ? transaction.CreateResponse(480)
            : transaction.CreateResponse(404);
        if (info is not null)
        {
            response.AddHeader(AuthChallenger.Proxy.InfoHeader, info);
        }

        Finish(transaction, response, options);
    }
}
