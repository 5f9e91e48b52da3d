using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Transactions;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Routing;

public sealed partial class SipRequestDispatcher
{
    /// <summary>
    /// RFC 3261 §22 digest for one request. A REGISTER is challenged as a registrar (401, WWW-Authenticate,
    /// §22.2), anything the PBX routes as a proxy would be (407, Proxy-Authenticate, §22.3). Returns the user when
    /// the request is authenticated; otherwise the answer has been sent and the caller stops.
    /// </summary>
    private UserOptions? Authenticate(
        SipServerTransaction transaction,
        CallCenterOptions options,
        AuthChallenger challenger,
        string? expectedUser,
        out string? authenticationInfo)
    {
        authenticationInfo = null;
        var request = transaction.Request;
        var source = transaction.Flow.Remote.Address;
        var credentials = request.GetHeaderValue(challenger.CredentialsHeader);
        var digest = new DigestRequest(request.Method, request.RequestUri.ToString(), credentials, source, expectedUser);
        var outcome = _authenticator.Authenticate(digest, options.Sip, options.Extensions);
        switch (outcome)
        {
            case DigestOutcome.Authenticated authenticated:
                authenticationInfo = authenticated.AuthenticationInfo;
                return authenticated.User;

            case DigestOutcome.Challenge challenge:
                // A first request without credentials is normal, unless it names a user who does not exist: that
                // is a scanner walking extensions (svwar) or a phone set up wrong, and it counts toward a ban the
                // same way a wrong password does. The answer stays the same challenge, so nothing is revealed.
                if (expectedUser is not null && options.Extensions.FindUser(expectedUser) is null)
                {
                    _failures.RecordFailure(source, options.Sip.Security, DigestFailure.UnknownUser);
                    if (Throttled(transaction, options))
                    {
                        return null;
                    }
                }

                SendChallenge(transaction, options, challenger, challenge.Challenges);
                return null;

            case DigestOutcome.Stale stale:
                SendChallenge(transaction, options, challenger, stale.Challenges);
                return null;

            case DigestOutcome.Rejected rejected:
                LogRejected(_logger, request.Method, expectedUser ?? "-", source.ToString(), rejected.Reason.ToString());
                if (!Throttled(transaction, options))
                {
                    SendChallenge(transaction, options, challenger, rejected.Challenges);
                }

                return null;

            default:
                // Banned: the layer drops banned sources before a transaction exists, so this is a ban that began
                // while this request was queued. Its transaction still needs an end; 403 gives no more away than
                // the silence that follows.
                Answer(transaction, options, 403);
                return null;
        }
    }

    // The fail2ban's throttle (a suspect source gets one failure answer a second): the rest go unanswered.
    private bool Throttled(SipServerTransaction transaction, CallCenterOptions options)
    {
        if (!_failures.ShouldThrottle(transaction.Flow.Remote.Address, options.Sip.Security))
        {
            return false;
        }

        LogThrottled(_logger, transaction.Request.Method, transaction.Flow.Remote.Address.ToString());
        transaction.Discard();
        return true;
    }

    private static void SendChallenge(
        SipServerTransaction transaction,
        CallCenterOptions options,
        AuthChallenger challenger,
        IReadOnlyList<string> challenges)
    {
        var response = transaction.CreateResponse(challenger.Status);
        foreach (var challenge in challenges)
        {
            response.AddHeader(challenger.ChallengeHeader, challenge);
        }

        Finish(transaction, response, options);
    }

    private sealed record AuthChallenger(int Status, string CredentialsHeader, string ChallengeHeader, string InfoHeader)
    {
        public static AuthChallenger Registrar { get; } = new(401, "Authorization", "WWW-Authenticate", "Authentication-Info");

        public static AuthChallenger Proxy { get; } = new(407, "Proxy-Authorization", "Proxy-Authenticate", "Proxy-Authentication-Info");
    }

    [LoggerMessage(EventId = 2703, Level = LogLevel.Debug, Message = "{Method} from suspect source {Source} left unanswered (throttled)")]
    private static partial void LogThrottled(ILogger logger, string method, string source);

    [LoggerMessage(EventId = 2701, Level = LogLevel.Information, Message = "{Method} for {User} from {Source} failed authentication: {Reason}")]
    private static partial void LogRejected(ILogger logger, string method, string user, string source, string reason);
}
