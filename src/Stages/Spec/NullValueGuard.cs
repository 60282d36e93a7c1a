using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Retention.Spec;

/// <summary>
/// WithEnforceNullability() only covers reference types; for an int, long, double or bool
/// YamlDotNet turns `steps:` (null) into 0 or false without a word. An empty value is almost
/// always an editing slip, so it is rejected like a null string. Registered on top so it sees
/// the node before the built-in null handling.
/// </summary>
internal sealed class NullValueGuard : INodeDeserializer
{
    /// <summary>Marks the exception so BindingErrors reads it as a null where a value is required.</summary>
    public const string Message = "Strict nullability enforcement error: null for a value type";

    public bool Deserialize(
        IParser reader, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer,
        out object? value, ObjectDeserializer rootDeserializer)
    {
        value = null;
        if (expectedType.IsValueType && Nullable.GetUnderlyingType(expectedType) is null
            && reader.Current is Scalar { IsKey: false } scalar && IsNull(scalar))
            throw new YamlException(scalar.Start, scalar.End, Message);
        return false;
    }

    // The YAML core schema's spellings of null, as YamlDotNet's own null handling reads them.
    private static bool IsNull(Scalar scalar) =>
        scalar.Tag.ToString() == "tag:yaml.org,2002:null"
        || scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
}
