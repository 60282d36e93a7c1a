using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>
/// Broken files, one problem each: the error must sit at the exact line and column of the
/// offending text, carry its path, and say both what is wrong and what would be right.
/// </summary>
public class MalformedSpecTests
{
    public static TheoryData<string, string, int, int, string, string[]> Cases => new()
    {
        // ---- YAML syntax ----
        { "tab indentation", Yaml("name: a", "train:", "\tsteps: 3"), 3, 1, "", ["tab character", "spaces"] },
        // A tab is allowed inside a literal block's text and a flow collection's continuation line: the error is at the tab
        // that indents a key, where the scanner stopped, not at the first tab in the file.
        { "tab indentation after a literal block with a tab in its text", Yaml("name: a", "description: |", "  x", "  \tSELECT 1", "seed: 1", "train:", "\tsteps: 3"), 7, 1, "", ["tab character", "spaces"] },
        { "tab indentation after a flow continuation line with a tab", Yaml("name: a", "synthetic: {tasks: 8,", "\tdims_per_task: 8}", "seed: 1", "\ttrain: 2"), 5, 1, "", ["tab character", "spaces"] },
        { "tab after spaces in a nested mapping", Yaml("name: a", "train:", "  steps: 3", "  \tlr: 3"), 4, 3, "", ["tab character", "spaces"] },
        { "key indented deeper than its siblings", Yaml("name: a", "train:", "  steps: 3", "    lr: 0.1"), 4, 7, "", ["unexpected 'key: value'", "indent it to the level of its siblings"] },
        // A section's key written without its ':' reads as text going on into the next line's key: the error there names the line above.
        { "section key without its colon", Yaml("name: a", "train", "  steps: 3"), 3, 8, "", ["unexpected 'key: value' here", "; or line 2 ('train') lacks the ':' after its key: write 'train:'"] },
        { "key indented less than its siblings", Yaml("name: a", "train:", "  steps: 3", " lr: 0.1"), 4, 2, "", ["bad indentation", "aligned with the keys above"] },
        { "unterminated single quote", Yaml("name: 'abc", "seed: 1"), 1, 7, "", ["unterminated quoted string", "never closed"] },
        { "unterminated double quote", Yaml("name: a", "description: \"abc", "seed: 1"), 2, 14, "", ["unterminated double-quoted string", "close the quote"] },
        // An unclosed bracket is reported at the bracket, wherever the scanner gave up (said in the message).
        { "unclosed flow mapping", Yaml("name: a", "train: {steps: 3"), 2, 8, "", ["unclosed '{'", "closing '}'", "reading stopped at line 3, column 1"] },
        { "unclosed flow list", Yaml("name: a", "sweep:", "  seed: [0, 1"), 3, 9, "", ["unclosed '['", "closing ']'"] },
        { "unclosed flow mapping before a top-level key", Yaml("name: a", "synthetic: {tasks: 8", "train: 5"), 2, 12, "", ["unclosed '{'", "closing '}'", "line 3, column 1"] },
        { "unclosed flow list before a block mapping", Yaml("name: a", "synthetic: [8", "train:", "  steps: 5"), 2, 12, "", ["unclosed '['", "closing ']'", "line 3, column 1"] },
        { "unclosed flow mapping in a list item before the next item", Yaml("name: a", "analysis:", "  tables:", "    - {name: t, sql: SELECT 1", "    - {name: u, sql: SELECT 2}"), 4, 7, "", ["unclosed '{'", "closing '}'"] },
        { "unclosed flow list nested in a closed mapping", Yaml("name: a", "sweep: {seed: [0, 1}"), 2, 15, "", ["unclosed '['", "closing ']'"] },
        { "unclosed flow mapping nested in a closed list", Yaml("name: a", "x: [a, {b: 1]"), 2, 8, "", ["unclosed '{'", "closing '}'"] },
        { "missing comma in a flow mapping", Yaml("name: a", "train: {steps: 3 lr: 1}"), 2, 8, "", ["unclosed '{'", "',' between entries", "reading stopped at line 2, column 20"] },
        { "flow continuation line not indented", Yaml("name: a", "synthetic: {tasks: 8,", "width: 5}"), 2, 12, "", ["unclosed '{'", "indented deeper than its key"] },
        { "duplicate key", Yaml("name: a", "seed: 1", "seed: 2"), 3, 1, "", ["duplicate key 'seed'", "only once"] },
        { "reserved character starts a value", Yaml("name: a", "description: @home"), 2, 14, "", ["'@' cannot start a plain value", "quotes"] },
        { "absurd nesting", Yaml("name: a", "description: " + new string('[', 100) + new string(']', 100)), 2, 77, "", ["nested more than 64 levels", "a handful"] },
        { "two documents", Yaml("name: a", "---", "name: b"), 3, 1, "", ["second one", "each pipeline in its own file"] },
        // YamlDotNet resolves aliases when the document ends and says an undefined one is at 1:1; it is said where written.
        { "undefined alias", Yaml("name: a", "train:", "  steps: 3", "  lr: *nosuch"), 4, 7, "", ["undefined alias '*nosuch'", "&nosuch"] },
        { "undefined alias after a defined one", Yaml("name: a", "seed: &s 1", "sweep: {seed: [*s, *nosuch]}"), 3, 20, "", ["undefined alias '*nosuch'"] },

        // ---- document shape ----
        { "empty file", "", 1, 1, "", ["file is empty", "at least 'name'"] },
        { "comments only", Yaml("# nothing yet"), 1, 1, "", ["file is empty", "at least 'name'"] },
        { "top level is a list", Yaml("- name: a", "- name: b"), 1, 1, "", ["got a list", "mapping of keys (name, description"] },
        { "top level is a scalar", Yaml("just text"), 1, 1, "", ["got 'just text'", "mapping of keys (name"] },
        { "key is not a name", Yaml("name: a", "[x]: 1"), 2, 1, "", ["a key must be a plain name", "got a list"] },

        // ---- binding: keys ----
        { "unknown top-level key", Yaml("name: a", "epochs: 10"), 2, 1, "", ["unknown key 'epochs'", "allowed: name, description, experiment, device, seed, synthetic, train, sweep, analysis"] },
        { "misspelt nested key", Yaml("name: a", "train:", "  steps: 10", "  stpes: 5"), 4, 3, "train", ["unknown key 'stpes'", "did you mean 'steps'", "allowed: steps, batch_size"] },
        { "camelCase key", Yaml("name: a", "train:", "  batchSize: 64"), 3, 3, "train", ["unknown key 'batchSize'", "did you mean 'batch_size'"] },
        { "unknown key in a list item", Yaml("name: a", "analysis:", "  plots:", "    - {name: p, kind: line, sql: 'SELECT 1 AS a, 2 AS b', x: a, y: b, print: true}"), 4, 71, "analysis.plots[0]", ["unknown key 'print'", "allowed: name, kind, sql, x, y, value"] },
        { "comma splits an unquoted flow value", Yaml("name: a", "analysis:", "  tables:", "    - {name: t, sql: SELECT a, b FROM x}"), 4, 32, "analysis.tables[0]", ["unknown key 'b FROM x'", "quote values"] },
        { "missing name", Yaml("description: x", "seed: 1"), 1, 1, "", ["missing required key 'name'", "required here: name"] },
        { "missing table sql", Yaml("name: a", "analysis:", "  tables:", "    - name: t"), 4, 7, "analysis.tables[0]", ["missing required key 'sql'", "required here: name, sql"] },
        { "missing plot axes", Yaml("name: a", "analysis:", "  plots:", "    - {name: p, kind: line, sql: 'SELECT 1 AS a, 2 AS b'}"), 4, 7, "analysis.plots[0]", ["missing required keys 'x', 'y'", "required here: name, kind, sql, x, y"] },

        // ---- binding: values ----
        { "text for an integer", Yaml("name: a", "train:", "  steps: abc"), 3, 10, "train.steps", ["expected an integer", "got 'abc'"] },
        { "fraction for an integer", Yaml("name: a", "seed: 1.5"), 2, 7, "seed", ["expected an integer", "got '1.5'"] },
        { "integer out of range", Yaml("name: a", "synthetic:", "  width: 3000000000"), 3, 10, "synthetic.width", ["expected an integer between -2147483648 and 2147483647", "got '3000000000'"] },
        { "text for a number", Yaml("name: a", "train: {lr: fast}"), 2, 13, "train.lr", ["expected a number", "got 'fast'"] },
        { "text for a boolean", Yaml("name: a", "analysis:", "  tables:", "    - name: t", "      sql: SELECT 1", "      print: maybe"), 6, 14, "analysis.tables[0].print", ["expected true or false", "got 'maybe'"] },
        { "null for a string", Yaml("name: ~"), 1, 7, "name", ["expected a string", "got null"] },
        { "empty value for an integer", Yaml("name: a", "train:", "  steps:", "  lr: 0.1"), 3, 9, "train.steps", ["expected an integer", "got null"] },
        // A section with nothing under it (its keys not indented, or not written yet): the two ways to write it.
        { "section with no value", Yaml("name: a", "train:", "seed: 1"), 2, 7, "train", ["expected a mapping with keys steps", "got null; write 'train: {}' for its defaults (or indent its keys under it), or remove the line"] },
        { "nested section with no value", Yaml("name: a", "experiment: data", "data:", "  sources: [{paths: [x.jsonl]}]", "  packing:"), 5, 11, "data.packing", ["got null; write 'packing: {}' for its defaults"] },
        // A key with its value left out (commented out, or not written yet): what to write there, not only "got null".
        { "key with no value", Yaml("name: a", "synthetic:", "  width:", "  tasks: 8"), 3, 9, "synthetic.width",
            ["expected an integer, got null; write its value after the ':', e.g. 'width: 16' (its default, which removing the line also gives)"] },
        { "true/false key with no value", Yaml("name: a", "synthetic:", "  rare:", "    rank_one:"), 4, 14, "synthetic.rare.rank_one",
            ["expected true or false, got null; write 'rank_one: true' or 'rank_one: false' (its default is true, which removing the line also gives)"] },
        { "scalar for a section", Yaml("name: a", "train: 500"), 2, 8, "train", ["expected a mapping with keys steps, batch_size", "got '500'"] },
        { "list for a section", Yaml("name: a", "train:", "  - steps: 5"), 3, 3, "train", ["expected a mapping with keys steps", "got a list"] },
        // A list for one value most often means a run per value: the sweep that does it (the error stopped at "got a list").
        { "list for a swept field", Yaml("name: a", "synthetic:", "  width: [4, 8]"), 3, 10, "synthetic.width", ["expected an integer, got a list; to train a run per value, sweep it: sweep: {synthetic.width: [4, 8]}"] },
        { "list for the seed", Yaml("name: a", "seed:", "  - 0", "  - 1"), 3, 3, "seed", ["expected an integer, got a list; to train a run per value, sweep it: sweep: {seed: [0, 1]}"] },
        // YAML needs a space after ':' and '-': which one is missing (the error said only what the value was).
        { "no space after a key's colon", Yaml("name: a", "train:", "  steps:3"), 3, 3, "train", ["got 'steps:3'; write 'steps: 3' on its own line under it (YAML's key: value, a space after the ':')"] },
        { "key = value", Yaml("name: a", "train:", "  lr = 0.01"), 3, 3, "train", ["got 'lr = 0.01'; write 'lr: 0.01' on its own line under it"] },
        // Lines that all lack the space fold into one text: the first key's value is its own line's, not the rest of the text.
        { "no space after two keys' colons", Yaml("name: a", "train:", "  steps:3", "  lr:0.1"), 3, 3, "train",
            ["got 'steps:3 lr:0.1'; write 'steps: 3' on its own line under it, and each key after it likewise (YAML's key: value, a space after the ':')"] },
        { "no space after a sweep key's colon", Yaml("name: a", "sweep:", "  seed:[0, 1]"), 3, 3, "sweep",
            ["got 'seed:[0, 1]'; write 'seed: [0, 1]' on its own line under it (YAML's key: value, a space after the ':')"] },
        { "no space after a list item's dash", Yaml("name: a", "analysis:", "  tables:", "    -name: t", "    sql: SELECT 1"), 4, 5, "analysis.tables",
            ["expected a list of mappings, got a mapping; a list item starts with '- ', a dash and a space: write '- name: ...', not '-name: ...'"] },
        { "list for a string", Yaml("name: a", "description: [a, b]"), 2, 14, "description", ["expected a string", "got a list"] },
        // Among other lines the scanner gives up on the line lacking the space, or on the one after it, and its error was about
        // indentation ('bad indentation or stray text', 'unexpected key: value'): the line is named, with the space it lacks.
        { "no space after a key's colon among its siblings", Yaml("name: a", "train:", "  lr: 0.1", "  steps:3", "  log_every: 5"), 4, 8, "",
            ["'steps:3' lacks the space YAML needs after a key's ':', so it reads as one text where a key belongs: write 'steps: 3'"] },
        { "no space after the first key's colon", Yaml("name: a", "train:", "  steps:3", "  lr: 0.1"), 3, 8, "", ["'steps:3' lacks the space", "write 'steps: 3'"] },
        { "no space after a top-level key's colon", Yaml("name: a", "seed:3", "train: {steps: 3}"), 2, 5, "", ["'seed:3' lacks the space", "write 'seed: 3'"] },
        { "no space after a list item's dash, its next key under the name", Yaml("name: a", "analysis:", "  tables:", "    -name: t", "      sql: SELECT 1"), 4, 5, "",
            ["'-name: t' lacks the space YAML needs after a list item's '-', so it reads as a key named '-name': write '- name: t'"] },
        { "no space after a list item's dash, another item after it", Yaml("name: a", "analysis:", "  tables:", "    -name: t", "    - name: u", "      sql: SELECT 1"), 4, 5, "",
            ["'-name: t' lacks the space", "write '- name: t'"] },
        // A list item's next key under its '-' (or one space off), not under its first key: the scanner wanted another
        // '- item' there, and said so; the key is told the column it belongs at.
        { "list item's key aligned with its dash", Yaml("name: a", "analysis:", "  tables:", "    - name: t", "    sql: SELECT 1"), 5, 5, "",
            ["'sql' is not aligned with the keys of the list item above (line 4, '- name: t'): a list item's keys line up under its first one: indent it to column 7"] },
        { "list item's third key one space left", Yaml("name: a", "analysis:", "  tables:", "    - name: t", "      sql: SELECT 1", "     print: false"), 6, 6, "",
            ["'print' is not aligned with the keys of the list item above (line 4, '- name: t')", "indent it to column 7"] },
        // A list of plain values is no item with keys: told as before.
        { "key under a list of plain values", Yaml("name: a", "sweep:", "  seed:", "    - 0", "    width: 1"), 5, 5, "", ["bad indentation in a list"] },
        // A list value with a ':' in it is no key: the indentation error after it is told as before.
        { "list value with a colon above a misindented key", Yaml("name: a", "sweep:", "  device:", "    - cpu", "    - cuda:0", "   seed: [0, 1]"), 6, 4, "",
            ["bad indentation or stray text"] },

        // ---- sweep ----
        { "sweep value is not a list", Yaml("name: a", "sweep:", "  seed: 3"), 3, 9, "sweep.seed", ["expected a list of values", "got '3'"] },
        // One value, or values with commas and no brackets: the list meant (and for one value, the field's own setting).
        { "sweep value is one value", Yaml("name: a", "sweep:", "  synthetic.width: 4"), 3, 20, "sweep.synthetic.width",
            ["got '4'; a sweep entry is a YAML list, even of one value: write 'synthetic.width: [4]' under sweep:, or for the same value in every run 'synthetic: {width: 4}' outside sweep:"] },
        { "sweep values without brackets", Yaml("name: a", "sweep:", "  seed: 0, 1"), 3, 9, "sweep.seed",
            ["got '0, 1'; a sweep entry is a YAML list in brackets: write 'seed: [0, 1]' under sweep:"] },
        // Nested as the file's sections are: the dotted keys meant (the error said only "got a mapping").
        { "sweep nested as sections", Yaml("name: a", "sweep:", "  synthetic:", "    width: [4, 8]", "    rare: {gap: [1, 10]}"), 4, 5, "sweep.synthetic",
            ["expected a list of values, got a mapping; a sweep key is the field's whole dotted path, not nested mappings: write 'synthetic.width: [...]', 'synthetic.rare.gap: [...]' under sweep:"] },
        { "sweep list is empty", Yaml("name: a", "sweep:", "  seed: []"), 3, 9, "sweep.seed", ["expected a non-empty list of values", "got an empty list"] },
        { "sweep key is not a field", Yaml("name: a", "sweep:", "  synthetic.widht: [4, 8]"), 3, 3, "sweep", ["'synthetic.widht' is not a field", "did you mean 'width'", "allowed: tasks, dims_per_task"] },
        { "sweep key is not a scalar", Yaml("name: a", "sweep:", "  train: [1]"), 3, 3, "sweep", ["only scalar fields can be swept", "train.steps"] },
        { "swept value of the wrong type", Yaml("name: a", "sweep:", "  seed: [0, x]"), 3, 13, "sweep.seed[1]", ["expected an integer", "got 'x'"] },
        { "swept value out of range", Yaml("name: a", "sweep:", "  synthetic.width: [4, -1]"), 3, 24, "sweep.synthetic.width[1]", ["must be >= 1", "got -1"] },

        // ---- validation ----
        { "name with a space", Yaml("name: my run"), 1, 7, "name", ["'my run' is not a valid name", "letters, digits, '.', '_' and '-'"] },
        { "unknown experiment", Yaml("name: a", "experiment: lm"), 2, 13, "experiment", ["unknown experiment 'lm'", "allowed: synthetic"] },
        { "unknown device", Yaml("name: a", "device: gpu"), 2, 9, "device", ["unknown device 'gpu' (did you mean 'cuda'?)", "allowed: cpu, cuda, auto, cuda:N"] },
        { "device in capitals", Yaml("name: a", "device: CPU"), 2, 9, "device", ["unknown device 'CPU' (did you mean 'cpu'?); allowed: cpu, cuda, auto, cuda:N"] },
        { "GPU index in capitals", Yaml("name: a", "device: CUDA:1"), 2, 9, "device", ["unknown device 'CUDA:1' (did you mean 'cuda:1'?)"] },
        // Digits past int's range name no GPU: refused here, not accepted by validate and failed on by a run.
        { "GPU index past int", Yaml("name: a", "device: cuda:99999999999"), 2, 9, "device", ["device 'cuda:99999999999': GPU index 99999999999 is too large (at most 2147483647); allowed: cpu, cuda, auto, cuda:N"] },
        { "GPU index just past int", Yaml("name: a", "device: cuda:2147483648"), 2, 9, "device", ["GPU index 2147483648 is too large"] },
        { "misspelt device", Yaml("name: a", "device: cdua"), 2, 9, "device", ["unknown device 'cdua' (did you mean 'cuda'?)"] },
        { "unlike any device", Yaml("name: a", "device: metal"), 2, 9, "device", ["unknown device 'metal'; allowed: cpu, cuda, auto, cuda:N"] },
        { "another kind of processor", Yaml("name: a", "device: tpu"), 2, 9, "device", ["unknown device 'tpu'; allowed: cpu, cuda, auto, cuda:N"] },
        { "another processor with an index", Yaml("name: a", "device: XPU:0"), 2, 9, "device", ["unknown device 'XPU:0'; allowed: cpu, cuda, auto, cuda:N"] },
        { "one letter from cpu", Yaml("name: a", "device: cpy"), 2, 9, "device", ["unknown device 'cpy' (did you mean 'cpu'?)"] },
        { "unknown basis", Yaml("name: a", "synthetic: {basis: fourier}"), 2, 20, "synthetic.basis", ["unknown basis 'fourier'", "allowed: identity, random"] },
        { "unknown optimizer", Yaml("name: a", "train: {optimizer: sgd}"), 2, 20, "train.optimizer", ["unknown optimizer 'sgd'", "allowed: adam"] },
        { "unknown schedule", Yaml("name: a", "train: {lr_schedule: linear}"), 2, 22, "train.lr_schedule", ["unknown lr_schedule 'linear'", "allowed: constant, cosine"] },
        { "zero tasks", Yaml("name: a", "synthetic: {tasks: 0}"), 2, 20, "synthetic.tasks", ["must be >= 1", "got 0"] },
        { "zero batch size", Yaml("name: a", "train: {batch_size: 0}"), 2, 21, "train.batch_size", ["must be >= 1", "got 0"] },
        { "negative learning rate", Yaml("name: a", "train: {lr: -0.1}"), 2, 13, "train.lr", ["must be a finite number > 0", "got -0.1"] },
        { "infinite learning rate", Yaml("name: a", "train: {lr: .inf}"), 2, 13, "train.lr", ["must be a finite number > 0", "got .inf"] },
        { "min_lr_ratio above one", Yaml("name: a", "train: {min_lr_ratio: 1.5}"), 2, 23, "train.min_lr_ratio", ["must be between 0 and 1", "got 1.5"] },
        { "warmup as long as training", Yaml("name: a", "train: {steps: 10, warmup_steps: 10}"), 2, 34, "train.warmup_steps", ["must be less than train.steps (10)", "got 10"] },
        { "negative exponent", Yaml("name: a", "synthetic: {frequency_exponent: -1}"), 2, 33, "synthetic.frequency_exponent", ["must be a finite number >= 0", "got -1"] },
        { "zero spectrum scale", Yaml("name: a", "synthetic: {spectrum_scale: 0}"), 2, 29, "synthetic.spectrum_scale", ["must be a finite number > 0", "got 0"] },
        { "zero log interval", Yaml("name: a", "train: {log_every: 0}"), 2, 20, "train.log_every", ["must be >= 1", "got 0"] },
        { "unknown plot kind", Yaml("name: a", "analysis:", "  plots:", "    - {name: p, kind: bar, sql: 'SELECT 1 AS a, 2 AS b', x: a, y: b}"), 4, 23, "analysis.plots[0].kind", ["unknown plot kind 'bar'", "allowed: heatmap, line, scatter"] },
        { "line plot with value", Yaml("name: a", "analysis:", "  plots:", "    - {name: p, kind: line, sql: 'SELECT 1 AS a, 2 AS b', x: a, y: b, value: b}"), 4, 78, "analysis.plots[0].value", ["line plots do not read 'value'", "use 'series'"] },
        { "heatmap with series", Yaml("name: a", "analysis:", "  plots:", "    - {name: p, kind: heatmap, sql: 'SELECT 1 AS a, 2 AS b, 3 AS c', x: a, y: b, value: c, series: a}"), 4, 100, "analysis.plots[0].series", ["heatmaps do not read 'series'", "coloured by 'value'"] },
        { "heatmap without value", Yaml("name: a", "analysis:", "  plots:", "    - {name: p, kind: heatmap, sql: 'SELECT 1 AS a, 2 AS b', x: a, y: b}"), 4, 7, "analysis.plots[0].value", ["a heatmap needs 'value'", "colour"] },
        { "unknown overlay style", Yaml("name: a", "analysis:", "  plots:", "    - name: p", "      kind: line", "      sql: SELECT 1 AS a, 2 AS b", "      x: a", "      y: b", "      overlays: [{sql: 'SELECT 1 AS a, 2 AS b', x: a, y: b, style: dashed}]"), 9, 68, "analysis.plots[0].overlays[0].style", ["unknown overlay style 'dashed'", "allowed: line, step, points"] },
        { "table name is not an identifier", Yaml("name: a", "analysis:", "  tables:", "    - {name: final-loss, sql: 'SELECT 1 AS a, 2 AS b'}"), 4, 14, "analysis.tables[0].name", ["'final-loss' is not an identifier", "letters, digits and '_'"] },
        { "duplicate plot name", Yaml("name: a", "analysis:", "  plots:", "    - {name: p, kind: line, sql: 'SELECT 1 AS a, 2 AS b', x: a, y: b}", "    - {name: P, kind: line, sql: 'SELECT 1 AS a, 2 AS b', x: a, y: b}"), 5, 14, "analysis.plots[1].name", ["duplicate plot name 'P'", "must be unique"] },
        { "blank sql", Yaml("name: a", "analysis:", "  tables:", "    - {name: t, sql: ' '}"), 4, 22, "analysis.tables[0].sql", ["must not be empty"] },
        // analysis/ is shared with the advice, whose files analyze, status and advise tell from the tables by their names alone.
        { "table named as the advice's", Yaml("name: a", "analysis:", "  tables:", "    - {name: advice_widths, sql: 'SELECT 1 AS a, 2 AS b'}"), 4, 14, "analysis.tables[0].name",
            ["table name 'advice_widths' starts with 'advice'", "analysis.advise and `pipeline advise` write", "choose another name"] },
        { "table whose name begins as the advice's, in capitals", Yaml("name: a", "analysis:", "  tables:", "    - name: t", "      sql: SELECT 1 AS a", "    - name: Advice_notes", "      sql: SELECT 1 AS a"), 6, 13, "analysis.tables[1].name",
            ["table name 'Advice_notes' starts with 'advice' (ignoring case)", "advice_*.arrow and advice.png"] },
        { "plot named as the advice's", Yaml("name: a", "analysis:", "  plots:", "    - {name: advice, kind: line, sql: 'SELECT 1 AS a, 2 AS b', x: a, y: b}"), 4, 14, "analysis.plots[0].name",
            ["plot name 'advice' starts with 'advice'", "analyze and status take every analysis/ file named so for the advice's"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Error_is_positioned_and_explained(string problem, string yaml, int line, int column, string path, string[] fragments)
    {
        var errors = Errors(yaml);

        var error = Assert.Single(errors);
        Assert.True((line, column, path) == (error.Line, error.Column, error.Path),
            $"{problem}: expected {line}:{column} '{path}', got {error}");
        Assert.Equal("test.yaml", error.Source);
        foreach (var fragment in fragments)
            Assert.True(error.Message.Contains(fragment, StringComparison.Ordinal),
                $"{problem}: '{fragment}' not in: {error.Message}");
        // Users read these; no CLR type names or exception text may leak through.
        Assert.DoesNotContain("System.", error.Message);
        Assert.DoesNotContain("Exception", error.Message);
    }

    [Fact]
    public void A_short_unknown_key_is_offered_only_a_key_one_edit_away()
    {
        // 'base' is two edits from 'name' (half its letters): offering it was noise. 'nmae' is one transposition from it.
        var far = Assert.Single(Errors(Yaml("name: a", "base: b")));
        Assert.StartsWith("unknown key 'base'; allowed: ", far.Message);
        var near = Assert.Single(Errors(Yaml("name: a", "sede: 3")));
        Assert.Contains("unknown key 'sede' (did you mean 'seed'?)", near.Message);
    }

    [Fact]
    public void A_sweep_entry_whose_mapping_names_no_field_gets_no_dotted_key_hint()
    {
        // seed is a field itself: {a: 1} is a wrong value, not a nested sweep; 'seed.a' names nothing to write.
        var error = Assert.Single(Errors(Yaml("name: a", "sweep: {seed: {a: 1}}")));
        Assert.Equal("expected a list of values, got a mapping", error.Message);
    }

    [Fact]
    public void A_list_set_for_a_swept_field_is_told_the_set_that_sweeps_it()
    {
        var error = Assert.Single(Errors(Yaml("name: a"), null, "train.lr=[0.1, 0.01]"));
        Assert.Equal(("train.lr", "expected a number, got a list; to train a run per value, sweep it: --set 'sweep.train.lr=[0.1, 0.01]'"),
            (error.Path, error.Message));
    }

    [Fact]
    public void A_sweep_item_of_the_wrong_type_is_not_told_to_write_a_list()
    {
        // The item is a value of the wrong type, not a sweep entry left without its list ('write 'seed[1]: [x]'').
        var error = Assert.Single(Errors(Yaml("name: a", "sweep:", "  seed: [0, x]")));
        Assert.Equal(("sweep.seed[1]", "expected an integer, got 'x'"), (error.Path, error.Message));
    }

    [Fact]
    public void A_set_value_holding_colon_space_is_told_to_quote_it()
    {
        // In a file the same text is a syntax error that says to quote it; from a --set it was only "got a mapping".
        var error = Assert.Single(Errors(Yaml("name: a"), null, "description=Fig 2: phases"));
        Assert.Equal(("description", "expected a string, got a mapping; YAML reads a value holding ': ' as a mapping: quote it, --set 'description=\"Fig 2: phases\"'"),
            (error.Path, error.Message));
        Assert.Equal("Fig 2: phases", Load(Yaml("name: a"), null, "description=\"Fig 2: phases\"").Spec.Description);
    }

    [Theory]
    [InlineData("description: [a, b]", "description", "expected a string, got a list")]
    [InlineData("analysis: {advise: {target_accuracy: [0.5, 0.8]}}", "analysis.advise.target_accuracy", "expected a number, got a list")]
    [InlineData("sweep: {seed: [[0, 1]]}", "sweep.seed[0]", "expected an integer, got a list")]
    public void A_list_for_a_field_no_sweep_varies_gets_no_sweep_hint(string line, string path, string message)
    {
        // A sweep refuses labels and analysis keys, and a sweep entry is a list already: no hint to write one.
        var error = Assert.Single(Errors(Yaml("name: a", line)), e => e.Path == path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_alias_whose_name_holds_tab_is_not_told_as_a_tab()
    {
        // The message of an undefined *stable holds the letters "tab"; the file's allowed tab (in a literal block's text)
        // was blamed instead.
        var error = Assert.Single(Errors(Yaml("name: a", "description: |", "  \tx", "seed: *stable")));
        Assert.Equal((4, 7), (error.Line, error.Column));
        Assert.Contains("needs an anchor (&name)", error.Message);
        Assert.DoesNotContain("tab character", error.Message);
    }

    [Fact]
    public void Alias_bomb_is_refused_before_it_is_expanded()
    {
        var lines = new List<string> { "name: a", "x0: &x0 [a, a, a, a, a, a, a, a, a, a]" };
        for (var i = 1; i < 9; i++)
            lines.Add($"x{i}: &x{i} [{string.Join(", ", Enumerable.Repeat($"*x{i - 1}", 10))}]");

        var error = Assert.Single(Errors(Yaml([.. lines])));

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("expands to more than 100000 nodes through aliases", error.Message);
    }

    [Fact]
    public void A_probe_task_name_with_no_task_of_its_kind_says_there_is_none()
    {
        var errors = Errors(Yaml("name: a", "experiment: olmo", "olmo: {preset: 4M}",
            "data: {sources: [{paths: [x.jsonl]}], tasks: [{kind: modular_addition, frequency: 0.001}]}",
            "probes: {das: {task: add_g1}}"));
        var error = Assert.Single(errors, e => e.Path == "probes.das.task");
        Assert.EndsWith("no comparison task named 'add_g1' in data.tasks; it has none of kind comparison: add one", error.Message);   // was "there are: "
    }

    /// <summary>Each task's frequency within (0, 0.125] is not enough: one injection, summed over the tasks, must fit in half a
    /// row (roughly Σ frequency × gap ≤ 1/8). The error names the task keys to lower; a gap so large that the count overflowed
    /// an int ended validate with an OverflowException (exit 1, a stack trace) instead.</summary>
    [Theory]
    [InlineData("[{kind: comparison, frequency: 0.1}, {kind: modular_addition, frequency: 0.1}]", 0,
        "an injection of up to 26 instances puts 7 segments of 4 tokens in a row of 33, more than half of it", "(here 0.2)")]
    [InlineData("[{kind: comparison, frequency: 0.001}, {kind: modular_addition, frequency: 0.01, gap: 100}]", 1,
        "an injection of up to 129 instances puts 33 segments of 4 tokens in a row of 33", "(here 1.001)")]
    [InlineData("[{kind: comparison, frequency: 0.125, gap: 9000000000000000000}]", 0,
        "an injection of up to 144000000000000000000 instances puts 36000000000000000000 segments", "(here 1125000000000000000)")]
    public void An_injection_that_does_not_fit_half_a_row_names_the_task_keys_to_lower(string tasks, int most, string excess, string sum)
    {
        var error = Assert.Single(Errors(Yaml("name: a", "experiment: olmo", "olmo: {preset: 4M}",
            $"data: {{sources: [{{paths: [x.jsonl]}}], packing: {{seq_len: 32, batch_size: 4}}, tasks: {tasks}}}")));
        Assert.Equal("data.tasks", error.Path);
        Assert.StartsWith(excess, error.Message);
        Assert.Contains($"keep the tasks' frequency × gap summed to at most about 1/8 {sum}; " +
            $"lower data.tasks[{most}].frequency or data.tasks[{most}].gap", error.Message);
    }

    /// <summary>The smallest row (seq_len 4, 5 tokens, half of it 2) holds no 4-token segment: one instance said "up to 1 instances
    /// puts 1 segments".</summary>
    [Fact]
    public void One_instance_that_does_not_fit_is_said_as_one()
    {
        var error = Assert.Single(Errors(Yaml("name: a", "experiment: olmo", "olmo: {preset: 4M}",
            "data: {sources: [{paths: [x.jsonl]}], packing: {seq_len: 4, batch_size: 2}, tasks: [{kind: modular_addition, frequency: 0.001}]}")));
        Assert.Equal("data.tasks", error.Path);
        Assert.StartsWith("an injection of up to 1 instance puts 1 segment of 4 tokens in a row of 5, more than half of it (", error.Message);
    }

    [Fact]
    public void A_key_path_indexing_into_a_list_says_lists_are_set_whole()
    {
        var yaml = Yaml("name: a", "experiment: olmo", "olmo: {preset: 4M}",
            "data: {sources: [{paths: [x.jsonl]}], tasks: [{kind: comparison, frequency: 0.001}]}");
        // Before: "unknown key 'tasks[0]'; allowed: sources, tokenizer, packing, tasks", tasks among the allowed.
        var set = Assert.Single(Errors(yaml, null, "data.tasks[0].frequency=0.01"), e => e.Message.Contains("tasks[0]"));
        Assert.Contains("'tasks[0]': a key path cannot index into a list: set the whole 'tasks' list", set.Message);
        var swept = Assert.Single(Errors(yaml + "sweep:\n  data.tasks[0].gap: [10, 20]\n"), e => e.Path == "sweep");
        Assert.Contains("one item's value cannot be swept", swept.Message);
    }

    [Fact]
    public void An_olmo_file_without_its_sections_is_told_both_at_once()
    {
        // Before: the missing data: section only; a second validate, after adding it, found olmo: missing.
        var error = Assert.Single(Errors(Yaml("name: a", "experiment: olmo")));
        Assert.Equal(("experiment", 2), (error.Path, error.Line));
        Assert.Contains("needs a data: section", error.Message);
        Assert.Contains("and an olmo: section", error.Message);
        Assert.DoesNotContain("olmo: section", Assert.Single(Errors(Yaml("name: a", "experiment: olmo", "olmo: {}"))).Message);
    }

    [Fact]
    public void Holding_out_every_document_is_refused()
    {
        // Before: validate said ok, and a source repeated forever (epochs: 0) was read forever at step 0.
        var yaml = Yaml("name: a", "experiment: data", "data: {sources: [{paths: [x.jsonl], epochs: 0}], packing: {held_out_every: 1}}");
        var error = Assert.Single(Errors(yaml), e => e.Path == "data.packing.held_out_every");
        Assert.Contains("1 holds out every document, leaving none to train on", error.Message);
        Assert.Equal(2, Load(yaml.Replace("held_out_every: 1", "held_out_every: 2")).Spec.Data!.Packing.HeldOutEvery);
    }

    [Fact]
    public void A_bad_sweep_key_does_not_hide_a_bad_value_of_another()
    {
        // Before: only the second and third errors; the 'x' came out once they were fixed.
        var errors = Errors(Yaml("name: a", "sweep: {synthetic.width: [8, x], train.lr: 0.01, train.stpes: [1]}"));
        Assert.Equal([(2, 30, "sweep.synthetic.width[1]"), (2, 44, "sweep.train.lr"), (2, 50, "sweep")],
            errors.Select(e => (e.Line, e.Column, e.Path)));
        Assert.Contains("expected an integer, got 'x'", errors[0].Message);
    }

    [Fact]
    public void Every_validation_error_is_collected_in_file_order()
    {
        var errors = Errors(Yaml(
            "name: a",
            "device: tpu",
            "train:",
            "  steps: 0",
            "  lr: 0",
            "analysis:",
            "  plots:",
            "    - {name: p, kind: pie, sql: 'SELECT 1 AS a, 2 AS b', x: a, y: b}"));

        Assert.Equal(
            new[] { (2, 9, "device"), (4, 10, "train.steps"), (5, 7, "train.lr"), (8, 23, "analysis.plots[0].kind") },
            errors.Select(e => (e.Line, e.Column, e.Path)));
    }

    [Fact]
    public void Exception_message_lists_every_error_as_source_line_column()
    {
        var exception = Assert.Throws<Retention.Spec.SpecException>(() => Load(Yaml("name: a", "seed: x")));
        Assert.Equal("test.yaml:2:7: seed: expected an integer, got 'x'", exception.Message);
    }
}
