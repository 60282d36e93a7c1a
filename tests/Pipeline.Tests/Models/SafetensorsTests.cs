using System.Buffers.Binary;
using System.Text.Json;
using Retention.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Tests.Models;

public class SafetensorsTests() : InTempFolder("safetensors-tests-")
{
    static readonly OlmoConfig Tiny = new(Layers: 2, Hidden: 32, MlpDim: 128, Heads: 4, VocabSize: 50, MaxSeqLen: 32);

    static float[] Values(Tensor t) => t.detach().to(float32).cpu().contiguous().data<float>().ToArray();

    static void AssertLayout(string path, SafetensorsReader r)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(r.HeaderLength, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0, 8)));
        Assert.Equal(0UL, (8 + r.HeaderLength) % 8);
        Assert.Equal(bytes.Length, r.DataStart + r.DataLength);
        long next = 0;
        foreach (var e in r.Entries.OrderBy(e => e.Begin))
        {
            Assert.Equal(next, e.Begin);
            next = e.End;
        }
        Assert.Equal(r.DataLength, next);
        // Padding is spaces after the JSON object; the JSON parses with it.
        Assert.Equal(r.HeaderJson.TrimEnd(' ').Length, r.HeaderJson.TrimEnd(' ').LastIndexOf('}') + 1);
    }

    [Theory]
    [InlineData("F32")]
    [InlineData("BF16")]
    public void WriterReaderRoundTrip(string dtype)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("a.weight", randn([3, 5], generator: g)),
            new("b", randn([7], generator: g)),                                    // odd byte count
            new("c.scalarish", randn([1, 1, 2], generator: g)),
            new("d.transposed", randn([4, 6], generator: g).t()),                  // non-contiguous view
        };
        var path = Path.Combine(dir, "x.safetensors");
        SafetensorsWriter.Write(path, tensors, dtype, new Dictionary<string, string> { ["format"] = "pt" });
        Assert.False(File.Exists(path + ".tmp"));

        var r = new SafetensorsReader(path);
        Assert.Equal(tensors.Select(t => t.Key), r.Entries.Select(e => e.Name));
        Assert.Equal("pt", r.Metadata["format"]);
        foreach (var (name, t) in tensors)
        {
            var e = r[name];
            Assert.Equal(dtype, e.Dtype);
            Assert.Equal(t.shape, e.Shape);
            var expected = dtype == "F32" ? Values(t) : Values(t.to(bfloat16));
            Assert.Equal(expected, r.ReadFloats(name));                             // exact
        }
        AssertLayout(path, r);
    }

    [Fact]
    public void HeaderIsPaddedWithSpacesToEightBytes()
    {
        for (int len = 1; len <= 9; len++)
        {
            var header = SafetensorsWriter.BuildHeader([(new string('n', len), [2], 8L)], "F32", null);
            Assert.Equal(0, header.Length % 8);
            using var doc = JsonDocument.Parse(header);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
            Assert.True(header.Reverse().TakeWhile(b => b != (byte)'}').All(b => b == (byte)' '));
        }
    }

    [Fact]
    public void RejectsUnsupportedDtypeAndDuplicateNames()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(dir, "bad.safetensors");
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new("a", zeros(2))], "F16"));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new("a", zeros(2)), new("a", ones(2))]));
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("F32")]
    [InlineData("BF16")]
    public void OlmoExportUsesTransformersNamesAndSplits(string dtype)
    {
        using var scope = NewDisposeScope();
        using var model = new OlmoModel(Tiny, new Generator(11));
        OlmoExport.Write(model, dir, dtype);
        var path = Path.Combine(dir, OlmoExport.WeightsFile);
        var r = new SafetensorsReader(path);
        AssertLayout(path, r);
        Assert.Equal("pt", r.Metadata["format"]);

        long h = Tiny.Hidden, m = Tiny.MlpHidden, v = Tiny.VocabSize;
        var expectedShapes = new Dictionary<string, long[]>
        {
            ["model.embed_tokens.weight"] = [v, h],
            ["lm_head.weight"] = [v, h],
        };
        for (int i = 0; i < Tiny.Layers; i++)
        {
            var p = $"model.layers.{i}";
            expectedShapes[$"{p}.self_attn.q_proj.weight"] = [h, h];
            expectedShapes[$"{p}.self_attn.k_proj.weight"] = [h, h];
            expectedShapes[$"{p}.self_attn.v_proj.weight"] = [h, h];
            expectedShapes[$"{p}.self_attn.o_proj.weight"] = [h, h];
            expectedShapes[$"{p}.mlp.gate_proj.weight"] = [m, h];
            expectedShapes[$"{p}.mlp.up_proj.weight"] = [m, h];
            expectedShapes[$"{p}.mlp.down_proj.weight"] = [h, m];
        }
        Assert.Equal(expectedShapes.Keys.Order(), r.Entries.Select(e => e.Name).Order());
        foreach (var e in r.Entries)
        {
            Assert.Equal(expectedShapes[e.Name], e.Shape);
            Assert.Equal(dtype, e.Dtype);
        }
        Assert.DoesNotContain(r.Entries, e => e.Name.Contains("rotary") || e.Name.Contains("cos") || e.Name.Contains("sin"));
        Assert.Equal(model.CountParameters(), r.Entries.Sum(e => e.Numel));

        var ps = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        float[] Expect(Tensor t) => dtype == "F32" ? Values(t) : Values(t.to(bfloat16));
        Assert.Equal(Expect(ps["wte.weight"]), r.ReadFloats("model.embed_tokens.weight"));
        Assert.Equal(Expect(ps["lmHead.weight"]), r.ReadFloats("lm_head.weight"));
        for (int i = 0; i < Tiny.Layers; i++)
        {
            var p = $"model.layers.{i}";
            var qkv = ps[$"blocks.{i}.attn.attnProj.weight"];
            var ff = ps[$"blocks.{i}.mlp.ffProj.weight"];
            Assert.Equal(Expect(qkv.narrow(0, 0, h)), r.ReadFloats($"{p}.self_attn.q_proj.weight"));
            Assert.Equal(Expect(qkv.narrow(0, h, h)), r.ReadFloats($"{p}.self_attn.k_proj.weight"));
            Assert.Equal(Expect(qkv.narrow(0, 2 * h, h)), r.ReadFloats($"{p}.self_attn.v_proj.weight"));
            Assert.Equal(Expect(ps[$"blocks.{i}.attn.attnOut.weight"]), r.ReadFloats($"{p}.self_attn.o_proj.weight"));
            Assert.Equal(Expect(ff.narrow(0, 0, m)), r.ReadFloats($"{p}.mlp.up_proj.weight"));
            Assert.Equal(Expect(ff.narrow(0, m, m)), r.ReadFloats($"{p}.mlp.gate_proj.weight"));
            Assert.Equal(Expect(ps[$"blocks.{i}.mlp.ffOut.weight"]), r.ReadFloats($"{p}.mlp.down_proj.weight"));
        }
    }

    [Fact]
    public void ExportedMlpMatchesTransformersFormula()
    {
        // down(silu(gate(x)) · up(x)) with the exported tensors equals our SwiGluMlp.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = new OlmoModel(Tiny, new Generator(12));
        OlmoExport.Write(model, dir);
        var r = new SafetensorsReader(Path.Combine(dir, OlmoExport.WeightsFile));
        var x = randn([3, Tiny.Hidden], generator: new Generator(13));                          // (N, H)
        var hf = nn.functional.linear(
            nn.functional.silu(nn.functional.linear(x, r.ReadTensor("model.layers.1.mlp.gate_proj.weight")))
            * nn.functional.linear(x, r.ReadTensor("model.layers.1.mlp.up_proj.weight")),
            r.ReadTensor("model.layers.1.mlp.down_proj.weight"));                                // (N, H)
        var ours = model.Blocks[1].Mlp.call(x);                                                  // (N, H)
        Assert.True(allclose(hf, ours, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void OlmoExportWritesTransformersConfig()
    {
        using var model = new OlmoModel(Tiny, new Generator(14));
        OlmoExport.Write(model, dir, "BF16");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, OlmoExport.ConfigFile)));
        var c = doc.RootElement;
        Assert.Equal("olmo", c.GetProperty("model_type").GetString());
        Assert.Equal("OlmoForCausalLM", c.GetProperty("architectures")[0].GetString());
        Assert.Equal(Tiny.Hidden, c.GetProperty("hidden_size").GetInt32());
        Assert.Equal(Tiny.MlpDim / 2, c.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(Tiny.Layers, c.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(Tiny.Heads, c.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(Tiny.Heads, c.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(Tiny.VocabSize, c.GetProperty("vocab_size").GetInt32());
        Assert.Equal(Tiny.MaxSeqLen, c.GetProperty("max_position_embeddings").GetInt32());
        Assert.Equal(Tiny.RopeTheta, c.GetProperty("rope_theta").GetDouble());
        Assert.False(c.GetProperty("tie_word_embeddings").GetBoolean());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("clip_qkv").ValueKind);
        Assert.False(c.GetProperty("attention_bias").GetBoolean());
        Assert.Equal("silu", c.GetProperty("hidden_act").GetString());
        Assert.Equal("bfloat16", c.GetProperty("torch_dtype").GetString());
        Assert.False(File.Exists(Path.Combine(dir, OlmoExport.ConfigFile + ".tmp")));
    }
}
