namespace CallCenter.Core.Sip.Messages;

// Method names are case-sensitive tokens (RFC 3261 §7.1); anything else that is a token is an
// extension method and still parses (RFC 4475 intmeth, esc02).
public static class SipMethods
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Options = "OPTIONS";
    public const string Register = "REGISTER";
    public const string Prack = "PRACK";
    public const string Subscribe = "SUBSCRIBE";
    public const string Notify = "NOTIFY";
    public const string Publish = "PUBLISH";
    public const string Info = "INFO";
    public const string Refer = "REFER";
    public const string Message = "MESSAGE";
    public const string Update = "UPDATE";

    // Interned names for the well-known methods so that parsing them allocates nothing.
    internal static string FromBytes(ReadOnlySpan<byte> method) => method switch
    {
        _ when method.SequenceEqual("INVITE"u8) => Invite,
        _ when method.SequenceEqual("ACK"u8) => Ack,
        _ when method.SequenceEqual("BYE"u8) => Bye,
        _ when method.SequenceEqual("CANCEL"u8) => Cancel,
        _ when method.SequenceEqual("OPTIONS"u8) => Options,
        _ when method.SequenceEqual("REGISTER"u8) => Register,
        _ when method.SequenceEqual("PRACK"u8) => Prack,
        _ when method.SequenceEqual("SUBSCRIBE"u8) => Subscribe,
        _ when method.SequenceEqual("NOTIFY"u8) => Notify,
        _ when method.SequenceEqual("PUBLISH"u8) => Publish,
        _ when method.SequenceEqual("INFO"u8) => Info,
        _ when method.SequenceEqual("REFER"u8) => Refer,
        _ when method.SequenceEqual("MESSAGE"u8) => Message,
        _ when method.SequenceEqual("UPDATE"u8) => Update,
        _ => System.Text.Encoding.ASCII.GetString(method),
    };

    public static bool IsWellKnown(string method) => method is Invite or Ack or Bye or Cancel or Options or Register
        or Prack or Subscribe or Notify or Publish or Info or Refer or Message or Update;
}
