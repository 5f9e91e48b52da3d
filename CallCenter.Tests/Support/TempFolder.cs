namespace CallCenter.Tests.Support;

/// <summary>A unique folder under the system temp folder, deleted with everything in it on Dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "cc-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process under test may still hold a log file open for a moment; the OS cleans temp eventually.
        }
    }
}
