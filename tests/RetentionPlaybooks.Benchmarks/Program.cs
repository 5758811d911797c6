using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/RetentionPlaybooks.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
