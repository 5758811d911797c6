using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/RetentionPlaybooks.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(RetentionPlaybooks.Benchmarks.CompileBenchmarks).Assembly).Run(args);
