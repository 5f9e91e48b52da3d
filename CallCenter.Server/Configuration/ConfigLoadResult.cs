using System.Collections.Immutable;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>Either a complete validated configuration or every error found; never a half-filled one.</summary>
public sealed class ConfigLoadResult
{
    private ConfigLoadResult(CallCenterOptions? options, ImmutableArray<ConfigError> errors)
    {
        Options = options;
        Errors = errors;
    }

    public CallCenterOptions? Options { get; }
    public ImmutableArray<ConfigError> Errors { get; }
    public bool Succeeded => Options is not null;

    public static ConfigLoadResult Success(CallCenterOptions options) => new(options, []);

    public static ConfigLoadResult Failure(IEnumerable<ConfigError> errors)
    {
        var list = errors.ToImmutableArray();
        if (list.IsEmpty)
        {
            throw new ArgumentException("A failed load must carry at least one error.", nameof(errors));
        }

        return new ConfigLoadResult(null, list);
    }
}
