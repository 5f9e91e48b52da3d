using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

public sealed class SipRandomTests
{
    [Test]
    public void Successive_fills_never_repeat_bytes_across_buffer_refills()
    {
        // 8-byte tags: 64 per 512-byte buffer, so 5,000 of them cross ~78 refills; a slice handed out twice (or a
        // refill skipped, leaving wiped zeros) would show up as a duplicate tag.
        var seen = new HashSet<ulong>();
        Span<byte> tag = stackalloc byte[8];
        for (var i = 0; i < 5_000; i++)
        {
            SipRandom.Fill(tag);
            Assert.That(seen.Add(BitConverter.ToUInt64(tag)), Is.True, $"tag {i} repeated");
        }
    }

    [Test]
    public void Odd_sizes_and_sizes_beyond_the_buffer_are_filled_completely()
    {
        foreach (var size in new[] { 1, 7, 10, 127, 128, 129, 511, 512, 513, 4096 })
        {
            // The chance that a strong generator leaves the last byte zero 16 times in a row is 2^-128.
            var zeros = 0;
            for (var round = 0; round < 16; round++)
            {
                var bytes = new byte[size];
                SipRandom.Fill(bytes);
                zeros += bytes[^1] == 0 ? 1 : 0;
            }

            Assert.That(zeros, Is.LessThan(16), $"the last byte of a {size}-byte fill was never written");
        }
    }

    [Test]
    public void Byte_values_are_spread_evenly()
    {
        var counts = new int[256];
        Span<byte> chunk = stackalloc byte[10];
        for (var i = 0; i < 25_600; i++)
        {
            SipRandom.Fill(chunk);
            foreach (var b in chunk)
            {
                counts[b]++;
            }
        }

        // 256,000 bytes: 1,000 expected per value; chi-square with 255 degrees of freedom stays under 350 unless the
        // generator is broken (p < 0.0001).
        var chiSquare = counts.Sum(c => (c - 1000.0) * (c - 1000.0) / 1000.0);
        Assert.That(chiSquare, Is.LessThan(350));
    }
}
