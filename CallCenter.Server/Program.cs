using CallCenter.Server.Configuration;

var folder = args.Length > 0 ? args[0] : "config";
var result = ConfigurationLoader.Load(folder);
foreach (var error in result.Errors)
{
    Console.Error.WriteLine(error);
}

return result.Succeeded ? 0 : 1;
