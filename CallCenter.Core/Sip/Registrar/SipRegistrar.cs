using System.Collections.Immutable;
using System.Globalization;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// The registrar (RFC 3261 §10.3) as one entry point: a REGISTER that the dispatcher has already authenticated goes
/// in, the response to send comes out. It owns no socket and sends nothing; the bindings live in the
/// <see cref="RegistrationStore"/>.
/// <para>Threading: thread-safe and non-blocking. REGISTERs of different Call-IDs (two phones of one extension) may
/// run concurrently on different transaction contexts: each decides on a snapshot of the extension and commits only
/// if the extension did not change meanwhile, deciding again otherwise, so that §10.3's "all or nothing" holds.</para>
/// </summary>
public sealed partial class SipRegistrar
{
    private const int MaxUserAgentLength = 256;

    // Optimistic commits lose only to a concurrent REGISTER or expiry of the same extension; more than a few
    // losses in a row would mean a bug, answered with 500 rather than a spin.
    private const int MaxCommitAttempts = 8;

    private readonly RegistrationStore _store;
    private readonly ILiveConfiguration _configuration;
    private readonly ILogger<SipRegistrar> _logger;
    private readonly DateHeaderCache _date = new();

    public SipRegistrar(RegistrationStore store, ILiveConfiguration configuration, ILogger<SipRegistrar> logger)
    {
        _store = store;
        _configuration = configuration;
        _logger = logger;
    }

    /// <summary>Processes the REGISTER of <paramref name="transaction"/>; the caller responds with the result.</summary>
    public SipMessageBuilder Register(SipServerTransaction transaction, string authenticatedUser)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return Register(transaction.Request, authenticatedUser, transaction.Flow, transaction, static (t, status, reason) => t.CreateResponse(status, reason));
    }

    /// <summary>
    /// Processes one REGISTER (§10.3 steps 4 to 8) and returns the response, built by
    /// <paramref name="createResponse"/> (status, reason or null for the standard phrase) with the registrar's
    /// headers added. <paramref name="authenticatedUser"/> is the digest user name the dispatcher verified;
    /// <paramref name="flow"/> is where the request came from and where the phone will be reached.
    /// </summary>
    public SipMessageBuilder Register(SipRequest request, string authenticatedUser, SipFlow flow, Func<int, string?, SipMessageBuilder> createResponse)
    {
        ArgumentNullException.ThrowIfNull(createResponse);
        return Register(request, authenticatedUser, flow, createResponse, static (create, status, reason) => create(status, reason));
    }

    // The state and a static function instead of a closure: this runs for every REGISTER.
    private SipMessageBuilder Register<TState>(
        SipRequest request, string authenticatedUser, SipFlow flow, TState state, Func<TState, int, string?, SipMessageBuilder> createResponse)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(authenticatedUser);
        if (!request.IsMethod(SipMethods.Register))
        {
            throw new ArgumentException("The registrar only takes REGISTER requests.", nameof(request));
        }

        var options = _configuration.Current;

        // Step 5: the address of record is the To URI, and we keep bindings for the users of extensions.xml. Any
        // host is accepted (the domain, an address of ours, a name the phone was set up with): an appliance serves
        // one domain, so the user part alone names the extension.
        if (request.To?.Uri is not { IsSip: true, User: { Length: > 0 } extension }
            || options.Extensions.FindUser(extension) is not { } user)
        {
            LogUnknownUser(_logger, request.To?.Uri?.ToString() ?? "(none)", flow);
            return createResponse(state, 404, null);
        }

        // Step 4: authorised to change this address of record's bindings. No third-party registration here.
        if (!string.Equals(authenticatedUser, extension, StringComparison.Ordinal))
        {
            LogForbidden(_logger, authenticatedUser, extension, flow);
            return createResponse(state, 403, null);
        }

        if (request.CallId is null || request.CSeq is not { } cseq)
        {
            // The transaction layer's validator answers this first; kept so that a direct caller cannot crash us.
            return createResponse(state, 400, "Missing Call-ID or CSeq");
        }

        var register = new RegisterRequest(request, request.CallId, cseq.Number, flow, options.Sip.Registrar, Math.Max(1, user.MaxContacts));
        for (var attempt = 0; attempt < MaxCommitAttempts; attempt++)
        {
            var snapshot = _store.GetSnapshot(extension);
            var plan = Plan(register, extension, snapshot.Bindings);
            if (plan.Status != 200)
            {
                return Reject(register, extension, plan, state, createResponse);
            }

            if (_store.TryCommit(extension, snapshot.Version, plan.Upserts, plan.Removals, out var bindings, out var added))
            {
                LogCommitted(extension, flow, plan, added);
                return Accept(bindings, state, createResponse);
            }
        }

        LogCommitContended(_logger, extension);
        return createResponse(state, 500, null);
    }

    private SipMessageBuilder Reject<TState>(
        RegisterRequest request, string extension, RegistrationPlan plan, TState state, Func<TState, int, string?, SipMessageBuilder> createResponse)
    {
        var flow = request.Flow;
        switch (plan.Status)
        {
            case 423:
                LogIntervalTooBrief(_logger, extension, flow);
                var response = createResponse(state, 423, null);
                response.AddHeader("Min-Expires", Seconds(request.Options.MinExpires).ToString(CultureInfo.InvariantCulture));
                return response;
            case 500:
                LogOutOfOrder(_logger, extension, request.CallId, request.CSeq, flow);
                return createResponse(state, 500, plan.Reason);
            default:
                LogRejected(_logger, extension, plan.Status, plan.Reason ?? string.Empty, flow);
                return createResponse(state, plan.Status, plan.Reason);
        }
    }

    // Step 8: the 200 lists every current binding with the time it has left, and a Date (§20.17) so that a phone
    // without a clock of its own can set one (§10.2.4).
    private SipMessageBuilder Accept<TState>(ImmutableArray<ContactBinding> bindings, TState state, Func<TState, int, string?, SipMessageBuilder> createResponse)
    {
        var response = createResponse(state, 200, null);
        foreach (var binding in bindings)
        {
            // Rounded up: a binding just granted 3600 s still shows 3600 a few microseconds later.
            var expires = (long)Math.Ceiling(_store.GetRemaining(binding).TotalSeconds);
            var value = binding.Q is { } q
                ? string.Create(CultureInfo.InvariantCulture, $"<{binding.ContactUri}>;expires={expires};q={q.ToString("0.###", CultureInfo.InvariantCulture)}")
                : string.Create(CultureInfo.InvariantCulture, $"<{binding.ContactUri}>;expires={expires}");
            response.AddHeader("Contact", value);
        }

        response.AddHeader("Date", _date.Format(_store.Time.GetUtcNow()));
        return response;
    }

    private void LogCommitted(string extension, SipFlow flow, RegistrationPlan plan, IReadOnlyList<ContactBinding> added)
    {
        // Written only for an added or removed binding: a refresh, the common case, needs no source text.
        var source = added.Count + plan.Removals.Count > 0 ? flow.ToString() : string.Empty;
        for (var i = 0; i < added.Count; i++)
        {
            var binding = added[i];
            LogAdded(_logger, extension, binding.ContactUri.ToString(), source, (long)_store.GetRemaining(binding).TotalSeconds);
        }

        for (var i = 0; i < plan.Upserts.Count; i++)
        {
            var binding = plan.Upserts[i];
            if (binding.Id != 0)
            {
                LogRefreshed(_logger, extension, binding.ContactUri.ToString(), flow);
            }
        }

        for (var i = 0; i < plan.Removals.Count; i++)
        {
            var (binding, why) = plan.Removals[i];
            if (why == RegistrationChangeKind.Evicted)
            {
                LogEvicted(_logger, extension, binding.ContactUri.ToString(), binding.Target.ToString());
            }
            else
            {
                LogRemoved(_logger, extension, binding.ContactUri.ToString(), source);
            }
        }
    }

    private static uint Seconds(TimeSpan value) => (uint)Math.Clamp(Math.Ceiling(value.TotalSeconds), 0, uint.MaxValue);

    // What the planning step needs from the request, read once.
    private sealed record RegisterRequest(SipRequest Request, string CallId, uint CSeq, SipFlow Flow, RegistrarOptions Options, int MaxContacts);
}
