using System.Text.RegularExpressions;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Architecture;

/// <summary>
/// STYLE.md §1-2: Server → Core → Media between assemblies, and inside Core a fixed order of layers in which
/// nothing refers to a layer above it (Storage is used by the others and uses none of them).
/// </summary>
public sealed partial class LayeringTests
{
    // Lowest first. A namespace may use its own layer and any layer below it; Configuration, Hosting and Telephony
    // (Q.850 causes and their SIP mapping: plain tables) and Collections (indexes and rings with no protocol in them) are
    // the shared base every layer may use.
    private static readonly string[][] CoreLayers =
    [
        ["Configuration", "Hosting", "Telephony", "Collections"],
        ["Storage"],
        ["Sip.Messages", "Sip.Auth", "Sdp"],
        ["Sip.Transport"],
        ["Sip.Transactions"],
        ["Sip.Dialogs", "Sip.Registrar"],
        ["Sip.Routing"],
        ["Calls"],
        ["Acd", "Ivr"],
    ];

    [Test]
    public void AssembliesReferenceOnlyDownward()
    {
        var media = typeof(CallCenter.Media.Relay.MediaRelayManager).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        var core = typeof(CallCenter.Core.Configuration.CallCenterOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.That(media, Has.None.StartsWith("CallCenter."), "Media depends on nothing of ours");
        Assert.That(core, Does.Not.Contain("CallCenter.Server"));
        Assert.That(core, Has.None.StartsWith("Microsoft.AspNetCore"), "only Server knows ASP.NET Core");
        Assert.That(core, Has.None.StartsWith("Serilog"), "only Server knows Serilog sinks");
        Assert.That(core, Does.Not.Contain("System.Xml.ReaderWriter").And.Not.Contain("System.Private.Xml"), "only Server reads XML");
    }

    [Test]
    public void NoCoreNamespaceUsesALayerAboveIt()
    {
        var coreFolder = Path.Combine(RepoPaths.Root, "CallCenter.Core");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(coreFolder, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            var own = NamespaceDeclaration().Match(text);
            if (!own.Success)
            {
                continue;
            }

            var ownLevel = LevelOf(own.Groups[1].Value);
            foreach (Match used in CoreReference().Matches(text))
            {
                var usedLevel = LevelOf(used.Groups[1].Value);
                if (usedLevel > ownLevel)
                {
                    violations.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}: {own.Groups[1].Value} uses CallCenter.Core.{used.Groups[1].Value}");
                }
            }
        }

        Assert.That(violations, Is.Empty);
    }

    [Test]
    public void TheLayerOrderIsTheOneStyleDescribes()
    {
        Assert.That(LevelOf("Sip.Messages"), Is.LessThan(LevelOf("Sip.Transport")));
        Assert.That(LevelOf("Sip.Transport.Anything"), Is.LessThan(LevelOf("Sip.Transactions")));
        Assert.That(LevelOf("Storage"), Is.LessThan(LevelOf("Sip.Messages")));
        Assert.That(LevelOf("Telephony"), Is.LessThan(LevelOf("Storage")), "call records and the call layer both name hangup causes");
        Assert.That(LevelOf("Calls"), Is.LessThan(LevelOf("Acd")));
        Assert.That(LevelOf("Sdp"), Is.LessThan(LevelOf("Sip.Transactions")), "SDP is a wire format the call layer uses, below transactions and dialogs");
        Assert.That(() => LevelOf("Unplanned"), Throws.InstanceOf<AssertionException>());
    }

    private static int LevelOf(string coreNamespace)
    {
        var name = coreNamespace.StartsWith("CallCenter.Core.", StringComparison.Ordinal) ? coreNamespace["CallCenter.Core.".Length..] : coreNamespace;
        for (var level = 0; level < CoreLayers.Length; level++)
        {
            if (CoreLayers[level].Any(layer => name == layer || name.StartsWith(layer + ".", StringComparison.Ordinal)))
            {
                return level;
            }
        }

        throw new AssertionException($"CallCenter.Core.{name} has no place in the layer order; add it to {nameof(CoreLayers)} deliberately.");
    }

    [GeneratedRegex(@"^namespace\s+CallCenter\.Core\.([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"CallCenter\.Core\.((?:Sip\.)?[A-Z]\w*)")]
    private static partial Regex CoreReference();
}
