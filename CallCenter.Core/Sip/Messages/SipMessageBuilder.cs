using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace CallCenter.Core.Sip.Messages;

// Mutable recipe for a new message. It never touches the message it was started from: From()
// copies the header lines, and Build() serializes and parses a fresh immutable message.
// Not thread-safe: one owner (a transaction or a call loop) at a time.
public sealed class SipMessageBuilder
{
    private readonly List<Line> _headers = [];

    // The To tag of the message as it stands, when known without parsing the To line (ForResponse knows it);
    // any change to a To line forgets it.
    private string? _toTag;
    private bool _toTagKnown;
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

        // Room for the copied lines and what a TU usually adds (Contact, Date, Server, a challenge) without regrowing.
        var copied = 0;
        foreach (var h in request.Headers)
        {
            copied += h.Id is SipHeaderId.Via or SipHeaderId.From or SipHeaderId.To or SipHeaderId.CallId or SipHeaderId.CSeq ? 1 : 0;
        }

        builder._headers.Capacity = copied + 4;
        var seen = 0;
        foreach (var h in request.Headers)
        {
            var copy = h.Id switch
            {
                SipHeaderId.Via or SipHeaderId.From or SipHeaderId.CallId or SipHeaderId.CSeq => true,
                SipHeaderId.Timestamp => status == 100,
                _ => false,
            };
            var checkedByParser = CheckedByParser(h.Id, ref seen);
            if (copy)
            {
                builder._headers.Add(Line.Copied(SipHeaderNames.GetCanonicalName(h.Id), request, h, addedTag: null, checkedByParser));
            }
            else if (h.Id == SipHeaderId.To)
            {
                // A token is always a valid tag (§25.1 tag-param); anything else is checked like a caller's value.
                var addedTag = toTag is not null && request.To is { Tag: null } ? toTag : null;
                builder._headers.Add(Line.Copied("To", request, h, addedTag, checkedByParser && (addedTag is null || SipSyntax.IsToken(addedTag))));
            }
        }

        builder._toTag = toTag is not null && request.To is { Tag: null } ? toTag : request.To?.Tag;
        builder._toTagKnown = request.To is not null;
        return builder;
    }

    // Copies the start line, every header line (name as written, value unfolded) and the body.
    public static SipMessageBuilder From(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var builder = message is SipRequest request
            ? new SipMessageBuilder { _method = request.Method, _requestUri = request.RequestUri }
            : new SipMessageBuilder { _status = ((SipResponse)message).StatusCode, _reason = ((SipResponse)message).ReasonPhrase };
        var seen = 0;
        foreach (var h in message.Headers)
        {
            builder._headers.Add(new Line(message.GetName(h), message.GetValue(h), default, null, h.Id, CheckedByParser(h.Id, ref seen)));
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
        var id = CheckHeader(name, value);
        _headers.Add(Line.Of(name, value, id));
        return this;
    }

    // Inserts above the first line of the same header, or at the top when there is none: the
    // place a proxy's Via (§16.6 step 8) or a Record-Route (§16.6 step 4) goes.
    public SipMessageBuilder AddHeaderFirst(string name, string value)
    {
        var id = CheckHeader(name, value);
        var index = IndexOf(id, name, 0);
        _headers.Insert(index < 0 ? 0 : index, Line.Of(name, value, id));
        return this;
    }

    // Replaces every line of the header with one line holding `value`, at the first line's place.
    public SipMessageBuilder SetHeader(string name, string value)
    {
        var id = CheckHeader(name, value);
        var index = IndexOf(id, name, 0);
        if (index < 0)
        {
            _headers.Add(Line.Of(name, value, id));
            return this;
        }

        _headers[index] = Line.Of(name, value, id);
        RemoveAfter(id, name, index + 1);
        return this;
    }

    public int RemoveHeaders(string name)
    {
        var id = Identify(name);
        ForgetToTagIf(id);
        var count = 0;
        for (var i = _headers.Count - 1; i >= 0; i--)
        {
            if (_headers[i].Is(id, name))
            {
                _headers.RemoveAt(i);
                count++;
            }
        }

        return count;
    }

    public string? GetFirstValue(string name)
    {
        var index = IndexOf(Identify(name), name, 0);
        return index < 0 ? null : SipSyntax.SplitList(_headers[index].GetValue()).FirstOrDefault();
    }

    // Removes the first value of a list header, even when it shares a line with others
    // ("Via: a, b" becomes "Via: b"). Returns the removed value.
    public string? RemoveFirstValue(string name)
    {
        var id = Identify(name);
        ForgetToTagIf(id);
        var index = IndexOf(id, name, 0);
        if (index < 0)
        {
            return null;
        }

        var line = _headers[index];
        var values = SipSyntax.SplitList(line.GetValue());
        if (values.Count <= 1)
        {
            _headers.RemoveAt(index);
            return values.Count == 1 ? values[0] : null;
        }

        // The values left were part of the line already, so they are as valid (or not) as it was.
        _headers[index] = new Line(line.Name, string.Join(", ", values.Skip(1)), default, null, line.Id, line.Trusted);
        return values[0];
    }

    /// <summary>
    /// What <c>RemoveFirstValue("Via")</c> then <c>AddHeaderFirst("Via", stamped)</c> do, for a response's top Via
    /// stamped by <see cref="SipViaStamp"/> from the request's parsed top Via: the stamp is the same via-parm with
    /// received/rport added, which the parser accepts, so it is not checked again; and a single-valued top line is
    /// replaced where it stands rather than split and rejoined.
    /// </summary>
    internal void ReplaceTopVia(string stamped)
    {
        var index = IndexOf(SipHeaderId.Via, "Via", 0);
        if (index >= 0 && !_headers[index].HasTopLevelComma()
            && (index == 0 || IndexOf(SipHeaderId.Via, "Via", index + 1) >= 0))
        {
            // Removing the line and inserting above the next Via line (or at the top when this is the first line of
            // all) lands exactly here.
            _headers[index] = new Line("Via", stamped, default, null, SipHeaderId.Via, Trusted: true);
            return;
        }

        RemoveFirstValue("Via");
        var first = IndexOf(SipHeaderId.Via, "Via", 0);
        _headers.Insert(first < 0 ? 0 : first, new Line("Via", stamped, default, null, SipHeaderId.Via, Trusted: true));
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
            _headers.Add(new Line("Max-Forwards", "70", default, null, SipHeaderId.MaxForwards, Trusted: true));
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
        var count = StartLineByteCount() + 2;
        foreach (var line in _headers)
        {
            if (line.Id != SipHeaderId.ContentLength)
            {
                count += Encoding.UTF8.GetByteCount(line.Name) + 2 + line.ValueByteCount() + 2;
            }
        }

        return count + ContentLengthPrefix.Length + Digits(_body.Length) + 4 + _body.Length;
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

    /// <summary>
    /// The response serialized for a server transaction, which needs only its status, its To tag and its octets:
    /// the message is not parsed back. It is refused exactly when <see cref="BuildResponse"/> would refuse it: the
    /// values a caller wrote into headers the parser reads (Via, From, To, Call-ID, CSeq, Max-Forwards, Contact,
    /// Route, Record-Route) are checked by the parser's own rules, and so are the size and the number of lines;
    /// values copied from a parsed request passed those rules already. One case is stricter: a reason phrase holding
    /// CR or LF, which the parse would have refused or read as a header line of its own, is always refused.
    /// </summary>
    internal SipOutgoingResponse BuildOutgoingResponse()
    {
        if (IsRequest)
        {
            throw new InvalidOperationException("Not a response.");
        }

        if (_reason.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new InvalidOperationException("The builder produced an invalid message: CR or LF in the reason phrase");
        }

        if (!CoreValuesAreValid(out var invalid))
        {
            throw new InvalidOperationException("The builder produced an invalid message: " + invalid);
        }

        var size = GetByteCount();
        if (size > SipParseOptions.DefaultMaxMessageSize)
        {
            throw new InvalidOperationException($"The builder produced an invalid message: {size} octets exceeds {SipParseOptions.DefaultMaxMessageSize}");
        }

        var bytes = new byte[size];
        Write(bytes);
        return new SipOutgoingResponse(_status, _toTagKnown ? _toTag : ReadToTag(), bytes);
    }

    // Whether the parser checked this line of the message it parsed: it reads every Via, Contact, Route and
    // Record-Route line but only the first From, To, Call-ID, CSeq and Max-Forwards (SipMessageParser.TryParseCore),
    // so a second one was never looked at and is checked like a caller's value if it ever comes first. Lines of other
    // headers are never checked, so it does not matter what this says about them.
    private static bool CheckedByParser(SipHeaderId id, ref int seen)
    {
        if (id is not (SipHeaderId.From or SipHeaderId.To or SipHeaderId.CallId or SipHeaderId.CSeq or SipHeaderId.MaxForwards))
        {
            return true;
        }

        var bit = 1 << (int)id;
        var first = (seen & bit) == 0;
        seen |= bit;
        return first;
    }

    // The parser reads the first From, To, Call-ID, CSeq and Max-Forwards and every Via, Contact, Route and
    // Record-Route line (SipMessageParser.TryParseCore); those are the lines a caller's value could make it refuse.
    private bool CoreValuesAreValid([NotNullWhen(false)] out string? invalid)
    {
        invalid = null;
        var firstSeen = 0;
        var written = 1;
        foreach (var line in _headers)
        {
            written += line.Id == SipHeaderId.ContentLength ? 0 : 1;
            var first = line.Id is SipHeaderId.From or SipHeaderId.To or SipHeaderId.CallId or SipHeaderId.CSeq or SipHeaderId.MaxForwards;
            if (first)
            {
                var bit = 1 << (int)line.Id;
                if ((firstSeen & bit) != 0)
                {
                    continue;
                }

                firstSeen |= bit;
            }

            if (!line.Trusted && line.Id != SipHeaderId.ContentLength && !SipMessageParser.IsValidCoreValue(line.Id, line.GetValue()))
            {
                invalid = "malformed " + line.Name;
                return false;
            }
        }

        if (written > SipMessageParser.MaxHeaderLines)
        {
            invalid = $"more than {SipMessageParser.MaxHeaderLines} header lines";
            return false;
        }

        return true;
    }

    private string? ReadToTag()
    {
        foreach (var line in _headers)
        {
            if (line.Id == SipHeaderId.To)
            {
                return SipNameAddress.TryParse(line.GetValue().Trim(' ', '\t'), out var to, out _) ? to.Tag : null;
            }
        }

        return null;
    }

    private static ReadOnlySpan<byte> ContentLengthPrefix => "Content-Length: "u8;

    private void Write(Span<byte> destination)
    {
        var n = WriteStartLine(destination);
        n += WriteCrLf(destination[n..]);
        foreach (var line in _headers)
        {
            if (line.Id == SipHeaderId.ContentLength)
            {
                continue;
            }

            n += Encoding.UTF8.GetBytes(line.Name, destination[n..]);
            destination[n++] = (byte)':';
            destination[n++] = (byte)' ';
            n += line.WriteValue(destination[n..]);
            n += WriteCrLf(destination[n..]);
        }

        ContentLengthPrefix.CopyTo(destination[n..]);
        n += ContentLengthPrefix.Length;
        _body.Length.TryFormat(destination[n..], out var digits, default, CultureInfo.InvariantCulture);
        n += digits;
        n += WriteCrLf(destination[n..]);
        n += WriteCrLf(destination[n..]);
        _body.Span.CopyTo(destination[n..]);
    }

    private static int WriteCrLf(Span<byte> destination)
    {
        destination[0] = (byte)'\r';
        destination[1] = (byte)'\n';
        return 2;
    }

    // "METHOD SP Request-URI SP SIP/2.0" or "SIP/2.0 SP code SP reason".
    private int StartLineByteCount() => IsRequest
        ? Encoding.UTF8.GetByteCount(_method!) + 1 + Encoding.UTF8.GetByteCount(_requestUri!.ToString()) + 8
        : 8 + Digits(_status) + 1 + Encoding.UTF8.GetByteCount(_reason);

    private int WriteStartLine(Span<byte> destination)
    {
        int n;
        if (IsRequest)
        {
            n = Encoding.UTF8.GetBytes(_method!, destination);
            destination[n++] = (byte)' ';
            n += Encoding.UTF8.GetBytes(_requestUri!.ToString(), destination[n..]);
            " SIP/2.0"u8.CopyTo(destination[n..]);
            return n + 8;
        }

        "SIP/2.0 "u8.CopyTo(destination);
        n = 8;
        _status.TryFormat(destination[n..], out var digits, default, CultureInfo.InvariantCulture);
        n += digits;
        destination[n++] = (byte)' ';
        return n + Encoding.UTF8.GetBytes(_reason, destination[n..]);
    }

    private static int Digits(int value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private static SipHeaderId Identify(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SipHeaderNames.Identify(name);
    }

    private int IndexOf(SipHeaderId id, string name, int from)
    {
        for (var i = from; i < _headers.Count; i++)
        {
            if (_headers[i].Is(id, name))
            {
                return i;
            }
        }

        return -1;
    }

    private void RemoveAfter(SipHeaderId id, string name, int from)
    {
        for (var i = _headers.Count - 1; i >= from; i--)
        {
            if (_headers[i].Is(id, name))
            {
                _headers.RemoveAt(i);
            }
        }
    }

    // Returns the name's id; a change to a To line forgets the To tag ForResponse knew.
    private SipHeaderId CheckHeader(string name, string value)
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

        var id = SipHeaderNames.Identify(name);
        ForgetToTagIf(id);
        return id;
    }

    private void ForgetToTagIf(SipHeaderId id)
    {
        if (id == SipHeaderId.To)
        {
            _toTagKnown = false;
        }
    }

    /// <summary>
    /// One header line as it will be written: its value either as text (<paramref name="Text"/>) or, for a line
    /// copied from a parsed message, as that message's octets (<paramref name="Raw"/>, with ";tag=" and
    /// <paramref name="AddedTag"/> after it when a To tag was added), written out without a string in between.
    /// <paramref name="Trusted"/>: the value came from a parsed message (or from the parsed top Via with
    /// received/rport added), so the parser's rules hold for it already.
    /// </summary>
    private readonly record struct Line(string Name, string? Text, ReadOnlyMemory<byte> Raw, string? AddedTag, SipHeaderId Id, bool Trusted)
    {
        public static Line Of(string name, string value, SipHeaderId id) => new(name, value, default, null, id, Trusted: false);

        // The octets are used as they are only when the parser's own value would re-encode to them exactly: no
        // folding to unfold (GetValue replaces it) and valid UTF-8 (GetValue would replace bad sequences).
        public static Line Copied(string name, SipMessage message, in SipHeaderEntry header, string? addedTag, bool trusted)
        {
            var raw = message.Bytes.Slice(header.ValueStart, header.ValueLength);
            if (raw.Span.IndexOfAny((byte)'\r', (byte)'\n') < 0 && Utf8.IsValid(raw.Span))
            {
                return new Line(name, null, raw, addedTag, header.Id, trusted);
            }

            var text = message.GetValue(header);
            return new Line(name, addedTag is null ? text : text + ";tag=" + addedTag, default, null, header.Id, trusted);
        }

        public string GetValue() =>
            Text ?? (AddedTag is null ? Encoding.UTF8.GetString(Raw.Span) : Encoding.UTF8.GetString(Raw.Span) + ";tag=" + AddedTag);

        public int ValueByteCount() =>
            Text is not null ? Encoding.UTF8.GetByteCount(Text)
            : Raw.Length + (AddedTag is null ? 0 : TagPrefix.Length + Encoding.UTF8.GetByteCount(AddedTag));

        public int WriteValue(Span<byte> destination)
        {
            if (Text is not null)
            {
                return Encoding.UTF8.GetBytes(Text, destination);
            }

            Raw.Span.CopyTo(destination);
            if (AddedTag is null)
            {
                return Raw.Length;
            }

            TagPrefix.CopyTo(destination[Raw.Length..]);
            return Raw.Length + TagPrefix.Length + Encoding.UTF8.GetBytes(AddedTag, destination[(Raw.Length + TagPrefix.Length)..]);
        }

        // Whether the value holds more than one list element: a comma outside quotes and <...> (as SipSyntax.SplitList).
        public bool HasTopLevelComma()
        {
            var hasComma = Text is not null ? Text.Contains(',') : Raw.Span.Contains((byte)',') || (AddedTag?.Contains(',') ?? false);
            return hasComma && SipSyntax.SplitList(GetValue()).Count > 1;
        }

        // Known headers match by id, so "v" finds "Via"; extension headers by name, ignoring case.
        public bool Is(SipHeaderId id, string name) =>
            id != SipHeaderId.Extension ? Id == id : Id == SipHeaderId.Extension && string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

        private static ReadOnlySpan<byte> TagPrefix => ";tag="u8;
    }
}
