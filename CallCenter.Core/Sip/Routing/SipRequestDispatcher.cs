using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Routing;

/// <summary>
/// The server's transaction user (RFC 3261 §8.2): every new request the transaction layer hands up is checked the
/// way §8.2.1–§8.2.2 orders (method, URI scheme, Require), then goes to the part of the server that owns it — the
/// registrar, the calls, or an answer given here (OPTIONS, 405, 481, 501). (§8.2.2.1's 416 for an unknown
/// URI scheme is given by the parser, before a transaction exists.) Split by aspect: .Register.cs,
/// .Invite.cs, .Auth.cs.
/// <para>Threading: called on the transaction layer's shard for the request's Call-ID; nothing here blocks
/// (authentication is CPU only, the registrar's storage is written behind).</para>
/// </summary>
public sealed partial class SipRequestDispatcher : ISipRequestHandler
{
    private readonly ILiveConfiguration _configuration;
    private readonly DigestAuthenticator _authenticator;
    private readonly AuthFailureTracker _failures;
    private readonly SipRegistrar _registrar;
    private readonly ILogger<SipRequestDispatcher> _logger;
    private readonly ISipCallHandler? _calls;

    /// <param name="calls">The B2BUA. Without it (tests of the registrar and the door) an authenticated INVITE is
    /// answered 480, or 404 for an unknown destination, and nothing is in a dialog.</param>
    public SipRequestDispatcher(
        ILiveConfiguration configuration,
        DigestAuthenticator authenticator,
        AuthFailureTracker failures,
        SipRegistrar registrar,
        ILogger<SipRequestDispatcher> logger,
        ISipCallHandler? calls = null)
    {
        _calls = calls;
        _registrar = registrar;
        _configuration = configuration;
        _authenticator = authenticator;
        _failures = failures;
        _logger = logger;
    }

    public void OnRequest(SipServerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var request = transaction.Request;
        var options = _configuration.Current;
        var method = request.Method;

        // §8.2.1: a method we do not know at all is 501; one we know but do not take is 405 with our Allow list.
        if (!SipCapabilities.KnownMethods.Contains(method))
        {
            Answer(transaction, options, 501);
            return;
        }

        // §8.2.2.3: an extension the client requires and we lack is refused with the tags we do not support.
        if (FindUnsupportedRequirements(request) is { } unsupported)
        {
            var badExtension = transaction.CreateResponse(420);
            badExtension.AddHeader("Unsupported", unsupported);
            Finish(transaction, badExtension, options);
            return;
        }

        // §12.2.2: a To-tag means the request belongs to a dialog. Dialogs live with their calls; a request for
        // none of them gets the dialog layer's answer for an unmatched request (481, or 400 for a bad ACK).
        if (request.To?.Tag is not null && _calls is not null && _calls.TryHandleInDialog(transaction))
        {
            return;
        }

        if (SipDialogRejection.ForUnmatched(request) is { } rejection)
        {
            Finish(transaction, rejection.AddRetryAfter(transaction.CreateResponse(rejection.StatusCode, rejection.ReasonPhrase)), options);
            return;
        }

        switch (method)
        {
            case SipMethods.Options:
                AnswerOptions(transaction, options);
                break;
            case SipMethods.Register:
                HandleRegister(transaction, options);
                break;
            case SipMethods.Invite:
                HandleInvite(transaction, options);
                break;
            default:
                if (SipCapabilities.DialogOnlyMethods.Contains(method))
                {
                    Answer(transaction, options, 481);
                }
                else
                {
                    var notAllowed = transaction.CreateResponse(405);
                    notAllowed.AddHeader("Allow", SipCapabilities.Allow);
                    Finish(transaction, notAllowed, options);
                }

                break;
        }
    }

    // §9.2: the layer has answered the CANCEL; the INVITE it matched ends with 487 unless it already ended.
    public void OnCancel(SipServerTransaction invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        if (_calls is not null)
        {
            // The call answers its INVITE 487 itself, after cancelling the callee's leg.
            _calls.OnCancel(invite);
            return;
        }

        if (!invite.HasFinalResponse)
        {
            Answer(invite, _configuration.Current, 487);
        }
    }

    // The ACK for a 2xx belongs to the dialog the 2xx confirmed, which a call owns.
    public void OnAck(SipRequest ack, SipFlow flow)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (_calls is null || !_calls.OnAck(ack, flow))
        {
            LogStrayAck(_logger, ack.CallId ?? "-", flow.ToString());
        }
    }

    private static void AnswerOptions(SipServerTransaction transaction, CallCenterOptions options)
    {
        // §11.2: the answer to OPTIONS lists what a call to us could use.
        var response = transaction.CreateResponse(200);
        response.AddHeader("Allow", SipCapabilities.Allow);
        response.AddHeader("Accept", SipCapabilities.Accept);
        if (SipCapabilities.SupportedOptionTags.Count > 0)
        {
            response.AddHeader("Supported", string.Join(", ", SipCapabilities.SupportedOptionTags));
        }

        Finish(transaction, response, options);
    }

    private static void Answer(SipServerTransaction transaction, CallCenterOptions options, int status, string? reason = null) =>
        Finish(transaction, transaction.CreateResponse(status, reason), options);

    private static void Finish(SipServerTransaction transaction, SipMessageBuilder response, CallCenterOptions options)
    {
        response.AddHeader("Server", options.Sip.UserAgent);
        transaction.Respond(response);
    }

    private static string? FindUnsupportedRequirements(SipRequest request)
    {
        List<string>? unsupported = null;
        foreach (var value in request.GetHeaderValues("Require"))
        {
            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!SipCapabilities.SupportedOptionTags.Contains(part))
                {
                    (unsupported ??= []).Add(part);
                }
            }
        }

        return unsupported is null ? null : string.Join(", ", unsupported);
    }

    [LoggerMessage(EventId = 2700, Level = LogLevel.Debug, Message = "ACK for a 2xx outside any dialog (Call-ID {CallId}) from {Flow}; ignored")]
    private static partial void LogStrayAck(ILogger logger, string callId, string flow);
}
