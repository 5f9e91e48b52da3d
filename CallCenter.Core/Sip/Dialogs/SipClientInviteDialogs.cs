using System.Diagnostics.CodeAnalysis;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Sip.Dialogs;

/// <summary>The dialog a response to an INVITE this side sent makes, whether or not the INVITE is still kept.</summary>
public static class SipClientInviteDialogs
{
    /// <summary>The dialog a 101-299 response with a To-tag makes (§12.1.2): from the INVITE and the response while
    /// the transaction keeps the INVITE, from a 2xx alone after that (<see cref="SipDialog.TryCreateUacFromAnswer"/>;
    /// the INVITE is let go 2 s after its first 2xx). False with the reason when the response makes none: wire
    /// input, so the owner logs it, or ACKs and BYEs a 2xx.</summary>
    public static bool TryCreateDialog(this SipClientInvite invite, SipResponse response, bool overTls, [NotNullWhen(true)] out SipDialog? dialog, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(invite);
        return invite.HeldRequest is { } request
            ? SipDialog.TryCreateUac(request, response, overTls, out dialog, out reason)
            : SipDialog.TryCreateUacFromAnswer(response, out dialog, out reason);
    }
}
