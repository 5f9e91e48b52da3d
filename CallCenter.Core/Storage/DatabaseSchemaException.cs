namespace CallCenter.Core.Storage;

/// <summary>The database cannot be used by this build as it is; the message says what the admin should do.</summary>
public sealed class DatabaseSchemaException(string message, Exception? inner = null) : Exception(message, inner);
