using System.Collections.Immutable;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Sip.Registrar;

// §10.3 steps 6 and 7 as a pure decision on a snapshot of the extension's bindings: what to add, refresh and
// remove, or why the whole request fails. Nothing here changes the store, so a lost commit can simply plan again.
public sealed partial class SipRegistrar
{
    // §10.3 step 7 lets a registrar refuse a too-short interval only when it is below one hour as well.
    private const uint OneHour = 3600;

    private RegistrationPlan Plan(RegisterRequest register, string extension, ImmutableArray<ContactBinding> current)
    {
        var request = register.Request;
        var contacts = request.Contacts;

        // Step 6: no Contact is a query; the 200 lists the bindings unchanged (§10.2.3).
        if (contacts.Count == 0)
        {
            return RegistrationPlan.Unchanged;
        }

        foreach (var contact in contacts)
        {
            if (contact.IsWildcard)
            {
                return PlanWildcard(register, current);
            }
        }

        var options = register.Options;
        var min = Seconds(options.MinExpires);
        var max = Seconds(options.MaxExpires);
        var fallback = Seconds(options.DefaultExpires);
        var now = _store.Now;
        var utcNow = _store.Time.GetUtcNow();
        var target = SipTarget.From(register.Flow);
        var userAgent = request.GetHeaderValue(SipHeaderId.UserAgent);
        if (userAgent is { Length: > MaxUserAgentLength })
        {
            userAgent = userAgent[..MaxUserAgentLength];
        }

        // The tentative binding list (§10.3 step 7 "tentatively added"); Touched marks what this request wrote.
        var working = new List<(ContactBinding Binding, bool Touched)>(current.Length + contacts.Count);
        foreach (var binding in current)
        {
            working.Add((binding, false));
        }

        List<(ContactBinding, RegistrationChangeKind)>? removals = null;
        for (var c = 0; c < contacts.Count; c++)
        {
            var contact = contacts[c];
            var uri = contact.Uri!;
            if (!uri.IsSip)
            {
                // Other schemes are legal in a Contact (§10.2.1), but calls are only ever routed to SIP phones here.
                return RegistrationPlan.Fail(400, "Contact Must Be A SIP Or SIPS URI");
            }

            // Step 7: the contact's expires parameter, else the Expires header, else our default. A value out of the
            // 32-bit range reads as absent (RFC 4475 scalar02) and so falls through to the next source.
            var requested = contact.Expires ?? request.Expires ?? fallback;
            if (requested > 0 && requested < min && requested < OneHour)
            {
                // The whole request fails and nothing changes, even for its other contacts.
                return RegistrationPlan.Fail(423, null);
            }

            var granted = TimeSpan.FromSeconds(Math.Min(requested, max));
            var index = IndexOf(working, uri);
            if (index < 0)
            {
                if (granted > TimeSpan.Zero)
                {
                    working.Add((new ContactBinding
                    {
                        Extension = extension,
                        ContactUri = uri,
                        Q = contact.Q,
                        Target = target,
                        CallId = register.CallId,
                        CSeq = register.CSeq,
                        ExpiresAtUtc = utcNow + granted,
                        RegisteredAtUtc = utcNow,
                        UpdatedAtUtc = utcNow,
                        UserAgent = userAgent,
                        ExpiresAt = now + granted,
                        UpdatedAt = now,
                    }, true));
                }

                continue;
            }

            var (existing, touched) = working[index];

            // Step 7: with the same Call-ID only a higher CSeq may update a binding; otherwise "the update MUST be
            // aborted and the request fails", and since updates are all-or-nothing nothing at all is applied. A
            // phone that reboots picks a new Call-ID and is not affected. (A contact repeated within this request
            // matches the tentative binding it just wrote, which carries this very CSeq: that is not a reordering.)
            if (!touched && string.Equals(existing.CallId, register.CallId, StringComparison.Ordinal) && register.CSeq <= existing.CSeq)
            {
                return RegistrationPlan.Fail(500, "Out Of Order REGISTER");
            }

            if (granted == TimeSpan.Zero)
            {
                working.RemoveAt(index);
                if (existing.Id != 0)
                {
                    (removals ??= []).Add((existing, RegistrationChangeKind.Removed));
                }

                continue;
            }

            // A refresh keeps the binding's own objects where the new values are the same (the contact as written, the
            // flow, the User-Agent): the binding lives long, and so would the copies, each refresh leaving the
            // previous ones as garbage in the GC's oldest generation.
            var sameTarget = existing.Target == target;
            working[index] = (existing with
            {
                ContactUri = string.Equals(existing.ContactUri.ToString(), uri.ToString(), StringComparison.Ordinal) ? existing.ContactUri : uri,
                Q = contact.Q,
                Target = sameTarget ? existing.Target : target,
                CallId = register.CallId,
                CSeq = register.CSeq,
                ExpiresAtUtc = utcNow + granted,
                UpdatedAtUtc = utcNow,
                UserAgent = string.Equals(existing.UserAgent, userAgent, StringComparison.Ordinal) ? existing.UserAgent : userAgent,
                ExpiresAt = now + granted,
                UpdatedAt = now,

                // A phone that comes back over another flow (a new TCP connection, a new NAT mapping) has to be
                // probed afresh; over the same flow the last verdict still holds.
                Reachability = sameTarget ? existing.Reachability : Reachability.Unknown,
            }, true);
        }

        // MaxContacts: a phone that reboots with a new contact (new port, new Call-ID) must not be locked out by its
        // own stale binding, so the binding closest to expiry makes room, as Asterisk's remove_existing does. Only
        // bindings this request did not write are candidates; a request that alone asks for more is refused.
        var excess = working.Count - register.MaxContacts;
        if (excess > 0)
        {
            var victims = working.Where(entry => !entry.Touched).OrderBy(entry => entry.Binding.ExpiresAt).Take(excess).ToList();
            if (victims.Count < excess)
            {
                return RegistrationPlan.Fail(403, "Too Many Contacts");
            }

            foreach (var victim in victims)
            {
                working.Remove(victim);
                (removals ??= []).Add((victim.Binding, RegistrationChangeKind.Evicted));
            }
        }

        var upserts = new List<ContactBinding>(contacts.Count);
        foreach (var (binding, touched) in working)
        {
            if (touched)
            {
                upserts.Add(binding);
            }
        }

        return new RegistrationPlan(200, null, upserts, removals is null ? [] : removals);
    }

    // The tentative binding whose contact matches `uri` (§10.3 step 7 compares them by §19.1.4 URI equality).
    private static int IndexOf(List<(ContactBinding Binding, bool Touched)> working, SipUri uri)
    {
        for (var i = 0; i < working.Count; i++)
        {
            if (working[i].Binding.ContactUri.Matches(uri))
            {
                return i;
            }
        }

        return -1;
    }

    // Step 6: "*" removes every binding of the address of record, only with Expires: 0 and no other Contact; each
    // binding is still subject to the Call-ID/CSeq ordering check.
    private static RegistrationPlan PlanWildcard(RegisterRequest register, ImmutableArray<ContactBinding> current)
    {
        if (register.Request.Contacts.Count != 1 || register.Request.Expires != 0)
        {
            return RegistrationPlan.Fail(400, "Wildcard Contact Needs Expires 0 And No Other Contact");
        }

        var removals = new List<(ContactBinding, RegistrationChangeKind)>(current.Length);
        foreach (var binding in current)
        {
            if (string.Equals(binding.CallId, register.CallId, StringComparison.Ordinal) && register.CSeq <= binding.CSeq)
            {
                return RegistrationPlan.Fail(500, "Out Of Order REGISTER");
            }

            removals.Add((binding, RegistrationChangeKind.Removed));
        }

        return new RegistrationPlan(200, null, [], removals);
    }

    private sealed record RegistrationPlan(
        int Status,
        string? Reason,
        IReadOnlyList<ContactBinding> Upserts,
        IReadOnlyList<(ContactBinding Binding, RegistrationChangeKind Why)> Removals)
    {
        public static RegistrationPlan Unchanged { get; } = new(200, null, [], []);

        public static RegistrationPlan Fail(int status, string? reason) => new(status, reason, [], []);
    }
}
