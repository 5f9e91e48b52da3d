using CallCenter.Server.CommandLine;
using CallCenter.Server.Hosting;

return await ServerCommands.RunAsync(args, Console.Out, Console.Error);
