namespace CallCenter.Core.Storage;

/// <summary>What /healthz reports about the store.</summary>
public sealed record DatabaseHealth(bool Healthy, int SchemaVersion, string Path, string? Problem);
