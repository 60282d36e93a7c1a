using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>The pipeline `pipeline run` uses when no file is given (compiled into the program).</summary>
public static class EmbeddedDefault
{
    /// <summary>The embedded resource's name (Host.csproj's LogicalName).</summary>
    public const string Name = "synthetic-capacity.yaml";
    public const string Profile = "cpu";

    /// <summary>What messages call it, in place of a file name: `synthetic-capacity.yaml:36:1` sent users to a file of that name in
    /// their folder, which is not there, or is another one (edited in vain). Only words: nothing stored in a sweep holds it.</summary>
    public const string Source = $"<built-in {Name}>";

    public static string Yaml
    {
        get
        {
            using var s = typeof(EmbeddedDefault).Assembly.GetManifestResourceStream(Name)
                ?? throw new InvalidOperationException($"embedded resource {Name} missing from the build");
            return new StreamReader(s).ReadToEnd();
        }
    }

    /// <summary>After errors some of which lie in the built-in default, once: what it is, and how to get a copy to edit (the
    /// errors' positions are lines of that copy's source, pipelines/synthetic-capacity.yaml, with its profiles); null otherwise.</summary>
    public static string? NoteAfter(Exception e) =>
        e is SpecException spec && spec.Errors.Any(x => x.Source == Source)
            ? $"{Source} is the default pipeline built into the program, read as no FILE was given (its source: " +
              $"pipelines/{Name} of the project); `pipeline validate --print [--profile NAME] > FILE` saves a copy, " +
              "the profile applied, to edit and give as FILE"
            : null;
}
