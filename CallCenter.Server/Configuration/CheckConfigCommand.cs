using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>
/// The <c>check-config</c> verb: runs exactly the checks of start-up and of a live reload, so an admin can try
/// an edit before the server sees it. Exit codes: 0 valid, 1 invalid, 2 no such folder.
/// </summary>
public static class CheckConfigCommand
{
    public const int Valid = 0;
    public const int Invalid = 1;
    public const int FolderMissing = 2;

    public static int Run(string configFolder, TextWriter output, TextWriter error)
    {
        var folder = Path.GetFullPath(configFolder);
        if (!Directory.Exists(folder))
        {
            error.WriteLine($"The configuration folder '{folder}' does not exist.");
            return FolderMissing;
        }

        var result = ConfigurationLoader.Load(folder);
        if (!result.Succeeded)
        {
            foreach (var problem in result.Errors)
            {
                error.WriteLine(problem.ToString());
            }

            error.WriteLine(result.Errors.Length == 1
                ? $"1 error in {folder}; the server would refuse this configuration."
                : $"{result.Errors.Length} errors in {folder}; the server would refuse this configuration.");
            return Invalid;
        }

        WriteSummary(result.Options!, folder, output);
        return Valid;
    }

    private static void WriteSummary(CallCenterOptions options, string folder, TextWriter output)
    {
        output.WriteLine($"Configuration in {folder} is valid.");
        output.WriteLine($"  node:      {options.Node.Name}");
        output.WriteLine($"  sip:       realm {options.Sip.Realm}, domain {options.Sip.Domain}");
        foreach (var listener in options.Sip.Listeners)
        {
            output.WriteLine($"  listener:  {listener}");
        }

        output.WriteLine($"  rtp:       ports {options.Rtp.PortMin}-{options.Rtp.PortMax} on {options.Rtp.BindAddress}");
        output.WriteLine($"  web:       {new System.Net.IPEndPoint(options.Web.Address, options.Web.Port)}");
        output.WriteLine($"  data:      {options.Storage.DataFolder}");
        output.WriteLine($"  users:     {options.Extensions.Users.Length}");
        output.WriteLine($"  agents:    {options.Extensions.Agents.Length}");
        output.WriteLine($"  queues:    {(options.Queues.Queues.IsEmpty ? "none" : string.Join(", ", options.Queues.Queues.Select(q => q.Name)))}");
        output.WriteLine($"  ivr:       {(options.Ivr.Flows.IsEmpty ? "none" : string.Join(", ", options.Ivr.Flows.Select(f => f.Name)))}" +
            $" ({options.Ivr.Routes.Length} route(s))");
    }
}
