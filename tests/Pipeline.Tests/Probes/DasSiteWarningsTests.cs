using Retention.Probes;

namespace Retention.Tests.Probes;

/// <summary>A scan's DAS warnings name their sites when it probed several: identical warnings (one position's layers)
/// are one line naming all their sites, and warnings with other numbers (another position's pairs) are told apart.</summary>
public class DasSiteWarningsTests
{
    static readonly DasWarning Tok1 = new(60, "cmp", 0.45, 0.5), Tok2 = new(60, "cmp", 0.58, 0.52);

    [Fact]
    public void Each_warning_names_the_positions_and_layers_that_gave_it()
    {
        var texts = DasSiteWarnings.Texts([(0, "tok1", Tok1), (0, "tok2", Tok2), (1, "tok1", Tok1), (1, "tok2", Tok2), (2, "tok1", Tok1), (4, "tok1", Tok1)],
            nameSites: true);
        Assert.Equal([
            "DAS at step 60 (cmp; tok1, layers 0–2, 4): the model answers only 45% of the base inputs right (chance 50%, trusted from 75%): " +
            "IIA there says little about the task's causal variable",
            "DAS at step 60 (cmp; tok2, layers 0, 1): the model answers only 58% of the base inputs right (chance 52%, trusted from 76%): " +
            "IIA there says little about the task's causal variable",
        ], texts);
    }

    [Fact]
    public void Positions_with_the_same_numbers_share_one_line_and_one_site_is_not_named()
    {
        Assert.Equal(["DAS at step 60 (cmp; tok1, layer 3; tok2, layers 1, 3)"],
            DasSiteWarnings.Texts([(3, "tok1", Tok1), (1, "tok2", Tok1), (3, "tok2", Tok1)], nameSites: true).Select(t => t[..t.IndexOf(':')]));
        // A scan of one site: the run's own warning, word for word.
        Assert.Equal([DasBaseCheck.Warning(60, "cmp", 0.45, 0.5)!], DasSiteWarnings.Texts([(1, "tok1", Tok1)], nameSites: false));
    }
}
