namespace CallCenter.Core.Sip.Dialogs;

// RFC 3261 §12: a dialog created by a provisional response is early until a 2xx confirms it.
public enum SipDialogState
{
    Early,
    Confirmed,
    Terminated,
}
