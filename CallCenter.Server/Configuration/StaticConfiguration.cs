using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

internal sealed class StaticConfiguration(CallCenterOptions options) : ILiveConfiguration
{
    public CallCenterOptions Current { get; } = options;

    public event Action<CallCenterOptions>? Changed
    {
        add { }
        remove { }
    }
}
