namespace Retention.Training;

/// <summary>
/// LibTorch failing to load shows up at the first torch call as a TypeInitializationException of
/// TorchSharp.torch whose message says nothing useful (with no LibTorch found at all: "Value cannot be
/// null. (Parameter 'paths')"). This names the cause and the fix instead.
/// </summary>
public static class TorchLoading
{
    static readonly object Gate = new();

    /// <summary>Loads LibTorch now (once per process), before anything else prints: TorchSharp writes its whole loader
    /// trace to stdout when the load fails, before it throws, and stdout is where the progress and tables go (a script
    /// reading them got 45 lines of trace). Throws what the first torch call would; <see cref="Explain"/> says it.</summary>
    public static void Load()
    {
        lock (Gate)
        {
            var stdout = Console.Out;
            Console.SetOut(TextWriter.Null);
            try { System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(TorchSharp.torch).TypeHandle); }
            finally { Console.SetOut(stdout); }
        }
    }

    /// <summary>What to tell the user when <paramref name="e"/> (or an exception inside it) is LibTorch failing to load; else null.</summary>
    public static string? Explain(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is TypeInitializationException { TypeName: "TorchSharp.torch" } t)
                return $"LibTorch could not be loaded ({Reason(t.InnerException ?? t)}). A build published without LibTorch " +
                       "(-p:LibTorchPackage=none) uses PyTorch's: export LD_LIBRARY_PATH=$(python3 -c \"import torch,os;print(os.path.dirname(torch.__file__))\")/lib " +
                       "(README \"GPU servers\")";
        return null;
    }

    /// <summary>Why it failed, in words: with no LibTorch found at all (a build published without one, run with no
    /// LD_LIBRARY_PATH) TorchSharp passes a null list of paths on, and "Value cannot be null" said nothing.</summary>
    static string Reason(Exception e) => e is ArgumentNullException ? "no LibTorch library was found" : FirstSentence(e);

    /// <summary>TorchSharp's message runs on with its whole loader trace; its first sentence says what was missing.</summary>
    static string FirstSentence(Exception e) => e.Message.Split('\n', 2)[0].Split(". ", 2)[0].Trim().TrimEnd('.');
}
