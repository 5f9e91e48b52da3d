using System.Diagnostics.CodeAnalysis;

namespace CallCenter.Core.Sip.Messages;

/// <summary>
/// The Replaces header of RFC 3891 §6.1 (also carried as a URI header of a Refer-To, RFC 3891 §5):
/// <c>Replaces = callid *(SEMI replaces-param)</c>, <c>replaces-param = to-tag / from-tag / early-flag /
/// generic-param</c>. The tags name the dialog as its recipient sees it (§3): to-tag is compared with the
/// recipient's local tag, from-tag with its remote tag. Parsing never throws: wire input gets a reason.
/// </summary>
public sealed record SipReplaces(string CallId, string ToTag, string FromTag, bool EarlyOnly)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out SipReplaces? replaces, [NotNullWhen(false)] out string? reason)
    {
        replaces = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            reason = "empty Replaces";
            return false;
        }

        var parts = text.Split(';');
        var callId = parts[0].Trim();
        // callid = word [ "@" word ] (RFC 3261 §25.1): no whitespace, no separators a header would split on.
        if (callId.Length == 0 || callId.AsSpan().ContainsAny(" \t\r\n\";,<>") || callId.Count(c => c == '@') > 1)
        {
            reason = "malformed Call-ID in Replaces";
            return false;
        }

        string? toTag = null;
        string? fromTag = null;
        var earlyOnly = false;
        for (var i = 1; i < parts.Length; i++)
        {
            var parameter = parts[i].Trim();
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? parameter : parameter[..equals]).Trim();
            var value = equals < 0 ? null : parameter[(equals + 1)..].Trim();
            if (!SipSyntax.IsToken(name) || (value is not null && value.Length > 0 && !SipSyntax.IsToken(value.Trim('"'))))
            {
                reason = "malformed Replaces parameter";
                return false;
            }

            if (name.Equals("to-tag", StringComparison.OrdinalIgnoreCase) || name.Equals("from-tag", StringComparison.OrdinalIgnoreCase))
            {
                // §6.1: exactly one of each, each a token.
                var isTo = name.Length == "to-tag".Length;
                if (value is not { Length: > 0 } || !SipSyntax.IsToken(value) || (isTo ? toTag : fromTag) is not null)
                {
                    reason = "Replaces needs exactly one to-tag and one from-tag, each a token";
                    return false;
                }

                if (isTo)
                {
                    toTag = value;
                }
                else
                {
                    fromTag = value;
                }
            }
            else if (name.Equals("early-only", StringComparison.OrdinalIgnoreCase))
            {
                earlyOnly = true;
            }
        }

        if (toTag is null || fromTag is null)
        {
            reason = "Replaces needs exactly one to-tag and one from-tag";
            return false;
        }

        replaces = new SipReplaces(callId, toTag, fromTag, earlyOnly);
        reason = null;
        return true;
    }

    public override string ToString() => $"{CallId};to-tag={ToTag};from-tag={FromTag}" + (EarlyOnly ? ";early-only" : string.Empty);
}
