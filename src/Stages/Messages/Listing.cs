namespace Retention.Messages;

/// <summary>A few items of a list for a message, "a, b, c and 4 more", so a long list does not swamp the line it explains.</summary>
public static class Listing
{
    public static string FirstFew(IEnumerable<string> items, int few = 3)
    {
        var all = items.ToList();
        var shown = string.Join(", ", all.Take(few));
        return all.Count > few ? $"{shown} and {all.Count - few} more" : shown;
    }
}
