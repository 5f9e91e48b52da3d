using System.Buffers;
using System.Globalization;


namespace CallCenter.Core.Sip.Messages;

// Why a datagram or frame was refused, and what to answer (RFC 3261 §8.2, §16.3, §18.3).
// StatusCode 0 means "answer nothing": responses are never answered, and a request whose
// Via/From/To/Call-ID/CSeq could not be recovered cannot be answered well-formed.
public sealed class SipParseError
{
    public static SipParseError None { get; } = new(SipParseErrorCode.None, string.Empty, 0, string.Empty);

    private readonly ReadOnlyMemory<byte> _source;
    private readonly (int Start, int Length)[] _answerHeaders;

    internal SipParseError(SipParseErrorCode code, string detail, int statusCode, string reasonPhrase,
        ReadOnlyMemory<byte> source = default, (int Start, int Length)[]? answerHeaders = null)
    {
        Code = code;
        Detail = detail;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        _source = source;
        _answerHeaders = answerHeaders ?? [];
    }

    public SipParseErrorCode Code { get; }

    // Human-readable detail for logs ("Via: empty parameter").
    public string Detail { get; }

    // 400, 413, 416, 501, 505, 513, or 0 for "do not answer".
    public int StatusCode { get; }

    // e.g. "Bad Request - Malformed Via" (the form RFC 3261 §21.4.1 examples suggest).
    public string ReasonPhrase { get; }

    // True when the message was a request whose Via, From, To, Call-ID and CSeq lines were found
    // intact, so that WriteResponse can echo them per §8.2.6.2.
    public bool CanRespond => StatusCode != 0 && _answerHeaders.Length > 0;

    public override string ToString() => Code == SipParseErrorCode.None ? "no error" : $"{Code}: {Detail}";

    // Serializes the stateless error response: status line, the request's Via, From, To,
    // Call-ID and CSeq header lines copied byte for byte, and Content-Length: 0.
    // The To tag is left absent: a stateless answer to a malformed request has no dialog.
    public bool TryWriteResponse(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!CanRespond)
        {
            return false;
        }

        var statusLine = "SIP/2.0 " + StatusCode.ToString(CultureInfo.InvariantCulture) + " " + ReasonPhrase + "\r\n";
        SipWriter.WriteAscii(writer, statusLine);
        var source = _source.Span;
        foreach (var (start, length) in _answerHeaders)
        {
            writer.Write(source.Slice(start, length));
            writer.Write("\r\n"u8);
        }

        writer.Write("Content-Length: 0\r\n\r\n"u8);
        return true;
    }

    public byte[]? CreateResponseBytes()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        return TryWriteResponse(buffer) ? buffer.WrittenSpan.ToArray() : null;
    }

}
