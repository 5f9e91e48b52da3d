using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Protocol;

// Bounded random mutation of the RFC 4475 vectors with a fixed seed: the parser, the framer
// and every typed accessor must survive whatever comes out, returning an answer, never throwing.
public sealed class SipParserFuzzTests
{
    private const int Mutations = 20_000;

    [Test]
    public void MutatedVectorsNeverThrow()
    {
        var directory = Path.Combine(TestContext.CurrentContext.TestDirectory, "Protocol", "Vectors", "rfc4475");
        var vectors = Directory.GetFiles(directory, "*.sip").Order().Select(File.ReadAllBytes).ToArray();
        var interesting = "\r\n:;,<>\"\\%@ \t=?/0123456789"u8.ToArray();
        var random = new Random(4475);
        var parsed = 0;

        for (var i = 0; i < Mutations; i++)
        {
            var source = vectors[random.Next(vectors.Length)];
            var data = Mutate(source, random, interesting);
            try
            {
                SipStreamFramer.Frame(data, 4096);
                if (SipMessageParser.TryParse(data, out var message, out var error))
                {
                    parsed++;
                    Touch(message);
                }
                else
                {
                    error.CreateResponseBytes();
                }
            }
            catch (Exception ex)
            {
                Assert.Fail($"mutation {i} threw {ex.GetType().Name}: {ex.Message}\n{Convert.ToBase64String(data)}");
            }
        }

        Assert.That(parsed, Is.GreaterThan(Mutations / 20), "the mutations should not all be rejected outright");
    }

    private static byte[] Mutate(byte[] source, Random random, byte[] interesting)
    {
        var data = source.ToList();
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && data.Count > 0; e++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(5))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data[at] = interesting[random.Next(interesting.Length)];
                    break;
                case 2:
                    data.RemoveAt(at);
                    break;
                case 3:
                    data.Insert(at, interesting[random.Next(interesting.Length)]);
                    break;
                default:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 40)));
                    break;
            }
        }

        return [.. data];
    }

    private static void Touch(SipMessage message)
    {
        _ = message.ToString();
        _ = message.Expires;
        _ = message.ContentType;
        foreach (var header in message.Headers)
        {
            _ = message.GetName(header);
            _ = message.GetValue(header);
        }

        _ = message.GetHeaderValues("Contact");
        _ = message.GetHeaderValues("Supported");
        foreach (var contact in message.Contacts)
        {
            _ = contact.Expires;
            _ = contact.Q;
            _ = contact.Uri?.User;
        }

        foreach (var via in message.Vias)
        {
            _ = via.RPort;
            _ = via.Ttl;
            _ = via.HasRfc3261Branch;
        }

        if (message is SipRequest request && SipMessageValidator.TryValidate(request, out _))
        {
            _ = SipResponse.Create(request, 200, toTag: "fuzz");
            _ = SipMessageBuilder.From(request).BuildRequest();
        }
    }
}
