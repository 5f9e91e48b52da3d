namespace CallCenter.Media;

/// <summary>Names the Media assembly for tests and reflection until its first real types (RTP, codecs) land.</summary>
public static class MediaAssembly
{
    public static string Name => typeof(MediaAssembly).Assembly.GetName().Name!;
}
