using Retention.Host;
using Retention.Training;

// `pipeline`: declare retention experiments in YAML, run them, query what they wrote.
CpuAllocator.KeepFreedMemory();   // before any tensor: per-step page faults cost CPU runs up to 4x
return await Cli.Build().Parse(args).InvokeAsync();
