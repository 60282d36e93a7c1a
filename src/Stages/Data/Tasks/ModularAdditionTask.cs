using System.Collections.Immutable;

namespace Retention.Data;

/// <summary>
/// T_ADD: instances (a, b) with a, b in Z_p and label (a + b) mod p, the residue written as item
/// token c (so the task uses p tokens in all). The instance space is the p² ordered pairs; 10K
/// instances need p ≥ 101 (101² = 10,201; 97² = 9,409 is too few). Default p = 113 (12,769 pairs,
/// the modulus of the grokking literature whose Fourier-mode solutions the paper's probes look for).
/// </summary>
public sealed record ModularAdditionTask(string Name, int Seed, ImmutableArray<TaskInstance> Instances, int TrainCount, int Modulus)
    : InjectedTask(Name, Seed, Instances, TrainCount)
{
    public const string KindName = "modular_addition";
    public const int DefaultModulus = 113;
    private const long KindTag = 2;

    public override int ItemCount => Modulus;
    public override int LabelCount => Modulus;
    public override bool LabelsAreItems => true;

    public static ModularAdditionTask Create(int modulus, int instances, int train, int seed, string name = "add")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(modulus, 2);
        var chosen = SampleSpace((long)modulus * modulus, instances, train, seed, KindTag);
        var list = ImmutableArray.CreateBuilder<TaskInstance>(instances);
        for (int id = 0; id < chosen.Length; id++)
        {
            int a = (int)(chosen[id] / modulus), b = (int)(chosen[id] % modulus);
            list.Add(new TaskInstance(id, a, b, (a + b) % modulus));
        }
        return new ModularAdditionTask(name, seed, list.MoveToImmutable(), train, modulus);
    }
}
