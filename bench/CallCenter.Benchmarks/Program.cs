using BenchmarkDotNet.Running;
using CallCenter.Benchmarks;

if (args.Length > 0 && args[0] == "callprobe")
{
    return await CallPathProbe.RunAsync(args);
}

if (args.Length > 0 && args[0] == "relaychurn")
{
    return await RelayChurnProbe.RunAsync(args);
}

if (args.Length > 0 && args[0] == "registerprobe")
{
    return RegisterPathProbe.Run(args);
}

if (args.Length > 0 && args[0] == "cdrprobe")
{
    return await CdrWriteProbe.RunAsync(args);
}

if (args.Length > 1 && args[0] == "heapcensus")
{
    return HeapCensus.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(CallPathProbe).Assembly).Run(args);
return 0;
