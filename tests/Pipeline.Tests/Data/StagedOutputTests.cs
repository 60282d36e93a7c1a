using Retention.Data.Corpus;

namespace Retention.Tests.Data;

/// <summary>
/// A data command's output folder replaced whole (<see cref="StagedOutput"/>), and what a command killed at each
/// step of the replacement leaves for the next one. A kill is stood in for by a command that stops where it is
/// (no cleanup runs) and whose owner is a process that no longer exists.
/// </summary>
public class StagedOutputTests() : InTempFolder("staged-output-")
{
    /// <summary>No process has this id (Linux ids stay below 2^22): a command that was killed.</summary>
    static readonly StagingNames Killed = new(StagingNames.Current.Host, int.MaxValue);

    sealed class Stop : Exception;

    static bool Owns(string name) => name.StartsWith("part-", StringComparison.Ordinal) || name == "manifest.json";

    string Out => Path.Combine(dir, "tokens");

    /// <summary>An earlier complete output: three parts and a manifest of the command's, and a user's note and folder.</summary>
    Dictionary<string, string> Earlier()
    {
        var files = new Dictionary<string, string>
        {
            ["part-00000.npy"] = "old 0", ["part-00001.npy"] = "old 1", ["part-00002.npy"] = "old 2", ["manifest.json"] = "old manifest",
            ["notes.txt"] = "the user's", [Path.Combine("mine", "keep.txt")] = "the user's folder",
        };
        foreach (var (name, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Out, name))!);
            File.WriteAllText(Path.Combine(Out, name), text);
        }
        return files;
    }

    /// <summary>A new set of one part and a manifest, written into the staging folder.</summary>
    static void WriteNew(StagedOutput staged)
    {
        File.WriteAllText(Path.Combine(staged.Folder, "part-00000.npy"), "new 0");
        File.WriteAllText(Path.Combine(staged.Folder, "manifest.json"), "new manifest");
    }

    static readonly Dictionary<string, string> NewSet = new() { ["part-00000.npy"] = "new 0", ["manifest.json"] = "new manifest" };

    Dictionary<string, string> Contents() => Directory.EnumerateFiles(Out, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(Out, f), File.ReadAllText);

    /// <summary>The folders beside the output: none once every replacement is complete or put right.</summary>
    string[] Beside() => [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Where(n => n != "tokens").OfType<string>()];

    Dictionary<string, string> Expected(Dictionary<string, string> earlier) =>
        new(earlier.Where(p => !Owns(p.Key)).Concat(NewSet));

    [Fact]
    public void A_commit_replaces_the_commands_files_keeps_everything_else_and_says_what_it_removed()
    {
        var earlier = Earlier();
        var log = new List<string>();
        using (var staged = StagedOutput.Begin(Out, Owns, log.Add))
        {
            WriteNew(staged);
            Assert.Equal(earlier, Contents());   // untouched until the set is complete
            staged.Commit();
        }
        Assert.Equal(Expected(earlier), Contents());
        Assert.Empty(Beside());
        Assert.Equal($"removed 2 files of an earlier run from {Out} beyond this run's (part-00001.npy, part-00002.npy)", Assert.Single(log));
    }

    [Fact]
    public void A_first_output_is_the_staging_folder_renamed_and_an_error_before_the_commit_leaves_the_earlier_output_alone()
    {
        using (var staged = StagedOutput.Begin(Out, Owns))
        {
            WriteNew(staged);
            staged.Commit();
        }
        Assert.Equal(NewSet, Contents());

        // An error (a full disk, Ctrl+C) while the next set is written: that set goes, the earlier one stays.
        using (var failed = StagedOutput.Begin(Out, Owns))
            File.WriteAllText(Path.Combine(failed.Folder, "part-00000.npy"), "half");
        Assert.Equal(NewSet, Contents());
        Assert.Empty(Beside());
    }

    [Fact]
    public void A_command_killed_while_writing_leaves_the_earlier_output_whole_and_the_next_one_removes_what_it_wrote()
    {
        var earlier = Earlier();
        var killed = StagedOutput.Begin(Out, Owns, names: Killed);
        File.WriteAllText(Path.Combine(killed.Folder, "part-00000.npy"), "half written");   // and no Commit, no Dispose: killed
        Assert.Equal(earlier, Contents());
        Assert.Equal([$"tokens.partial-{Killed.Host}-{Killed.Pid}"], Beside());

        var log = new List<string>();
        using (var next = StagedOutput.Begin(Out, Owns, log.Add))
        {
            Assert.Equal(earlier, Contents());
            Assert.Contains(log, l => l.StartsWith($"removed {killed.Folder}: the unfinished output of a command that was stopped", StringComparison.Ordinal));
            WriteNew(next);
            next.Commit();
        }
        Assert.Equal(Expected(earlier), Contents());
        Assert.Empty(Beside());
    }

    [Theory]
    [InlineData("aside")]    // the earlier folder renamed aside, nothing else
    [InlineData("listed")]   // and the names to carry back written down
    public void A_command_killed_before_its_new_set_is_in_place_gets_the_earlier_folder_back_whole(string killedAfter)
    {
        var earlier = Earlier();
        var killed = StagedOutput.Begin(Out, Owns, names: Killed);
        WriteNew(killed);
        Assert.Throws<Stop>(() => killed.Commit(step => { if (step == killedAfter) throw new Stop(); }));
        Assert.False(Directory.Exists(Out));   // a reader finds no folder, not a mixed one

        var log = new List<string>();
        using (StagedOutput.Begin(Out, Owns, log.Add)) { }
        Assert.Equal(earlier, Contents());     // every file, the user's and the earlier set's
        Assert.False(File.Exists(Path.Combine(Out, StagedOutput.CarryList)));
        Assert.Empty(Beside());
        Assert.Contains(log, l => l.StartsWith($"restored {Out} from ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("in")]                     // the new set in place, none of the user's files back yet
    [InlineData("carried mine")]           // one of them back
    [InlineData("carried notes.txt")]      // both back, the earlier set not yet deleted
    public void A_command_killed_after_its_new_set_is_in_place_is_finished_by_the_next_one(string killedAfter)
    {
        var earlier = Earlier();
        var killed = StagedOutput.Begin(Out, Owns, names: Killed);
        WriteNew(killed);
        Assert.Throws<Stop>(() => killed.Commit(step => { if (step == killedAfter) throw new Stop(); }));
        // What readers see already: the new set, whole, and none of the earlier one.
        Assert.Equal(NewSet, Contents().Where(p => Owns(p.Key)).ToDictionary());

        var log = new List<string>();
        using (StagedOutput.Begin(Out, Owns, log.Add)) { }
        Assert.Equal(Expected(earlier), Contents());
        Assert.Empty(Beside());
        Assert.Contains(log, l => l.StartsWith($"finished replacing {Out}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_staging_folder_of_a_command_still_running_is_left_alone_and_said()
    {
        Earlier();
        var running = new StagingNames(StagingNames.Current.Host, Environment.ProcessId);   // this test's own process is alive
        var elsewhere = new StagingNames("another-host", int.MaxValue);                        // another machine's processes cannot be seen
        Directory.CreateDirectory(running.Sibling(Out, StagingNames.Partial));
        Directory.CreateDirectory(elsewhere.Sibling(Out, StagingNames.Partial));
        var log = new List<string>();
        using (var staged = StagedOutput.Begin(Out, Owns, log.Add, names: new StagingNames(StagingNames.Current.Host, 1)))
            Assert.Equal(3, Beside().Length);   // theirs and its own
        Assert.Equal(2, log.Count(l => l.StartsWith("left ", StringComparison.Ordinal) && l.Contains("may still be writing")));
        Assert.True(Directory.Exists(running.Sibling(Out, StagingNames.Partial)));
        Assert.True(Directory.Exists(elsewhere.Sibling(Out, StagingNames.Partial)));
    }

    [Fact]
    public void An_output_reached_through_a_link_is_replaced_where_the_link_points_and_the_link_stays()
    {
        var real = Path.Combine(dir, "real");
        Directory.CreateDirectory(real);
        File.WriteAllText(Path.Combine(real, "part-00000.npy"), "old");
        var link = Path.Combine(dir, "linked");
        Directory.CreateSymbolicLink(link, real);
        using (var staged = StagedOutput.Begin(link, Owns))
        {
            Assert.Equal(dir, Path.GetDirectoryName(staged.Folder));
            WriteNew(staged);
            staged.Commit();
        }
        Assert.Equal(real, new DirectoryInfo(link).LinkTarget);
        Assert.Equal("new 0", File.ReadAllText(Path.Combine(link, "part-00000.npy")));
    }

    [Theory]
    [InlineData("aside")]   // the earlier folder aside, the new set not in place
    [InlineData("in")]      // the new set in place, the user's files still aside
    public void A_stopped_swap_under_this_very_process_name_is_put_right_not_left_for_a_writer_that_is_gone(string killedAfter)
    {
        // A container restarted after an OOM kill keeps its host name and numbers its processes alike: the next command
        // has the killed one's name, and no other command of this process is writing there.
        var earlier = Earlier();
        var killed = StagedOutput.Begin(Out, Owns, names: StagingNames.Current);
        WriteNew(killed);
        Assert.Throws<Stop>(() => killed.Commit(step => { if (step == killedAfter) throw new Stop(); }));

        using (var next = StagedOutput.Begin(Out, Owns))
        {
            WriteNew(next);
            next.Commit();
        }
        Assert.Equal(Expected(earlier), Contents());
        Assert.Empty(Beside());
    }

    [SkippableFact]
    public void An_output_that_is_a_mount_point_is_refused_before_any_work()
    {
        // A volume mounted at --out (docker -v vol:/data/tokens): the staging folder beside it lies on another file system,
        // and a mount point cannot be renamed aside (EBUSY), so the swap would fail once every file is written.
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "mounting a file system needs root on Linux");
        Directory.CreateDirectory(Out);
        Skip.IfNot(Run("mount", "-t", "tmpfs", "tmpfs", Out), "tmpfs cannot be mounted here");
        try
        {
            File.WriteAllText(Path.Combine(Out, "part-00000.npy"), "old");
            var e = Assert.Throws<ArgumentException>(() => { using var staged = StagedOutput.Begin(Out, Owns); });
            Assert.Contains("is a mount point", e.Message);
            Assert.Empty(Beside());
            Assert.Equal("old", File.ReadAllText(Path.Combine(Out, "part-00000.npy")));
        }
        finally { Assert.True(Run("umount", Out)); }
    }

    static bool Run(string program, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardError = true });
        p!.WaitForExit();
        return p.ExitCode == 0;
    }

    [Theory]
    [InlineData(StagingNames.Partial)]    // removed meanwhile by another command writing there
    [InlineData(StagingNames.Replaced)]   // finished meanwhile by another command writing there
    public void A_leftover_put_right_meanwhile_by_another_command_is_no_error(string kind)
    {
        // Two commands begin writing the same folder at once and both find what killed ones left: each takes the other's cleanup in its stride.
        var earlier = Earlier();
        string[] leftovers = [.. new[] { int.MaxValue, int.MaxValue - 1 }.Select(pid => new StagingNames(StagingNames.Current.Host, pid).Sibling(Out, kind))];
        foreach (var leftover in leftovers)
        {
            Directory.CreateDirectory(leftover);
            File.WriteAllText(Path.Combine(leftover, "part-00000.npy"), "killed's");
            if (kind == StagingNames.Replaced) File.WriteAllText(Path.Combine(leftover, StagedOutput.CarryList), "");   // killed after its new set was in
        }
        var log = new List<string>();
        void Log(string line)
        {
            log.Add(line);
            foreach (var leftover in leftovers.Where(Directory.Exists)) Directory.Delete(leftover, recursive: true);   // the other command, after this one's first step
        }
        using (var staged = StagedOutput.Begin(Out, Owns, Log))
        {
            WriteNew(staged);
            staged.Commit();
        }
        Assert.Equal(Expected(earlier), Contents());
        Assert.Empty(Beside());
        Assert.DoesNotContain(log, l => l.StartsWith("left ", StringComparison.Ordinal));   // nothing said to look through that is gone
    }

    [Fact]
    public void Commands_removing_the_same_leftover_at_once_all_succeed()
    {
        // Each walks the tree while the others delete in it: a file or folder gone under its feet is theirs to remove, not an error.
        var killed = new StagingNames(StagingNames.Current.Host, int.MaxValue);
        for (var round = 0; round < 5; round++)
        {
            var leftover = killed.Sibling(Out, StagingNames.Partial);
            for (var d = 0; d < 30; d++)
            {
                var sub = Directory.CreateDirectory(Path.Combine(leftover, $"d{d}", "e")).FullName;
                for (var f = 0; f < 20; f++) File.WriteAllText(Path.Combine(sub, $"f{f}"), "x");
            }
            using var start = new Barrier(4);
            var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var commands = Enumerable.Range(1, 4).Select(pid => new Thread(() =>
            {
                start.SignalAndWait();
                try { InterruptedOutputs.Recover(Out, new StagingNames(StagingNames.Current.Host, pid), log: null); }
                catch (Exception e) { errors.Add(e); }
            })).ToList();
            commands.ForEach(c => c.Start());
            commands.ForEach(c => c.Join());
            Assert.Empty(errors);
            Assert.Empty(Beside());
        }
    }

    [SkippableFact]
    public void A_leftover_that_cannot_be_removed_is_still_an_error()
    {
        // Tolerating a folder that vanished must not hide one that stays: a denied delete is reported, the leftover kept.
        Skip.IfNot(OperatingSystem.IsLinux(), "file modes and attributes are Linux's here");
        var leftover = new StagingNames(StagingNames.Current.Host, int.MaxValue).Sibling(Out, StagingNames.Partial);
        var locked = Directory.CreateDirectory(Path.Combine(leftover, "locked")).FullName;
        File.WriteAllText(Path.Combine(locked, "part-00000.npy"), "killed's");
        bool root = Environment.UserName == "root";   // root ignores modes; an immutable folder stops it
        Skip.IfNot(root ? Run("chattr", "+i", locked) : Run("chmod", "555", locked), "the folder cannot be locked here");
        try
        {
            var e = Assert.ThrowsAny<Exception>(() => { using var staged = StagedOutput.Begin(Out, Owns); });
            Assert.True(e is UnauthorizedAccessException or IOException, e.ToString());
            Assert.True(File.Exists(Path.Combine(locked, "part-00000.npy")));
        }
        finally
        {
            Assert.True(root ? Run("chattr", "-i", locked) : Run("chmod", "755", locked));
        }
    }

    [Theory]
    [InlineData("node1", 42)]
    [InlineData("node1.clusterA", 42)]
    [InlineData("node-1.cluster-b.example.org", 7)]
    [InlineData("gpu-12", 345)]                              // a host ending in digits: the pid is the last -[0-9]+
    [InlineData("node1.cluster-2.pidns4026532201", 1)]       // a container's
    public void Staging_folder_names_give_back_their_host_and_pid(string host, int pid)
    {
        var names = new StagingNames(host, pid);
        Directory.CreateDirectory(names.Sibling(Out, StagingNames.Partial));
        Directory.CreateDirectory(names.Sibling(Out, StagingNames.Replaced));
        Directory.CreateDirectory(Out + ".other-" + host + "-" + pid);   // not a staging folder
        Assert.Equal([(StagingNames.Partial, names), (StagingNames.Replaced, names)],
            StagingNames.Beside(Out).Select(s => (s.Kind, s.Owner)).OrderBy(s => s.Kind, StringComparer.Ordinal));
    }

    [Fact]
    public void An_output_that_is_a_file_is_refused()
    {
        File.WriteAllText(Out, "a file");
        var e = Assert.Throws<ArgumentException>(() => StagedOutput.Begin(Out, Owns));
        Assert.Contains("is a file", e.Message);
        Assert.Equal("a file", File.ReadAllText(Out));
    }
}
