// Placeholder entry point; the CLI is assembled in Cli.cs.
Console.WriteLine("pipeline");
