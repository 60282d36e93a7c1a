using Retention.Spec;

namespace Retention.Tests.Spec;

/// <summary>The sample pipeline of the spec docs and small helpers to load YAML in tests.</summary>
internal static class SpecSamples
{
    // The overlay's SQL is quoted: inside {...} an unquoted comma would end the value.
    public const string Capacity = """
        name: synthetic-capacity
        description: Fig 2 phase diagram
        experiment: synthetic
        device: cpu
        seed: 0
        synthetic: {tasks: 32, dims_per_task: 16, frequency_exponent: 1.2, spectrum_exponent: 1.0, width: 16}
        train: {steps: 100000, batch_size: 256, lr: 1e-3, lr_schedule: cosine, log_every: 1000}
        sweep:
          synthetic.width: [4, 8, 16, 32]
          seed: [0, 1]
        profiles:
          cpu:
            train: {steps: 3000}
            sweep: {synthetic.width: [2, 4, 8]}
          gpu:
            device: cuda
        analysis:
          tables:
            - name: final_loss
              sql: |
                SELECT run, p.width, task, loss FROM metrics JOIN params p USING (run) WHERE step = (SELECT max(step) FROM metrics)
          plots:
            - name: phase_diagram
              kind: heatmap
              sql: SELECT width, task, loss FROM final_loss
              x: task
              y: width
              value: loss
              overlays:
                - {sql: "SELECT task, min(rank) AS width FROM utilities GROUP BY task", x: task, y: width, label: theory, style: step}
        """;

    /// <summary>YAML from lines, so a test's line numbers can be read off the source.</summary>
    public static string Yaml(params string[] lines) => string.Join("\n", lines) + "\n";

    /// <summary>A swept synthetic pipeline with one plot, its keys at fixed lines for tests of where an error is said: kind on
    /// line 8, sql 9, x 10, y 11, then <paramref name="keys"/> from line 12 on (each indented as the plot's keys are).</summary>
    public static string OnePlot(string name, string kind, string sql, string x, string y, params string[] keys) => Yaml([
        "name: p",                                                                      // 1
        "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",                            // 2
        "train: {steps: 10}",                                                           // 3
        "sweep: {synthetic.width: [2, 4]}",                                             // 4
        "analysis:",                                                                    // 5
        "  plots:",                                                                     // 6
        $"    - name: {name}",                                                          // 7
        $"      kind: {kind}",                                                          // 8
        $"      sql: {sql}",                                                            // 9
        $"      x: {x}",                                                                // 10
        $"      y: {y}",                                                                // 11
        .. keys.Select(k => "      " + k)]);                                            // 12 on

    /// <summary>Loads without the analysis check: these tests are about binding and validation and write
    /// placeholder SQL; AnalysisCheckTests and the CLI corpus check the analysis against run schemas.</summary>
    public static LoadedPipeline Load(string yaml, string? profile = null, params string[] sets) =>
        SpecLoader.LoadText(yaml, "test.yaml", profile, sets, checkAnalysis: false);

    public static IReadOnlyList<SpecError> Errors(string yaml, string? profile = null, params string[] sets) =>
        Assert.Throws<SpecException>(() => Load(yaml, profile, sets)).Errors;
}
