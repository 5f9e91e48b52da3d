namespace CallCenter.Core.Sdp;

// Checks on values handed to the builder by code: a CR, LF or NUL would let one value forge further lines,
// and a field of o=, c= or m= must not contain the space that separates fields.
internal static class SdpText
{
    public static void CheckValue(string value, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\0')
            {
                throw new ArgumentException("An SDP value must not contain CR, LF or NUL.", parameter);
            }
        }
    }

    public static void CheckField(string value, string parameter)
    {
        CheckValue(value, parameter);
        if (value.Length == 0 || value.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException("An SDP field must be non-empty and contain no space.", parameter);
        }
    }

    public static void CheckConnection(SdpConnection connection, string parameter)
    {
        if (!SdpSyntax.IsToken(connection.NetworkType) || !SdpSyntax.IsToken(connection.AddressType)
            || !SdpSyntax.IsValidAddress(connection.AddressType, connection.Address))
        {
            throw new ArgumentException($"'{connection}' is not a valid connection.", parameter);
        }
    }

    public static SdpAttribute Attribute(string name, string? value)
    {
        if (!SdpSyntax.IsToken(name))
        {
            throw new ArgumentException("An attribute name must be a token.", nameof(name));
        }

        if (value is not null)
        {
            CheckValue(value, nameof(value));
        }

        return new SdpAttribute(name, value);
    }
}
