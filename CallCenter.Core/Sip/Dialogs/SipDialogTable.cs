using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Dialogs;

// Maps dialog identifiers to their owners (the calls), so that a request or response arriving on
// the transaction layer's context reaches the call whose loop owns the dialog. The one shared
// piece of the dialog layer: every method is safe from any thread, and none takes a lock the
// caller can see or runs caller code. It stores owners, not SipDialog objects, because a dialog
// may only be touched from its owner's loop; the caller posts the message to the owner.
//
// An owner adds each of its dialogs (a forked INVITE gives one owner several early dialogs) and
// removes them when they terminate; removal names the owner so that a late removal cannot take
// out an entry that has since been given to someone else.
public sealed class SipDialogTable<TOwner>
    where TOwner : class
{
    private readonly ConcurrentDictionary<SipDialogId, TOwner> _owners = new();

    // Takes every internal lock of the dictionary: for metrics and tests, not per message.
    public int Count => _owners.Count;

    public bool TryAdd(SipDialogId id, TOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return _owners.TryAdd(id, owner);
    }

    public bool TryGet(SipDialogId id, [MaybeNullWhen(false)] out TOwner owner) => _owners.TryGetValue(id, out owner);

    public bool TryRemove(SipDialogId id, TOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return _owners.TryRemove(new KeyValuePair<SipDialogId, TOwner>(id, owner));
    }

    // §12.2.2: a request with a To-tag is matched with our tag from To as the local tag and the
    // peer's From-tag as the remote one, for dialogs of either role. False for a request without
    // a To-tag (it is outside any dialog) and for one whose dialog is unknown; the caller tells
    // them apart with SipDialogRejection.ForUnmatched, which gives the 481 for the latter.
    public bool TryMatch(SipRequest request, [MaybeNullWhen(false)] out TOwner owner)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (SipDialogId.TryFromRequest(request, out var id))
        {
            return _owners.TryGetValue(id, out owner);
        }

        owner = null;
        return false;
    }

    // §12.1.2 / §13.2.2.4: a response to a request we sent is matched with our From-tag as the
    // local tag and its To-tag as the remote one. A dialog-creating response whose To-tag is new
    // (another branch of a forked INVITE) matches nothing: the caller creates a dialog for it
    // with SipDialog.TryCreateUac and adds it.
    public bool TryMatch(SipResponse response, [MaybeNullWhen(false)] out TOwner owner)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (SipDialogId.TryFromResponse(response, out var id))
        {
            return _owners.TryGetValue(id, out owner);
        }

        owner = null;
        return false;
    }
}
