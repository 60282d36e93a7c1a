namespace Retention.Spec;

/// <summary>One swept key as swept.arrow gives it: its short name (the column), its values as written, and the CLR type
/// of the field it sweeps (int, long, double, bool or string), which types the column whatever literal the sweep wrote
/// (train.lr: [1, 2] is still DOUBLE). Null where no field is known (a key given by hand): typed by its values.
/// <paramref name="Path"/> is the field's dotted path (synthetic.rare.gap), null where not known.</summary>
public sealed record SweptKey(string Key, IReadOnlyList<string> Values, Type? Declared = null, string? Path = null);
