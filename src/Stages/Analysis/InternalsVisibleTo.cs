// The plot helpers (category axes, overlay mapping) are internal; their arithmetic is tested directly.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Pipeline.Tests")]
