using System.Buffers;
using System.Globalization;
using System.Text;

namespace CallCenter.Core.Sip.Messages;

// Mutable recipe for a new message. It never touches the message it was started from: From()
// copies the header lines, and Build() serializes and parses a fresh immutable message.
// Not thread-safe: one owner (a transaction or a call loop) at a time.
public sealed class SipMessageBuilder
{
    private readonly List<(string Name, string Value)> _headers = [];
    private string? _method;
    private SipUri? _requestUri;
    private int _status;
    private string _reason = string.Empty;
    private ReadOnlyMemory<byte> _body;

    private SipMessageBuilder()
    {
    }

    public bool IsRequest => _method is not null;

    public int HeaderCount => _headers.Count;

    public static SipMessageBuilder ForRequest(string method, SipUri requestUri)
    {
        if (!SipSyntax.IsToken(method))
        {
            throw new ArgumentException("Method must be a token.", nameof(method));
        }

        ArgumentNullException.ThrowIfNull(requestUri);
        return new SipMessageBuilder { _method = method, _requestUri = requestUri };
    }

    public static SipMessageBuilder ForResponse(int status, string? reason = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 699);
        return new SipMessageBuilder { _status = status, _reason = reason ?? SipStatusCodes.GetReasonPhrase(status) };
    }

    // A response to `request` per RFC 3261 §8.2.6.2: Via lines, From, To (with toTag added
    // when the To has none), Call-ID and CSeq copied; Timestamp too on a 100 (§8.2.6.1).
    public static SipMessageBuilder ForResponse(SipRequest request, int status, string? reason = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var builder = ForResponse(status, reason);
        foreach (var h in request.Headers)
        {
            var copy = h.Id switch
            {
                SipHeaderId.Via or SipHeaderId.From or SipHeaderId.CallId or SipHeaderId.CSeq => true,
                SipHeaderId.Timestamp => status == 100,
                _ => false,
            };
            if (copy)
            {
                builder._headers.Add((SipHeaderNames.GetCanonicalName(h.Id), request.GetValue(h)));
            }
            else if (h.Id == SipHeaderId.To)
            {
                var to = request.GetValue(h);
                if (toTag is not null && request.To is { Tag: null })
                {
                    to += ";tag=" + toTag;
                }

                builder._headers.Add(("To", to));
            }
        }

        return builder;
    }

    // Copies the start line, every header line (name as written, value unfolded) and the body.
    public static SipMessageBuilder From(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var builder = message is SipRequest request
            ? new SipMessageBuilder { _method = request.Method, _requestUri = request.RequestUri }
            : new SipMessageBuilder { _status = ((SipResponse)message).StatusCode, _reason = ((SipResponse)message).ReasonPhrase };
        foreach (var h in message.Headers)
        {
            builder._headers.Add((message.GetName(h), message.GetValue(h)));
        }

        builder._body = message.Body;
        return builder;
    }

    public SipMessageBuilder SetRequestUri(SipUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsRequest)
        {
            throw new InvalidOperationException("A response has no Request-URI.");
        }

        _requestUri = uri;
        return this;
    }

    public SipMessageBuilder SetStatus(int status, string? reason = null)
    {
        if (IsRequest)
        {
            throw new InvalidOperationException("A request has no status.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 699);
        _status = status;
        _reason = reason ?? SipStatusCodes.GetReasonPhrase(status);
        return this;
    }

    public SipMessageBuilder AddHeader(string name, string value)
    {
        CheckHeader(name, value);
        _headers.Add((name, value));
        return this;
    }

    // Inserts above the first line of the same header, or at the top when there is none: the
    // place a proxy's Via (§16.6 step 8) or a Record-Route (§16.6 step 4) goes.
    public SipMessageBuilder AddHeaderFirst(string name, string value)
    {
        CheckHeader(name, value);
        var index = IndexOf(name, 0);
        _headers.Insert(index < 0 ? 0 : index, (name, value));
        return this;
    }

    // Replaces every line of the header with one line holding `value`, at the first line's place.
    public SipMessageBuilder SetHeader(string name, string value)
    {
        CheckHeader(name, value);
        var index = IndexOf(name, 0);
        if (index < 0)
        {
            _headers.Add((name, value));
            return this;
        }

        _headers[index] = (name, value);
        RemoveAfter(name, index + 1);
        return this;
    }

    public int RemoveHeaders(string name)
    {
        var count = 0;
        for (var i = _headers.Count - 1; i >= 0; i--)
        {
            if (Matches(_headers[i].Name, name))
            {
                _headers.RemoveAt(i);
                count++;
            }
        }

        return count;
    }

    public string? GetFirstValue(string name)
    {
        var index = IndexOf(name, 0);
        return index < 0 ? null : SipSyntax.SplitList(_headers[index].Value).FirstOrDefault();
    }

    // Removes the first value of a list header, even when it shares a line with others
    // ("Via: a, b" becomes "Via: b"). Returns the removed value.
    public string? RemoveFirstValue(string name)
    {
        var index = IndexOf(name, 0);
        if (index < 0)
        {
            return null;
        }

        var values = SipSyntax.SplitList(_headers[index].Value);
        if (values.Count <= 1)
        {
            _headers.RemoveAt(index);
            return values.Count == 1 ? values[0] : null;
        }

        _headers[index] = (_headers[index].Name, string.Join(", ", values.Skip(1)));
        return values[0];
    }

    public SipMessageBuilder PushVia(SipVia via)
    {
        ArgumentNullException.ThrowIfNull(via);
        return AddHeaderFirst("Via", via.ToString());
    }

    // A proxy or UAC removes its own Via from a response before passing it on (§16.7 step 3).
    public SipVia? PopVia() =>
        RemoveFirstValue("Via") is { } value && SipVia.TryParse(value, out var via) ? via : null;

    // §16.6 step 3: decrement Max-Forwards, adding "70" when absent. Returns false (and changes
    // nothing) when it is already 0: the caller answers 483 (§16.3 step 2).
    public bool DecrementMaxForwards()
    {
        var current = GetFirstValue("Max-Forwards");
        if (current is null)
        {
            _headers.Add(("Max-Forwards", "70"));
            return true;
        }

        if (!int.TryParse(current, NumberStyles.None, CultureInfo.InvariantCulture, out var hops) || hops <= 0)
        {
            return false;
        }

        return SetHeader("Max-Forwards", (hops - 1).ToString(CultureInfo.InvariantCulture)) is not null;
    }

    public SipMessageBuilder SetBody(ReadOnlyMemory<byte> body, string? contentType)
    {
        _body = body;
        if (contentType is null)
        {
            RemoveHeaders("Content-Type");
        }
        else
        {
            SetHeader("Content-Type", contentType);
        }

        return this;
    }

    // Exact octet count of the serialized message.
    public int GetByteCount()
    {
        var count = Encoding.UTF8.GetByteCount(StartLine()) + 2;
        foreach (var (name, value) in _headers)
        {
            if (!IsContentLength(name))
            {
                count += Encoding.UTF8.GetByteCount(name) + 2 + Encoding.UTF8.GetByteCount(value) + 2;
            }
        }

        return count + ContentLengthLine().Length + 2 + _body.Length;
    }

    // Writes the message; Content-Length is always recomputed from the body and written last.
    public int WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var count = GetByteCount();
        var span = writer.GetSpan(count);
        Write(span);
        writer.Advance(count);
        return count;
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[GetByteCount()];
        Write(bytes);
        return bytes;
    }

    public SipMessage Build()
    {
        var bytes = ToBytes();
        return SipMessageParser.TryParse(bytes, SipParseOptions.Stream, out var message, out var error)
            ? message
            : throw new InvalidOperationException("The builder produced an invalid message: " + error);
    }

    public SipRequest BuildRequest() => Build() as SipRequest ?? throw new InvalidOperationException("Not a request.");

    public SipResponse BuildResponse() => Build() as SipResponse ?? throw new InvalidOperationException("Not a response.");

    private void Write(Span<byte> destination)
    {
        var n = Encoding.UTF8.GetBytes(StartLine(), destination);
        n += WriteCrLf(destination[n..]);
        foreach (var (name, value) in _headers)
        {
            if (IsContentLength(name))
            {
                continue;
            }

            n += Encoding.UTF8.GetBytes(name, destination[n..]);
            destination[n++] = (byte)':';
            destination[n++] = (byte)' ';
            n += Encoding.UTF8.GetBytes(value, destination[n..]);
            n += WriteCrLf(destination[n..]);
        }

        n += Encoding.ASCII.GetBytes(ContentLengthLine(), destination[n..]);
        n += WriteCrLf(destination[n..]);
        _body.Span.CopyTo(destination[n..]);
    }

    private static int WriteCrLf(Span<byte> destination)
    {
        destination[0] = (byte)'\r';
        destination[1] = (byte)'\n';
        return 2;
    }

    private string ContentLengthLine() => "Content-Length: " + _body.Length.ToString(CultureInfo.InvariantCulture) + "\r\n";

    private string StartLine() => IsRequest
        ? _method + " " + _requestUri + " SIP/2.0"
        : "SIP/2.0 " + _status.ToString(CultureInfo.InvariantCulture) + " " + _reason;

    private static bool IsContentLength(string name) => SipHeaderNames.Identify(name) == SipHeaderId.ContentLength;

    private int IndexOf(string name, int from)
    {
        for (var i = from; i < _headers.Count; i++)
        {
            if (Matches(_headers[i].Name, name))
            {
                return i;
            }
        }

        return -1;
    }

    private void RemoveAfter(string name, int from)
    {
        for (var i = _headers.Count - 1; i >= from; i--)
        {
            if (Matches(_headers[i].Name, name))
            {
                _headers.RemoveAt(i);
            }
        }
    }

    private static bool Matches(string a, string b)
    {
        var idA = SipHeaderNames.Identify(a);
        return idA != SipHeaderId.Extension ? idA == SipHeaderNames.Identify(b) : string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }

    private static void CheckHeader(string name, string value)
    {
        if (!SipSyntax.IsToken(name))
        {
            throw new ArgumentException("Header name must be a token.", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("Header value must not contain CR or LF.", nameof(value));
        }
    }
}
