using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// Text → YamlDotNet node tree, with YAML syntax errors turned into SpecErrors that say what is
/// wrong in words (the scanner's own messages describe its state, not the user's mistake).
/// </summary>
internal static partial class YamlSyntax
{
    /// <summary>
    /// Aliases share nodes, and the loader walks a tree with aliases expanded; a handful of
    /// nested aliases ("billion laughs") would expand to more nodes than memory holds.
    /// Real pipeline files have a few hundred nodes.
    /// </summary>
    public const long MaxExpandedNodes = 100_000;

    /// <summary>Parses <paramref name="text"/>; throws SpecException on a syntax error.</summary>
    /// <param name="positioned">False for --set values, whose line and column mean nothing to the user.</param>
    /// <param name="duplicates">Where a key written twice in a mapping is reported, the later one left out of the tree
    /// so the rest can still be checked; null: they are thrown (after the parse) like a syntax error.</param>
    public static IReadOnlyList<YamlDocument> Parse(string text, string source, bool positioned, List<SpecError>? duplicates = null)
    {
        List<YamlDocument> documents;
        var scanner = new Scanner(new StringReader(text));
        var brackets = new OpenFlowTracker(new Parser(scanner));
        var filter = new DuplicateKeyFilter(new DepthLimitedParser(brackets));
        var aliases = new UndefinedAliasTracker(filter);   // outermost: it sees the anchors the tree is built with
        List<SpecError> Duplicates() => [.. filter.Duplicates.Select(d => positioned
            ? new SpecError(source, (int)d.At.Line, (int)d.At.Column, d.Path, $"duplicate key '{d.Key}' (first at line {d.First.Line}{(d.First.Line == d.At.Line ? $", column {d.First.Column}" : "")}); a key may appear only once in a mapping")
            : new SpecError(source, 0, 0, d.Path, $"duplicate key '{d.Key}'; a key may appear only once in a mapping"))];
        try
        {
            var stream = new YamlStream();
            stream.Load(aliases);
            documents = stream.Documents.ToList();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not only YamlException: the scanner throws a bare InvalidOperationException, with no position, for an
            // unclosed bracket followed by a less indented line. Whatever it throws is the text's fault, so it is told
            // as a located error (exit 2), never as the library's own words.
            var stopped = scanner.CurrentPosition;
            // After a crash the events lag behind the scanner, which may have read on into a deeper bracket: the text cut
            // before the line it crashed on tells which bracket was open there.
            var open = e is YamlException ? brackets.Innermost : OpenFlowTracker.OpenBefore(text, (int)stopped.Line) ?? brackets.Innermost;
            var (line, column, message) = Explain(e, text, open, aliases.Undefined, stopped, positioned);
            throw new SpecException([.. Duplicates(), positioned   // the duplicates met before it, too
                ? new SpecError(source, line, column, "", message)
                : new SpecError(source, 0, 0, "", message)]);
        }
        if (filter.Duplicates.Count > 0)
        {
            if (duplicates is null) throw new SpecException(Duplicates());
            duplicates.AddRange(Duplicates());
        }

        var sizes = new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance);
        if (documents.Sum(d => ExpandedSize(d.RootNode, sizes)) > MaxExpandedNodes)
            throw new SpecException(new SpecError(source, positioned ? 1 : 0, positioned ? 1 : 0, "",
                $"the document expands to more than {MaxExpandedNodes} nodes through aliases (*name); write the values out instead"));
        return documents;
    }

    /// <summary>Node count with aliases expanded, memoized per shared node so a bomb is cheap to measure.</summary>
    private static long ExpandedSize(YamlNode node, Dictionary<YamlNode, long> sizes)
    {
        if (sizes.TryGetValue(node, out var known)) return known;
        IEnumerable<YamlNode> children = node switch
        {
            YamlMappingNode m => m.Children.SelectMany(kv => new[] { kv.Key, kv.Value }),
            YamlSequenceNode s => s.Children,
            _ => [],
        };
        var size = 1L;
        foreach (var child in children) size = Math.Min(size + ExpandedSize(child, sizes), MaxExpandedNodes + 1);
        return sizes[node] = size;
    }

    /// <param name="open">The innermost '{' or '[' still open where reading stopped.</param>
    /// <param name="undefined">The alias that has no anchor, where the document has one.</param>
    /// <param name="stopped">Where the scanner was; the position for an exception that carries none.</param>
    private static (int Line, int Column, string Message) Explain(Exception e, string text, OpenFlowTracker.OpenBracket? open,
        (string Name, Mark Start)? undefined, Mark stopped, bool positioned)
    {
        if (e is AnchorNotFoundException && undefined is (string name, Mark alias))
            // YamlDotNet's own position for it is 1:1, wherever the alias is.
            return ((int)alias.Line, (int)alias.Column,
                $"undefined alias '*{name}': an alias (*name) needs an anchor (&name) defined before it, e.g. 'key: &{name} value'");

        var at = e is YamlException y ? y.Start : stopped;
        var line = (int)at.Line;
        var column = (int)at.Column;
        var raw = e is YamlException ? e.Message : "";

        if (IsTabError(e) && IndentTab(text, stopped, line) is { } tab)
            // The scanner reports tabs at the start of the enclosing mapping or of the value before; point at the tab itself.
            return (tab.Line, tab.Column, "tab character in indentation; YAML indents with spaces only");

        if (open is not null && (e is not YamlException || raw.Contains($"expected ',' or '{open.Closing}'")))
            // Reading stops wherever the scanner gives up, often lines later; the bracket left open is the mistake.
            return ((int)open.Start.Line, (int)open.Start.Column, $"unclosed '{open.Opening}': a flow {(open.IsMapping ? "mapping needs ',' between entries" : "list needs ',' between items")} " +
                $"and a closing '{open.Closing}'" + (positioned ? $" (reading stopped at line {line}, column {column}" +
                    (e is YamlException ? ")" : "; a line continuing it must be indented deeper than its key)") : ""));
        if (e is not YamlException)
            return (line, column, "the YAML cannot be read on from here: check the indentation, brackets and quotes of this line and the ones above");

        if ((raw.Contains("found invalid mapping") || raw.Contains("did not find expected key") || raw.Contains("did not find expected '-' indicator"))
            && MissingSpaceLine.Near(text, line) is { } missing)
            // `steps:3` or `-name: t` among other lines: the scanner's error is about indentation, often on the next line.
            return missing;
        if (raw.Contains("did not find expected '-' indicator") && ListItemAlignment.At(text, line) is { } misaligned)
            // `- name: t` then `sql: ...` under the '-': the scanner wants another item there.
            return misaligned;

        var message = raw switch
        {
            _ when raw.Contains("quoted scalar") && raw.Contains("end of stream") =>
                "unterminated quoted string: the quote opened here is never closed",
            _ when raw.Contains("double-quoted scalar") && raw.Contains("wrong indentation") =>
                "unterminated double-quoted string (or its continuation line is not indented): close the quote",
            _ when raw.StartsWith("Nesting deeper", StringComparison.Ordinal) =>
                $"nested more than {DepthLimitedParser.MaxDepth} levels deep; a pipeline file needs a handful",
            _ when raw.Contains("expected ',' or '}'") =>
                "unclosed '{': a flow mapping needs ',' between entries and a closing '}'",
            _ when raw.Contains("expected ',' or ']'") =>
                "unclosed '[': a flow list needs ',' between items and a closing ']'",
            _ when raw.Contains("found invalid mapping") =>
                "unexpected 'key: value' here: indent it to the level of its siblings, or quote a value that contains ': '" +
                MissingColonAbove(text, line),
            _ when raw.Contains("did not find expected key") =>
                "bad indentation or stray text: expected a 'key: value' line aligned with the keys above",
            _ when raw.Contains("did not find expected '-' indicator") =>
                "bad indentation in a list: expected a '- item' line aligned with the items above",
            _ when raw.Contains("cannot start any token") =>
                $"'{CharAt(text, line, column)}' cannot start a plain value; put the value in quotes",
            _ when e is AnchorNotFoundException =>
                $"{raw.TrimEnd('.')}: an alias (*name) needs an anchor (&name) defined before it",
            _ => raw,
        };
        return (line, column, message);
    }

    /// <summary>"; or line 2 ('train') lacks the ':' after its key: write 'train:'" where the line above the stray 'key: value' is
    /// a bare name: `train` then `  steps: 3` reads as one text that goes on with a key, and the error is on the second line.</summary>
    private static string MissingColonAbove(string text, int line)
    {
        var lines = text.Split('\n');
        for (var above = line - 1; above >= 1 && above <= lines.Length; above--)
        {
            var content = lines[above - 1].Trim();
            if (content.Length == 0 || content.StartsWith('#')) continue;
            return BareName().IsMatch(content) ? $"; or line {above} ('{content}') lacks the ':' after its key: write '{content}:'" : "";
        }
        return "";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^-?\s*[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial System.Text.RegularExpressions.Regex BareName();

    /// <summary>The scanner's own tab errors ("found invalid tab as indentation", "found a tab character that violate
    /// indentation"); not a message that merely holds the letters, as an alias *stable's.</summary>
    private static bool IsTabError(Exception e) =>
        e is SyntaxErrorException && (e.Message.Contains("tab character", StringComparison.Ordinal) || e.Message.Contains("invalid tab", StringComparison.Ordinal));

    /// <summary>The tab the scanner stopped at (it stops on the indenting tab it refuses), else the first indenting tab from
    /// the line it reported on: tabs before it may be allowed ones, in a literal block's text or a flow collection's line.</summary>
    private static (int Line, int Column)? IndentTab(string text, Mark stopped, int reported)
    {
        var lines = text.Split('\n');
        var at = (int)stopped.Line;
        if (at >= 1 && at <= lines.Length && IndentTabOf(lines[at - 1]) is { } column) return (at, column);
        return FirstIndentTab(lines, Math.Max(reported, 1)) ?? FirstIndentTab(lines, 1);
    }

    /// <summary>The column of the first tab among the line's leading blanks, or null.</summary>
    private static int? IndentTabOf(string line)
    {
        var indent = line.Length - line.TrimStart(' ', '\t').Length;
        var tab = line.IndexOf('\t', 0, indent);
        return tab >= 0 ? tab + 1 : null;
    }

    private static (int Line, int Column)? FirstIndentTab(string[] lines, int fromLine)
    {
        for (var i = fromLine - 1; i < lines.Length; i++)
            if (IndentTabOf(lines[i]) is { } column) return (i + 1, column);
        return null;
    }

    private static char CharAt(string text, int line, int column)
    {
        var lines = text.Split('\n');
        return line >= 1 && line <= lines.Length && column >= 1 && column <= lines[line - 1].Length
            ? lines[line - 1][column - 1]
            : '?';
    }
}
