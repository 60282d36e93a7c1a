using System.Collections.ObjectModel;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Retention.Spec;

/// <summary>
/// Binds IReadOnlyList&lt;T&gt; and IReadOnlyDictionary&lt;string, T&gt;, which YamlDotNet 18
/// cannot create on its own ("No node deserializer was able to deserialize the node"). It binds
/// the node as a List / OrderedDictionary through the normal pipeline (so positions, nested
/// records and errors behave as usual) and wraps the result read-only, so a loaded spec cannot be
/// mutated through a cast. OrderedDictionary keeps the sweep in the order it was written.
/// Registered after the built-in deserializers, so nulls are still handled (and rejected) by them.
/// </summary>
internal sealed class ReadOnlyCollectionDeserializer : INodeDeserializer
{
    public bool Deserialize(
        IParser reader, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer,
        out object? value, ObjectDeserializer rootDeserializer)
    {
        value = null;
        if (!expectedType.IsGenericType) return false;
        var definition = expectedType.GetGenericTypeDefinition();
        var args = expectedType.GetGenericArguments();

        if (definition == typeof(IReadOnlyList<>))
        {
            var list = nestedObjectDeserializer(reader, typeof(List<>).MakeGenericType(args));
            value = list is null ? null : Wrap(typeof(ReadOnlyCollection<>).MakeGenericType(args), list);
            return true;
        }

        if (definition == typeof(IReadOnlyDictionary<,>))
        {
            var dictionary = nestedObjectDeserializer(reader, typeof(OrderedDictionary<,>).MakeGenericType(args));
            value = dictionary is null ? null : Wrap(typeof(ReadOnlyDictionary<,>).MakeGenericType(args), dictionary);
            return true;
        }

        return false;
    }

    private static object Wrap(Type readOnlyType, object inner) => Activator.CreateInstance(readOnlyType, inner)!;
}
