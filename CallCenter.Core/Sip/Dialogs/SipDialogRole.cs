namespace CallCenter.Core.Sip.Dialogs;

// Which side of the dialog-creating request this side was: it decides where the route set comes
// from (§12.1.1 the request's Record-Route in order, §12.1.2 the response's reversed) and which
// responses can still change the dialog's state.
public enum SipDialogRole
{
    Uac,
    Uas,
}
