namespace Retention.Tests.Docs;

/// <summary>README said the Fourier readout's "key frequencies are the embeddings' top ones", while the residual rows of
/// fourier.arrow mark (is_key) and share over the residual's own top ones (FourierProbe: a spectrum of its own); only the
/// restricted and excluded losses use the embeddings'. A query for the embeddings' keys in the residual read other frequencies.
/// ProbeStagesTests checks the behaviour; this checks the README says it.</summary>
public class ReadmeFourierKeysTests
{
    [Fact]
    public void The_fourier_entry_says_each_source_has_its_own_key_frequencies()
    {
        var text = Readme.Load().Text;
        var entry = text[text.IndexOf("- **Fourier readout** (`fourier.arrow`", StringComparison.Ordinal)..];
        entry = string.Join(' ', entry[..entry.IndexOf("\n- **", 1, StringComparison.Ordinal)].Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("key frequencies are the embeddings' top ones", entry);
        Assert.Contains("each source's key frequencies (`is_key`) are its own top ones", entry);
        Assert.Contains("the restricted and excluded losses use the embeddings'", entry);
    }
}
