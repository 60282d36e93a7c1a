// Tests that train run one at a time: LibTorch's intra-op threads spin-wait, so two trainings
// in parallel on a 2-core CI machine are many times slower than the same two in sequence.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
