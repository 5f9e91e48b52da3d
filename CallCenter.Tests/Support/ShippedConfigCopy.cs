using System.Xml.Linq;

namespace CallCenter.Tests.Support;

/// <summary>
/// A copy of the repository's shipped config/ (with its schemas) in a temp install folder, re-pointed at free
/// loopback ports so that tests run the server exactly as a fresh install would, side by side with others.
/// Layout: Root/config/..., data and logs resolve to Root/data and Root/logs as in an installation.
/// </summary>
public sealed class ShippedConfigCopy : IDisposable
{
    private readonly TempFolder _root = new("cc-install");

    public ShippedConfigCopy(int? drainSeconds = null)
    {
        CopyFolder(RepoPaths.ShippedConfig, ConfigFolder);
        WebPort = FreePorts.Next();
        SipPort = FreePorts.Next();
        Edit(ConfigurationFile.Main, doc =>
        {
            var root = doc.Root!;
            foreach (var listener in root.Element("sip")!.Elements("listener"))
            {
                listener.SetAttributeValue("port", SipPort);
                if ((string?)listener.Attribute("address") is "0.0.0.0")
                {
                    listener.SetAttributeValue("address", "127.0.0.1");
                }
            }

            root.Element("web")!.SetAttributeValue("port", WebPort);
            root.Element("logging")!.SetAttributeValue("console", "false");
            if (drainSeconds is not null)
            {
                root.Element("shutdown")!.SetAttributeValue("drainTimeout", drainSeconds);
            }
        });
    }

    public enum ConfigurationFile
    {
        Main,
        Extensions,
        Queues,
        Ivr,
    }

    public string Root => _root.Path;
    public string ConfigFolder => Path.Combine(_root.Path, "config");
    public string DataFolder => Path.Combine(_root.Path, "data");
    public string LogFolder => Path.Combine(_root.Path, "logs");
    public int WebPort { get; }
    public int SipPort { get; }

    public string PathOf(ConfigurationFile file) =>
        Path.Combine(ConfigFolder, file switch
        {
            ConfigurationFile.Main => "callcenter.xml",
            ConfigurationFile.Extensions => "extensions.xml",
            ConfigurationFile.Ivr => "ivr.xml",
            _ => "queues.xml",
        });

    /// <summary>Loads a file with line info kept, lets the test change it, and saves it in place.</summary>
    public void Edit(ConfigurationFile file, Action<XDocument> change)
    {
        var path = PathOf(file);
        var document = XDocument.Load(path, LoadOptions.PreserveWhitespace);
        change(document);
        document.Save(path);
    }

    public void Dispose() => _root.Dispose();

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(from))
        {
            CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
