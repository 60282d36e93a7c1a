using System.Collections;
using System.Reflection;

namespace Retention.Tests.Spec;

/// <summary>
/// Structural equality for spec records. Record == compares collection properties by reference
/// (two loads never share a list), so it cannot tell whether a round trip preserved a spec.
/// </summary>
internal static class SpecAssert
{
    public static void Equivalent(object? expected, object? actual, string path = "spec")
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }

        var type = expected.GetType();
        if (expected is string || type.IsPrimitive || type.IsEnum)
        {
            Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
            return;
        }

        if (expected is IEnumerable expectedItems)
        {
            var e = expectedItems.Cast<object?>().ToList();
            var a = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
            Assert.True(e.Count == a.Count, $"{path}: expected {e.Count} items, got {a.Count}");
            for (var i = 0; i < e.Count; i++) Equivalent(e[i], a[i], $"{path}[{i}]");
            return;
        }

        Assert.Equal(type, actual.GetType());
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            Equivalent(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
    }
}
