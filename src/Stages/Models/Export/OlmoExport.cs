using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// Exports an <see cref="OlmoModel"/> as a Hugging Face transformers checkpoint directory
/// (<c>model.safetensors</c> + <c>config.json</c>) loadable with
/// <c>transformers.OlmoForCausalLM.from_pretrained(dir)</c> (model_type "olmo").
///
/// Name mapping (ours → transformers' <c>OlmoForCausalLM</c>), per layer N:
/// <list type="bullet">
/// <item><c>wte.weight</c> (V, H) → <c>model.embed_tokens.weight</c></item>
/// <item><c>blocks.N.attn.attnProj.weight</c> (3H, H), rows [q; k; v] → <c>model.layers.N.self_attn.q_proj.weight</c>,
///   <c>…k_proj.weight</c>, <c>…v_proj.weight</c>: rows [0, H), [H, 2H), [2H, 3H) (CausalSelfAttention chunks the
///   output into q, k, v in that order; no GQA, so num_key_value_heads = heads)</item>
/// <item><c>blocks.N.attn.attnOut.weight</c> → <c>model.layers.N.self_attn.o_proj.weight</c></item>
/// <item><c>blocks.N.mlp.ffProj.weight</c> (MlpDim, H), rows [x; gate] → <c>model.layers.N.mlp.up_proj.weight</c> = rows
///   [0, MlpDim/2) and <c>model.layers.N.mlp.gate_proj.weight</c> = rows [MlpDim/2, MlpDim): SwiGluMlp computes
///   silu(gate)·x with (x, gate) = chunk(2), transformers' Olmo/Llama MLP computes
///   down_proj(silu(gate_proj(x)) · up_proj(x))</item>
/// <item><c>blocks.N.mlp.ffOut.weight</c> → <c>model.layers.N.mlp.down_proj.weight</c></item>
/// <item><c>lmHead.weight</c> (V, H) → <c>lm_head.weight</c> (untied: tie_word_embeddings false)</item>
/// <item>Rotary cos/sin buffers are not exported (transformers recomputes them from rope_theta); the layer
///   norms are non-parametric here and in transformers' <c>OlmoLayerNorm</c> (eps 1e-5), so they have no tensors.</item>
/// </list>
/// Sources: transformers <c>src/transformers/models/olmo/convert_olmo_weights_to_hf.py</c> (splits OLMo-1's
/// <c>att_proj</c> into q, k, v by rows with <c>torch.split(…, [dim, kv, kv], dim=0)</c> and
/// <c>up_proj, gate_proj = torch.chunk(ff_proj, 2, dim=0)</c>; <c>attn_out</c> → o_proj, <c>ff_out</c> → down_proj,
/// <c>transformer.ff_out</c> → lm_head, <c>wte</c> → embed_tokens), and <c>modeling_olmo.py</c>/<c>modular_olmo.py</c>
/// (OlmoMLP = LlamaMLP: <c>down_proj(act_fn(gate_proj(x)) * up_proj(x))</c>; rotate-half RoPE like ours).
/// The safetensors header carries <c>__metadata__ {"format": "pt"}</c>, which transformers' loader requires.
/// </summary>
public static class OlmoExport
{
    public const string WeightsFile = "model.safetensors";
    public const string ConfigFile = "config.json";

    /// <summary>Our parameter names mapped to the transformers tensors, in file order (no copies).</summary>
    public static List<KeyValuePair<string, Tensor>> HfTensors(OlmoModel model)
    {
        var c = model.Config;
        var ps = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var used = new HashSet<string>();
        Tensor Take(string name)
        {
            if (!ps.TryGetValue(name, out var t)) throw new InvalidOperationException($"OLMo model has no parameter '{name}'");
            used.Add(name);
            return t;
        }

        long h = c.Hidden, m = c.MlpHidden;
        var list = new List<KeyValuePair<string, Tensor>> { new("model.embed_tokens.weight", Take("wte.weight")) };
        for (int i = 0; i < c.Layers; i++)
        {
            var qkv = Take($"blocks.{i}.attn.attnProj.weight");                  // (3H, H)
            var ff = Take($"blocks.{i}.mlp.ffProj.weight");                       // (MlpDim, H)
            string p = $"model.layers.{i}";
            list.Add(new($"{p}.self_attn.q_proj.weight", qkv.narrow(0, 0, h)));
            list.Add(new($"{p}.self_attn.k_proj.weight", qkv.narrow(0, h, h)));
            list.Add(new($"{p}.self_attn.v_proj.weight", qkv.narrow(0, 2 * h, h)));
            list.Add(new($"{p}.self_attn.o_proj.weight", Take($"blocks.{i}.attn.attnOut.weight")));
            list.Add(new($"{p}.mlp.gate_proj.weight", ff.narrow(0, m, m)));       // second half: gate
            list.Add(new($"{p}.mlp.up_proj.weight", ff.narrow(0, 0, m)));         // first half: x
            list.Add(new($"{p}.mlp.down_proj.weight", Take($"blocks.{i}.mlp.ffOut.weight")));
        }
        list.Add(new("lm_head.weight", Take("lmHead.weight")));
        var unmapped = ps.Keys.Where(k => !used.Contains(k)).ToList();
        if (unmapped.Count > 0) throw new InvalidOperationException($"unmapped OLMo parameters: {string.Join(", ", unmapped)}");
        return list;
    }

    /// <summary>The transformers <c>OlmoConfig</c> for <paramref name="config"/>.</summary>
    public static JsonObject HfConfig(OlmoConfig config, string dtype = "F32") => new()
    {
        ["architectures"] = new JsonArray("OlmoForCausalLM"),
        ["model_type"] = "olmo",
        ["hidden_size"] = config.Hidden,
        ["intermediate_size"] = config.MlpHidden,
        ["num_hidden_layers"] = config.Layers,
        ["num_attention_heads"] = config.Heads,
        ["num_key_value_heads"] = config.Heads,
        ["vocab_size"] = config.VocabSize,
        ["max_position_embeddings"] = config.MaxSeqLen,
        ["rope_theta"] = config.RopeTheta,
        ["rope_scaling"] = null,
        ["tie_word_embeddings"] = false,
        ["clip_qkv"] = null,
        ["attention_bias"] = false,
        ["attention_dropout"] = 0.0,
        ["hidden_act"] = "silu",
        ["initializer_range"] = config.InitStd,
        ["use_cache"] = true,
        ["torch_dtype"] = dtype == "BF16" ? "bfloat16" : "float32",
    };

    /// <summary>Writes <c>model.safetensors</c> (dtype F32 or BF16) and <c>config.json</c> into
    /// <paramref name="dir"/>, each atomically.</summary>
    public static void Write(OlmoModel model, string dir, string dtype = "F32")
    {
        SafetensorsWriter.ElementSize(dtype);  // validates
        Directory.CreateDirectory(dir);
        using (NewDisposeScope())
        using (no_grad())
        {
            SafetensorsWriter.Write(Path.Combine(dir, WeightsFile), HfTensors(model), dtype,
                new Dictionary<string, string> { ["format"] = "pt" });
        }
        var json = HfConfig(model.Config, dtype).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var path = Path.Combine(dir, ConfigFile);
        File.WriteAllText(path + ".tmp", json + "\n");
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
