using System.Security;

namespace CallCenter.Tests.Support;

/// <summary>
/// A throw-away installation folder (<see cref="Root"/>) holding a <c>config/</c> folder (<see cref="Folder"/>)
/// with a copy of the shipped <c>config/schema/</c>, deleted again on <see cref="Dispose"/>. Unit tests write
/// small files into it; tests that run a server use <see cref="Create"/> for a complete, valid configuration
/// on loopback with chosen ports.
/// </summary>
public sealed class TempConfig : IDisposable
{
    /// <summary>Users written by <see cref="Create"/>; each password is "secret-" + the extension.</summary>
    public static readonly IReadOnlyList<string> Extensions = ["1000", "1001", "1002", "1003"];

    private static readonly Lazy<string> s_shippedFolder = new(FindShippedFolder);

    private TempConfig()
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cc-config-" + Guid.NewGuid().ToString("N")[..12]);
        Folder = System.IO.Path.Combine(Root, "config");
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The repository's <c>config/</c> folder, found by walking up from the test output folder.</summary>
    public static string ShippedFolder => s_shippedFolder.Value;

    /// <summary>The installation folder; relative storage and logging paths resolve against it.</summary>
    public string Root { get; }

    /// <summary>The configuration folder, to pass to ConfigurationLoader.Load.</summary>
    public string Folder { get; }

    public static string PasswordOf(string extension) => "secret-" + extension;

    /// <summary>A config folder with only the shipped schemas in it.</summary>
    public static TempConfig WithSchemas()
    {
        var config = new TempConfig();
        CopyFolder(System.IO.Path.Combine(ShippedFolder, "schema"), System.IO.Path.Combine(config.Folder, "schema"));
        return config;
    }

    /// <summary>A copy of the shipped configuration: both files and their schemas.</summary>
    public static TempConfig FromShipped()
    {
        var config = WithSchemas();
        foreach (var file in Directory.GetFiles(ShippedFolder, "*.xml"))
        {
            File.Copy(file, System.IO.Path.Combine(config.Folder, System.IO.Path.GetFileName(file)));
        }

        return config;
    }

    /// <summary>
    /// A complete valid configuration: udp and tcp listeners on 127.0.0.1:<paramref name="sipPort"/>, the web
    /// console on 127.0.0.1:<paramref name="webPort"/>, RTP on 127.0.0.1 in the given range, data under
    /// <paramref name="dataFolder"/> (default: <c>data</c> inside <see cref="Root"/>), logs to files only, and
    /// the users of <see cref="Extensions"/> with agents "agent1000" and "agent1001" (PINs 1000 and 1001).
    /// </summary>
    public static TempConfig Create(
        int sipPort, int webPort, int rtpPortMin = 40_000, int rtpPortMax = 40_999, string? dataFolder = null, string node = "test")
    {
        var config = WithSchemas();
        var data = Escape(dataFolder ?? System.IO.Path.Combine(config.Root, "data"));
        config.Write("callcenter.xml", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <callcenter node="{Escape(node)}">
              <sip realm="callcenter" domain="callcenter.test" userAgent="CallCenter-Test">
                <listener transport="udp" address="127.0.0.1" port="{sipPort}" />
                <listener transport="tcp" address="127.0.0.1" port="{sipPort}" />
                <timers t1Ms="500" t2Ms="4000" t4Ms="5000" />
                <registrar minExpires="60" maxExpires="3600" defaultExpires="600" qualifyInterval="0" />
              </sip>
              <rtp portMin="{rtpPortMin}" portMax="{rtpPortMax}" bindAddress="127.0.0.1" mediaTimeout="0" />
              <web address="127.0.0.1" port="{webPort}" />
              <storage dataFolder="{data}" recordingsFolder="{data}/recordings" databaseFile="callcenter.db" busyTimeout="5" />
              <logging folder="{Escape(System.IO.Path.Combine(config.Root, "logs"))}" level="Debug" console="false" retainedFiles="2" />
              <shutdown drainTimeout="5" />
            </callcenter>
            """);
        var users = string.Join("\n", Extensions.Select(e => $"""  <user extension="{e}" name="User {e}" password="{PasswordOf(e)}" />"""));
        config.Write("extensions.xml", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <extensions>
            {users}
              <agent id="agent1000" name="Agent 1000" pin="1000" extension="1000" />
              <agent id="agent1001" name="Agent 1001" pin="1001" extension="1001" />
            </extensions>
            """);
        return config;
    }

    public string Path(string relative) => System.IO.Path.Combine(Folder, relative);

    /// <summary>Writes <paramref name="content"/> verbatim, so that line and column numbers in it stay exact.</summary>
    public TempConfig Write(string fileName, string content)
    {
        var path = Path(fileName);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public string Read(string fileName) => File.ReadAllText(Path(fileName));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A watcher or a scanner holding a file open must not fail the test that is cleaning up.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Escape(string value) => SecurityElement.Escape(value);

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        }
    }

    private static string FindShippedFolder()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = System.IO.Path.Combine(folder.FullName, "config");
            if (File.Exists(System.IO.Path.Combine(candidate, "callcenter.xml")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No config/callcenter.xml above {TestContext.CurrentContext.TestDirectory}.");
    }
}
