using CallCenter.Core.Ivr;
using CallCenter.Server.Hosting;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>The host's queue sounds over the shipped config: config/moh classes and config/sounds prompts.</summary>
public sealed class QueueSoundLibraryTests
{
    private ListLogger<QueueSoundLibrary> _log = null!;

    [SetUp]
    public void SetUp() => _log = new ListLogger<QueueSoundLibrary>();

    private QueueSoundLibrary Library() => new(
        new IvrPromptLibrary(Path.Combine(RepoPaths.ShippedConfig, "sounds"), NullLogger<IvrPromptLibrary>.Instance),
        Path.Combine(RepoPaths.ShippedConfig, QueueSoundLibrary.MusicFolder),
        _log);

    [Test]
    public void TheShippedDefaultClassIsDecodedOnceAndShared()
    {
        var library = Library();

        var first = library.MusicOnHold("default");

        Assert.That(first, Is.Not.Null);
        Assert.That(first!.Files, Is.EqualTo(new[] { "arpeggio.wav" }));
        Assert.That(first.Length.TotalSeconds, Is.EqualTo(9.6).Within(0.05));
        Assert.That(library.MusicOnHold("default"), Is.SameAs(first), "one decoded class for every caller");
        Assert.That(_log.Entries, Is.Empty);
    }

    [Test]
    public void AClassWithoutAFolderIsNullAndLoggedOnlyTheFirstTime()
    {
        var library = Library();

        Assert.That(library.MusicOnHold("no-such-class"), Is.Null);
        Assert.That(library.MusicOnHold("no-such-class"), Is.Null);

        Assert.That(_log.Entries.Select(e => e.EventId), Is.EqualTo(new[] { 94 }), "the missing folder, once");
        Assert.That(_log.Entries[0].Message, Does.Contain("no-such-class"));
    }

    [TestCase("../sounds/en")]
    [TestCase("default/..")]
    public void AClassNameThatLeavesTheMusicFolderIsRefused(string name)
    {
        Assert.That(Library().MusicOnHold(name), Is.Null);
        Assert.That(_log.Entries.Single().Message, Does.Contain("not a plain folder name"));
    }

    [Test]
    public void PromptsComeFromTheSoundsFolderInTheLanguageAsked()
    {
        var library = Library();

        Assert.That(library.DefaultLanguage, Is.EqualTo("en"));
        Assert.That(library.Prompt("en", "caller-number").Length, Is.GreaterThan(8000), "over a second of speech");
        Assert.That(library.Prompt("cmn", "caller-number").Length, Is.GreaterThan(8000));
        Assert.That(library.Prompt("en", "queue-periodic-announce").IsEmpty, Is.False, "the shipped sales queue's periodic prompt exists");
        Assert.That(library.Prompt("en", "no-such-prompt").IsEmpty, Is.True);
    }
}
