namespace CallCenter.Core.Storage;

/// <summary>One forward-only schema step. Versions are dense (1, 2, 3...) and never edited once shipped.</summary>
public sealed record Migration(int Version, string Name, string Sql);
