using Retention.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Tests.Models;

public class OlmoModelTests
{
    static readonly OlmoConfig Tiny = new(Layers: 2, Hidden: 32, MlpDim: 128, Heads: 4, VocabSize: 50, MaxSeqLen: 32);

    [Theory]
    [InlineData("4M")]
    [InlineData("20M")]
    public void ModuleParameterCountEqualsTheFormula(string name)
    {
        var config = OlmoConfig.Preset(name);
        using var model = new OlmoModel(config);
        Assert.Equal(config.ParameterCount(), model.CountParameters());
    }

    [Fact]
    public void StateDictHoldsOnlyBiasFreeWeights()
    {
        using var model = new OlmoModel(Tiny);
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.DoesNotContain(names, n => n.Contains("bias"));
        // embedding + lm_head + per layer (qkv, out, mlp in, mlp out)
        Assert.Equal(2 + 4 * Tiny.Layers, names.Count);
    }

    [Fact]
    public void ForwardGivesLogitsPerPosition()
    {
        using var scope = NewDisposeScope();
        using var model = new OlmoModel(Tiny, new Generator(1));
        var tokens = randint(Tiny.VocabSize, [3, 7], dtype: int64, generator: new Generator(2));   // (B, T)
        var logits = model.call(tokens);                                                        // (B, T, V)
        Assert.Equal(new long[] { 3, 7, Tiny.VocabSize }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    [Fact]
    public void InitialisationIsNormalWithInitStd()
    {
        using var scope = NewDisposeScope();
        using var model = new OlmoModel(Tiny with { VocabSize = 2000 }, new Generator(3));
        var w = model.named_parameters().First(p => p.name.Contains("wte")).parameter;      // (V, H)
        Assert.InRange(w.std().item<float>(), 0.019, 0.021);
        Assert.InRange(w.mean().item<float>(), -0.001, 0.001);
    }

    [Fact]
    public void ChangingTokenTLeavesEarlierLogitsUnchanged()
    {
        using var scope = NewDisposeScope();
        using var model = new OlmoModel(Tiny, new Generator(4));
        using var _ = no_grad();
        var tokens = randint(Tiny.VocabSize, [2, 10], dtype: int64, generator: new Generator(5));  // (B, T)
        var changed = tokens.clone();
        const int t = 6;
        changed[.., t] = (tokens[.., t] + 1) % Tiny.VocabSize;
        var a = model.call(tokens);                                                             // (B, T, V)
        var b = model.call(changed);                                                            // (B, T, V)
        Assert.True(a.narrow(1, 0, t).allclose(b.narrow(1, 0, t), rtol: 0, atol: 1e-6));
        Assert.False(a.narrow(1, t, 1).allclose(b.narrow(1, t, 1), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void RotaryScoresDependOnlyOnRelativePosition()
    {
        using var scope = NewDisposeScope();
        const int hd = 16, T = 12;
        using var rope = new RotaryEmbedding(hd, maxSeqLen: 32, theta: 10_000);
        var g = new Generator(6);
        // The same q and k vectors at every position: after rotation S[i, j] = q_i · k_j.
        var q = randn([1, 1, 1, hd], generator: g).expand(1, 1, T, hd).contiguous();          // (B, nh, T, hd)
        var k = randn([1, 1, 1, hd], generator: g).expand(1, 1, T, hd).contiguous();          // (B, nh, T, hd)
        var scores = rope.call(q).matmul(rope.call(k).transpose(2, 3))[0, 0];                  // (T, T)
        var s = scores.data<float>().ToArray();
        for (int shift = 1; shift <= 4; shift++)
            for (int i = 0; i + shift < T; i++)
                for (int j = 0; j + shift < T; j++)
                    Assert.Equal(s[i * T + j], s[(i + shift) * T + j + shift], 3);
        // ... and does depend on it (position 0 is unrotated).
        Assert.NotEqual(s[0], s[1], 3);
        Assert.True(rope.call(q)[0, 0, 0].allclose(q[0, 0, 0]));
        // Rotation preserves norms.
        Assert.True(rope.call(q).norm(dim: -1).allclose(q.norm(dim: -1), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void AdamWLearnsARepeatedSequence()
    {
        using var model = new OlmoModel(Tiny, new Generator(7));
        using var optimizer = optim.AdamW(model.parameters(), lr: 3e-3, weight_decay: 0.0);
        using var data = randint(Tiny.VocabSize, [1, 17], dtype: int64, generator: new Generator(8)).expand(4, 17).contiguous();  // (B, T+1)
        var inputs = data.narrow(1, 0, 16);                                                    // (B, T)
        var targets = data.narrow(1, 1, 16);                                                   // (B, T)
        float Step(bool train)
        {
            using var scope = NewDisposeScope();
            var logits = model.call(inputs);                                                   // (B, T, V)
            var loss = nn.functional.cross_entropy(logits.view(-1, Tiny.VocabSize), targets.reshape(-1));
            if (train)
            {
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
            return loss.item<float>();
        }
        float first = Step(train: false);
        Assert.InRange(first, 0.8 * Math.Log(Tiny.VocabSize), 1.2 * Math.Log(Tiny.VocabSize));
        for (int i = 0; i < 30; i++) Step(train: true);
        float last = Step(train: false);
        Assert.True(last < 0.5 * first, $"loss {first} → {last}");
    }
}

public class OlmoStateDictTests
{
    [Fact]
    public void StateDictIsTheBiasFreeWeightsAndTheRotaryTables()
    {
        using var model = new OlmoModel(new OlmoConfig(Layers: 1, Hidden: 16, MlpDim: 64, Heads: 2, VocabSize: 20, MaxSeqLen: 8));
        var keys = model.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["blocks.0.attn.attnOut.weight", "blocks.0.attn.attnProj.weight", "blocks.0.attn.rotary.cos",
             "blocks.0.attn.rotary.sin", "blocks.0.mlp.ffOut.weight", "blocks.0.mlp.ffProj.weight",
             "lmHead.weight", "wte.weight"],
            keys);
        Assert.Equal(new long[] { 8, 8 }, model.state_dict()["blocks.0.attn.rotary.cos"].shape);   // (MaxSeqLen, hd)
    }

    [SkippableFact]
    public void MovesToCudaWithItsRotaryTables()
    {
        Skip.IfNot(cuda.is_available(), "needs CUDA: checked on the GPU machine only");
        using var scope = NewDisposeScope();
        using var model = new OlmoModel(new OlmoConfig(Layers: 1, Hidden: 16, MlpDim: 64, Heads: 2, VocabSize: 20, MaxSeqLen: 8));
        var tokens = randint(20, [2, 8], dtype: int64);                                            // (B, T)
        var expected = model.call(tokens);                                                         // (B, T, V)
        model.to(CUDA);
        Assert.All(model.state_dict().Values, t => Assert.Equal(DeviceType.CUDA, t.device_type));
        var logits = model.call(tokens.to(CUDA));                                                  // (B, T, V)
        Assert.True(logits.cpu().allclose(expected, rtol: 1e-3, atol: 1e-4));
    }
}
