"""PyTorch reference for `pipeline bench train`: the same OLMo shape, batch, sequence and vocabulary, trained
the way a PyTorch user would (bf16 autocast, fused AdamW, global-norm clipping at 1.0), eager and with
torch.compile, on the same GPU in the same session. Issue 13 compares the trainer with these figures.

    python3 scripts/pytorch-reference.py [--models 20M:16,300M:8,1B:8] [--steps 20] [--compile]

Prints one line per model and mode: parameters (checked against the trainer's count), ms/step, tokens/s and
MFU as `bench train` counts it (6 · parameters · tokens/s over the measured 8192³ bf16 matmul peak).
Needs a CUDA GPU and PyTorch; the project does not depend on it.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# The paper's table, as src/Stages/Models/OlmoConfig.cs: layers, hidden, MLP dim (fused value and gate), heads.
PRESETS = {"4M": (8, 64, 512, 8), "20M": (16, 192, 1536, 8), "300M": (16, 1024, 8192, 16),
           "1B": (16, 2048, 16384, 16), "4B": (16, 4096, 32768, 32)}


def rotary_tables(head_dim, seq, theta=10_000.0):
    inv = 1.0 / theta ** (torch.arange(0, head_dim // 2, dtype=torch.float64) * 2 / head_dim)
    angles = torch.outer(torch.arange(seq, dtype=torch.float64), inv)
    angles = torch.cat([angles, angles], dim=-1)
    return angles.cos().float(), angles.sin().float()


def rotate(x, cos, sin):
    # In float32 (OLMo's rope_full_precision), returned in x's dtype, as the trainer's RotaryEmbedding.
    xf = x.float()
    a, b = xf.chunk(2, dim=-1)
    return (xf * cos + torch.cat([-b, a], dim=-1) * sin).to(x.dtype)


class Block(nn.Module):
    def __init__(self, hidden, mlp, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden, bias=False)
        self.out = nn.Linear(hidden, hidden, bias=False)
        self.ff_proj = nn.Linear(hidden, mlp, bias=False)
        self.ff_out = nn.Linear(mlp // 2, hidden, bias=False)

    def forward(self, x, cos, sin):
        b, t, c = x.shape
        h = F.layer_norm(x, (c,))
        q, k, v = self.qkv(h).view(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(rotate(q, cos, sin), rotate(k, cos, sin), v, is_causal=True)
        x = x + self.out(y.transpose(1, 2).reshape(b, t, c))
        value, gate = self.ff_proj(F.layer_norm(x, (c,))).chunk(2, dim=-1)
        return x + self.ff_out(F.silu(gate) * value)


class Olmo(nn.Module):
    def __init__(self, preset, vocab, seq):
        super().__init__()
        layers, hidden, mlp, heads = PRESETS[preset]
        self.wte = nn.Embedding(vocab, hidden)
        self.blocks = nn.ModuleList(Block(hidden, mlp, heads) for _ in range(layers))
        self.head = nn.Linear(hidden, vocab, bias=False)
        cos, sin = rotary_tables(hidden // heads, seq)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        for p in self.parameters():
            nn.init.normal_(p, 0.0, 0.02)

    def forward(self, tokens):
        x = self.wte(tokens)
        t = tokens.shape[1]
        for block in self.blocks:
            x = block(x, self.cos[:t], self.sin[:t])
        return self.head(F.layer_norm(x, (x.shape[-1],)))


def expected_parameters(preset, vocab):
    layers, h, m, _ = PRESETS[preset]
    return 2 * vocab * h + layers * (4 * h * h + h * m + (m // 2) * h)


def matmul_peak():
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    for _ in range(3):
        a @ b
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(10):
        a @ b
    torch.cuda.synchronize()
    return 10 * 2 * 8192 ** 3 / (time.perf_counter() - start)


def measure(preset, batch, seq, vocab, steps, compiled, peak):
    torch.manual_seed(0)
    model = Olmo(preset, vocab, seq).cuda()
    parameters = sum(p.numel() for p in model.parameters())
    assert parameters == expected_parameters(preset, vocab), (parameters, expected_parameters(preset, vocab))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1, fused=True)
    forward = torch.compile(model) if compiled else model
    tokens = torch.randint(0, vocab, (batch, seq + 1), device="cuda")

    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = forward(tokens[:, :-1])
        loss = F.cross_entropy(logits.float().view(-1, vocab), tokens[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    for _ in range(3):
        step()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / steps
    tokens_per_s = batch * seq / seconds
    memory = torch.cuda.max_memory_allocated() / 2 ** 30
    mode = "torch.compile" if compiled else "eager"
    print(f"PyTorch {torch.__version__} {mode}: {preset} ({parameters:,} parameters), batch {batch} x {seq}: "
          f"{seconds * 1e3:.0f} ms/step, {tokens_per_s:,.0f} tokens/s, MFU {6 * parameters * tokens_per_s / peak:.1%}, "
          f"max allocated {memory:.2f} GiB", flush=True)
    del model, optimizer, forward
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="20M:16,300M:8,1B:8", help="preset:batch, comma-separated")
    parser.add_argument("--seq-len", type=int, default=2048)
    parser.add_argument("--vocab", type=int, default=50304)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--compile", action="store_true", help="also measure each model under torch.compile")
    args = parser.parse_args()
    peak = matmul_peak()
    print(f"{torch.cuda.get_device_name()}: measured bf16 matmul peak {peak / 1e12:.2f} TFLOP/s", flush=True)
    # Every eager figure first: compiling takes minutes, and a lease may end before it does.
    for compiled in ([False, True] if args.compile else [False]):
        for spec in args.models.split(","):
            preset, batch = spec.split(":")
            try:
                measure(preset, int(batch), args.seq_len, args.vocab, args.steps, compiled, peak)
            except Exception as error:  # one model's failure (memory, compiler) should not lose the others' figures
                print(f"!! {preset} {'compiled' if compiled else 'eager'}: {type(error).__name__}: {error}", flush=True)
                torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
