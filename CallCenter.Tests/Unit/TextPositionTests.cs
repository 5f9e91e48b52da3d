using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit;

public sealed class TextPositionTests
{
    [Test]
    public void CountsLinesAndColumnsFromOne()
    {
        const string text = "<a>\n  <b x=\"1\" x=\"2\" />\n</a>";
        Assert.Multiple(() =>
        {
            Assert.That(TextPosition.Of(text, "a>"), Is.EqualTo((1, 2)));
            Assert.That(TextPosition.Of(text, "b "), Is.EqualTo((2, 4)));
            Assert.That(TextPosition.Of(text, "x=", occurrence: 2), Is.EqualTo((2, 12)));
            Assert.That(() => TextPosition.Of(text, "y="), Throws.ArgumentException);
        });
    }
}
