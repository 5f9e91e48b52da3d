using System.Buffers;
using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Ivr;

/// <summary>
/// The data dip over HTTP. GET sends the parameters in the query string, POST as a JSON object; the answer must be a
/// 2xx with a JSON object of at most <see cref="MaxAnswerBytes"/>, from which the requested fields are taken (strings
/// as they are, numbers and booleans as their JSON text; a missing or null field is simply not returned). Everything
/// else is a failed result, never an exception: the CRM is outside our trust boundary.
/// <para>The timeout is the session's (its own timer on the injected clock cancels the token), so the
/// <see cref="HttpClient"/> given here should have no timeout of its own (<see cref="Timeout.InfiniteTimeSpan"/>) or a
/// longer one. The client (and its handler) is shared by all sessions and injectable for tests.</para>
/// </summary>
public sealed class IvrHttpDataDip(HttpClient client) : IIvrDataDip
{
    /// <summary>A caller lookup answers a few hundred bytes; anything far larger is a misconfigured URL.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    public async Task<IvrDipResult> QueryAsync(IvrDipRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = Build(request);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return IvrDipResult.Failed($"request failed: {ex.HttpRequestError}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return IvrDipResult.Failed($"HTTP {(int)response.StatusCode}");
            }

            byte[]? body;
            try
            {
                body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                return IvrDipResult.Failed($"reading the answer failed: {ex.HttpRequestError}");
            }
            catch (IOException ex)
            {
                return IvrDipResult.Failed($"reading the answer failed: {ex.Message}");
            }

            return body is null ? IvrDipResult.Failed($"answer larger than {MaxAnswerBytes} bytes") : Parse(body, request.Fields);
        }
    }

    private static HttpRequestMessage Build(IvrDipRequest request)
    {
        if (request.Method == IvrDipMethod.Get)
        {
            var query = new StringBuilder(request.Url.Query.Length > 1 ? request.Url.Query[1..] : string.Empty);
            foreach (var (name, value) in request.Parameters)
            {
                query.Append(query.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            }

            var url = new UriBuilder(request.Url) { Query = query.ToString() }.Uri;
            return new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/json") } } };
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in request.Parameters)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return new HttpRequestMessage(HttpMethod.Post, request.Url)
        {
            Content = content,
            Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/json") } },
        };
    }

    // Null when the answer is larger than the limit; a Content-Length above it is refused before reading.
    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxAnswerBytes)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxAnswerBytes + 1];
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer[..filled];
                }

                filled += read;
            }

            return null;
        }
    }

    private static IvrDipResult Parse(byte[] body, ImmutableArray<string> fields)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return IvrDipResult.Failed($"not JSON ({ex.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return IvrDipResult.Failed($"the answer is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object");
            }

            var values = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var path in fields)
            {
                if (Find(document.RootElement, path) is { } text)
                {
                    values[path] = text;
                }
            }

            return IvrDipResult.Ok(values.ToImmutable());
        }
    }

    private static string? Find(JsonElement element, string path)
    {
        foreach (var name in path.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }
}
