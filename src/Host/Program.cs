using Retention.Host;

// `pipeline`: declare retention experiments in YAML, run them, query what they wrote.
return await Cli.Build().Parse(args).InvokeAsync();
