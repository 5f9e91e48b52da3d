using System.Buffers;
using System.Text;

namespace CallCenter.Core.Sip.Messages;

internal static class SipWriter
{
    public static void WriteAscii(IBufferWriter<byte> writer, string text) => WriteUtf8(writer, text);

    public static void WriteUtf8(IBufferWriter<byte> writer, ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var span = writer.GetSpan(max);
        var written = Encoding.UTF8.GetBytes(text, span);
        writer.Advance(written);
    }
}
