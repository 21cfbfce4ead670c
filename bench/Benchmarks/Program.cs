using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Portcullis.Benchmarks.RouteMatchBenchmark).Assembly).Run(args);
