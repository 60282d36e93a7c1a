using Retention.Artifacts;

namespace Retention.Tests.Artifacts;

/// <summary>
/// A failed command removes the output folders it made, and only those: `--output a/b/c` with none of them there made three
/// folders, and removing only c left a/b behind, empty; a folder that was there before, or one written to meanwhile, stays.
/// </summary>
public sealed class EmptyFolderTests() : InTempFolder("empty-folder-")
{
    [Fact]
    public void The_folders_a_command_made_are_removed_up_to_the_first_it_made_and_no_further()
    {
        var output = Path.Combine(dir, "a", "b", "c");
        var made = EmptyFolder.FirstMissing(output);
        Assert.Equal(Path.Combine(dir, "a"), made);
        Directory.CreateDirectory(output);
        EmptyFolder.RemoveIfEmpty(output, made);
        Assert.False(Directory.Exists(Path.Combine(dir, "a")));
        Assert.True(Directory.Exists(dir));   // there before: stays, empty as it is
    }

    [Fact]
    public void A_folder_that_was_there_before_or_was_written_to_meanwhile_stays_and_so_do_those_above_it()
    {
        var kept = Directory.CreateDirectory(Path.Combine(dir, "kept")).FullName;
        var output = Path.Combine(kept, "x", "y", "z");
        var made = EmptyFolder.FirstMissing(output + Path.DirectorySeparatorChar);
        Assert.Equal(Path.Combine(kept, "x"), made);
        Directory.CreateDirectory(output);
        EmptyFolder.RemoveIfEmpty(output, made);
        Assert.True(Directory.Exists(kept));
        Assert.False(Directory.Exists(made));

        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(kept, "x", "other.txt"), "another process's");
        EmptyFolder.RemoveIfEmpty(output, made);
        Assert.False(Directory.Exists(Path.Combine(kept, "x", "y")));
        Assert.Equal("another process's", File.ReadAllText(Path.Combine(kept, "x", "other.txt")));

        Assert.Null(EmptyFolder.FirstMissing(kept));   // nothing to make: nothing a failure may remove
        EmptyFolder.RemoveIfEmpty(Path.Combine(dir, "elsewhere"), made);   // not under the first made: left alone
        Assert.True(Directory.Exists(kept));
    }
}
