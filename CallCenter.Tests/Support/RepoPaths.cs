namespace CallCenter.Tests.Support;

public static class RepoPaths
{
    /// <summary>The checkout's root: the first folder above the test binaries that holds config/callcenter.xml.</summary>
    public static string Root { get; } = FindRoot();

    public static string ShippedConfig => Path.Combine(Root, "config");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "config", "callcenter.xml")) && File.Exists(Path.Combine(folder.FullName, "CallCenter.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No checkout root above {TestContext.CurrentContext.TestDirectory}");
    }
}
