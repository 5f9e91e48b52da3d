using System.Text;
using CallCenter.Core.Sdp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Protocol.Sdp;

// Bounded, seeded mutation of every SDP vector: whatever comes out, the parser answers (a description or a reason)
// and never throws; what it accepts serializes to a fixed point; offer/answer and hold detection survive what
// it accepts.
public sealed class SdpParserFuzzTests
{
    private const int Mutations = 20_000;

    private static readonly SdpEndpoint Relay = new("10.0.0.1", 40000);

    private static IEnumerable<byte[]> Seeds() =>
        Directory.GetFiles(SdpVectors.Directory, "*.sdp").Order().Select(File.ReadAllBytes)
            .Concat(SdpVectors.Examples("rfc4317.txt").Concat(SdpVectors.Examples("rfc3264-section10.txt")).Select(e => Encoding.ASCII.GetBytes(e.Crlf)));

    [Test]
    public void EveryTruncationOfEveryVectorGetsAnAnswer()
    {
        var outcomes = new Dictionary<SdpParseErrorCode, int>();
        foreach (var seed in Seeds())
        {
            for (var length = 0; length <= seed.Length; length++)
            {
                var code = Exercise(seed.AsSpan(0, length).ToArray(), $"truncated to {length}");
                outcomes[code] = outcomes.GetValueOrDefault(code) + 1;
            }
        }

        Assert.That(outcomes.Keys, Does.Contain(SdpParseErrorCode.None).And.Contain(SdpParseErrorCode.MissingOrigin).And.Contain(SdpParseErrorCode.MalformedMedia));
    }

    [Test]
    public void MutatedVectorsNeverThrow()
    {
        var seeds = Seeds().ToArray();
        var interesting = "\r\n =:/ -.0123456789amcvotsIPN\t"u8.ToArray();
        var random = new Random(8866);
        var parsed = 0;
        for (var i = 0; i < Mutations; i++)
        {
            var data = Mutate(seeds[random.Next(seeds.Length)], random, interesting);
            if (Exercise(data, $"mutation {i}") == SdpParseErrorCode.None)
            {
                parsed++;
            }
        }

        Assert.That(parsed, Is.GreaterThan(Mutations / 20), "the mutations should not all be refused outright");
        Assert.That(parsed, Is.LessThan(Mutations), "some mutations must be refused, or the parser checks nothing");
    }

    [Test]
    public void GarbageLinesAndHugeNumbersAreAnsweredNotThrown()
    {
        var baresip = SdpVectors.Text("baresip-1.0.0-invite.sdp").Split("\r\n");

        // Refused wherever they appear: structure, numbers past their bounds, limits.
        string[] refused =
        [
            "\u00ff\u00fe\u0000", "=", "==", "a", "m=", "c=", "o=", "o=- 1 1 IN IP4",
            "m=audio 4294967296 RTP/AVP 0", "m=audio 0/99999999999 RTP/AVP 0", "b=AS:99999999999999999999999", "t=1 99999999999999999999999",
            "c=IN IP4 1.2.3.4/99999999999", "c=IN IP6 ::/1/2", "k=" + new string('k', 20_000),
            "m=audio 5 RTP/AVP " + string.Join(' ', Enumerable.Repeat("127", 500)),
        ];

        // Taken: the attribute values it interprets read as absent when they make no sense.
        string[] taken = ["a=rtpmap:", "a=rtpmap:999999999999 x/1", "a=ptime:1e309", "a=maxptime:-0", "a=" + new string('x', 15_000)];

        foreach (var at in new[] { 1, 5, baresip.Length - 1 })
        {
            foreach (var line in refused)
            {
                Assert.That(Exercise(Insert(baresip, at, line), $"'{line[..Math.Min(line.Length, 30)]}' at line {at + 1}"), Is.Not.EqualTo(SdpParseErrorCode.None), line);
            }

            foreach (var line in taken)
            {
                Assert.That(Exercise(Insert(baresip, at, line), $"'{line[..Math.Min(line.Length, 30)]}' at line {at + 1}"), Is.EqualTo(SdpParseErrorCode.None), line);
            }
        }
    }

    private static byte[] Insert(string[] lines, int at, string line)
    {
        var copy = lines.ToList();
        copy.Insert(at, line);
        return Encoding.UTF8.GetBytes(string.Join("\r\n", copy));
    }

    // Returns the parse outcome after checking every property the fuzz tests hold the layer to.
    private static SdpParseErrorCode Exercise(byte[] data, string what)
    {
        try
        {
            if (!SdpParser.TryParse(data, out var sdp, out var error))
            {
                Assert.That(error.Code, Is.Not.EqualTo(SdpParseErrorCode.None), what);
                Assert.That(error.Detail, Is.Not.Empty, what);
                return error.Code;
            }

            var text = sdp.ToString();
            Assert.That(SdpParser.TryParse(text, out var again, out var againError), Is.True, () => $"{what}: its own serialization is refused: {againError}\n{text}");
            Assert.That(again!.ToString(), Is.EqualTo(text), what);

            SdpHold.Detect(sdp);
            var answer = SdpOfferAnswer.CreateAnswer(sdp, SdpMediaCapabilities.Default, Relay, new SdpSessionVersion("10.0.0.1", "1", 1));
            var relayed = SdpOfferAnswer.CreateRelayedOffer(sdp, SdpMediaCapabilities.Default, Relay, new SdpSessionVersion("10.0.0.1", "2", 1));
            var ours = SdpOfferAnswer.CreateOffer(SdpMediaCapabilities.Default, Relay, new SdpSessionVersion("10.0.0.1", "3", 1));
            SdpOfferAnswer.ReadAnswer(ours, sdp);
            if (answer.Answer is not null)
            {
                Assert.That(SdpOfferAnswer.ReadAnswer(sdp, answer.Answer).Status, Is.EqualTo(SdpNegotiationStatus.Accepted), () => $"{what}: our answer does not read back\n{text}");
            }

            if (relayed.Offer is not null)
            {
                Assert.That(SdpParser.TryParse(relayed.Offer.ToString(), out _, out _), Is.True, what);
            }

            return SdpParseErrorCode.None;
        }
        catch (Exception ex) when (ex is not AssertionException)
        {
            Assert.Fail($"{what} threw {ex.GetType().Name}: {ex.Message}\n{Convert.ToBase64String(data)}");
            throw;
        }
    }

    private static byte[] Mutate(byte[] source, Random random, byte[] interesting)
    {
        var data = source.ToList();
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && data.Count > 0; e++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
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
                case 4:
                    // A run of digits: ports, payload types and versions past their bounds.
                    data.InsertRange(at, Encoding.ASCII.GetBytes(random.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                default:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 40)));
                    break;
            }
        }

        return [.. data];
    }
}
