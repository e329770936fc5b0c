#!/usr/bin/python3
"""attnviz against PyTorch's eager GPT-2 forward, on the same checkpoint, tokens and threads.

    apt-get install -y python3-torch python3-numpy   # Debian 12; this script only, never the app
    /usr/bin/python3 bench/make_gpt2_checkpoint.py /tmp/attnviz-bench-gpt2
    /usr/bin/python3 bench/compare_pytorch.py --model /tmp/attnviz-bench-gpt2 --build build-core
    (options: --threads N, --rounds R, --repeats K, --tokens 128,512,1024, --pytorch-defaults)

Use Debian's /usr/bin/python3 (where python3-torch lives), not a pyenv or venv python.
PyTorch's speed depends on its BLAS: Debian's python3-torch takes whatever libblas.so.3 the
alternatives system points at; the script prints which one it loaded. libtorch recommends
libopenblas0 (apt-get install -y libopenblas0); without it, the reference BLAS is many times
slower and the comparison flatters attnviz.

In one run it:
  1. measures the peak memory of loading the checkpoint with attnviz (bench_load_peak, in a
     process of its own: VmHWM / file size);
  2. starts attnviz's bench_model_forward --serve on the folder (it loads the model once and
     prints its load time and its OpenMP threads, N);
  3. builds a minimal eager GPT-2 in PyTorch (below: exactly Hugging Face's GPT2Model
     computation with output_attentions=True, no LM head since attnviz's run() computes no
     logits either), loads the same safetensors with numpy, torch.set_num_threads(N);
  4. for --rounds rounds, for 128, 512 and 1024 tokens, times --repeats runs of attnviz's
     run() (every layer's and head's scores and weights kept) and then --repeats runs of the
     PyTorch forward in torch.inference_mode() on the same token ids, each after a warm-up run,
     alternating so that a change in the machine's load hits both alike; the figure is the
     median of every timed run;
  5. checks that both give the same attention weights at 128 tokens for layer 0 head 0 and the
     last layer's last head (max abs difference, expected < 1e-4);
  6. prints a table: tokens, attnviz ms, PyTorch ms, ratio.
"""
import argparse
import json
import math
import os
import platform
import statistics
import struct
import subprocess
import sys
import tempfile
import time

# Give PyTorch the same footing as attnviz before torch is imported (read at library load):
# - glibc keeps freed memory for reuse, as attn::keep_freed_memory_for_reuse() does for
#   attnviz; without it every large tensor is a fresh mmap that is page-faulted in, which on
#   this machine made PyTorch's forward about 3× slower at 1024 tokens;
# - OpenBLAS picks its kernels for this CPU: an inherited OPENBLAS_CORETYPE (Haswell: AVX2)
#   is dropped, so it detects AVX-512 itself (Cooperlake here, 1.5× faster matrix products).
# - OpenBLAS uses the same number of threads as the comparison: torch.set_num_threads(N) does
#   not reach Debian's OpenBLAS, whose own pool takes every core (the "one thread" PyTorch
#   figures of an earlier version of this script used two cores), so OPENBLAS_NUM_THREADS is
#   set from --threads (or OMP_NUM_THREADS) before OpenBLAS starts.
# --pytorch-defaults keeps the environment as it is.
FAIR_ENV = {"MALLOC_MMAP_THRESHOLD_": str(32 << 20), "MALLOC_TRIM_THRESHOLD_": str(4 << 30),
            "MALLOC_TOP_PAD_": str(1 << 30)}


def threads_asked():
    """--threads N (or --threads=N) from the command line, else OMP_NUM_THREADS, else None."""
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return os.environ.get("OMP_NUM_THREADS")


if "--pytorch-defaults" not in sys.argv and os.environ.get("ATTN_COMPARE_ENV") != "1":
    env = dict(os.environ, ATTN_COMPARE_ENV="1", **FAIR_ENV)
    env.pop("OPENBLAS_CORETYPE", None)
    if threads_asked() not in (None, "", "0"):
        env["OPENBLAS_NUM_THREADS"] = threads_asked()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import numpy as np
import torch
from torch import nn


# ---------------------------------------------------------------- the eager PyTorch GPT-2
class Conv1D(nn.Module):
    """GPT-2's linear layer: weight stored [in, out], y = addmm(b, x, W)."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.empty(n_out))

    def forward(self, x):
        shape = x.size()[:-1] + (self.weight.size(1),)
        return torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight).view(shape)


class Attention(nn.Module):
    def __init__(self, d, heads, positions):
        super().__init__()
        self.heads, self.d_head = heads, d // heads
        self.c_attn, self.c_proj = Conv1D(d, 3 * d), Conv1D(d, d)
        causal = torch.tril(torch.ones(positions, positions, dtype=torch.bool))
        self.register_buffer("bias", causal.view(1, 1, positions, positions), persistent=False)

    def split(self, x):  # b × n × d → b × h × n × d_head
        return x.view(x.size()[:-1] + (self.heads, self.d_head)).permute(0, 2, 1, 3)

    def forward(self, x):
        q, k, v = self.c_attn(x).split(self.heads * self.d_head, dim=2)
        q, k, v = self.split(q), self.split(k), self.split(v)
        # Hugging Face GPT2Attention._attn (eager), with output_attentions=True.
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype)
        n = q.size(-2)
        mask = self.bias[:, :, :n, :n]
        w = torch.where(mask, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        w = nn.functional.softmax(w, dim=-1)
        out = torch.matmul(w, v).permute(0, 2, 1, 3).contiguous()
        out = out.view(out.size()[:-2] + (self.heads * self.d_head,))
        return self.c_proj(out), w


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Block(nn.Module):
    def __init__(self, d, heads, positions, eps):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d, eps=eps)
        self.attn = Attention(d, heads, positions)
        self.ln_2 = nn.LayerNorm(d, eps=eps)
        self.mlp = nn.Module()
        self.mlp.c_fc, self.mlp.c_proj = Conv1D(d, 4 * d), Conv1D(4 * d, d)

    def forward(self, x):
        a, weights = self.attn(self.ln_1(x))
        x = x + a
        x = x + self.mlp.c_proj(gelu_new(self.mlp.c_fc(self.ln_2(x))))
        return x, weights


class GPT2(nn.Module):
    """GPT2Model: returns the final hidden states (after ln_f) and every layer's attentions."""

    def __init__(self, c):
        super().__init__()
        d = c["n_embd"]
        self.wte = nn.Embedding(c["vocab_size"], d)
        self.wpe = nn.Embedding(c["n_positions"], d)
        self.h = nn.ModuleList(Block(d, c["n_head"], c["n_positions"], c["layer_norm_epsilon"])
                               for _ in range(c["n_layer"]))
        self.ln_f = nn.LayerNorm(d, eps=c["layer_norm_epsilon"])

    def forward(self, ids):  # ids: 1 × n
        positions = torch.arange(ids.size(-1), dtype=torch.long).unsqueeze(0)
        x = self.wte(ids) + self.wpe(positions)
        attentions = []
        for block in self.h:
            x, weights = block(x)
            attentions.append(weights)
        return self.ln_f(x), tuple(attentions)


def read_safetensors(path):
    """name → float32 numpy array (F32 files only, as make_gpt2_checkpoint.py writes)."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + length)
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        if t["dtype"] != "F32":
            sys.exit(f"{path}: {name} is {t['dtype']}; this script reads F32 checkpoints")
        begin, end = t["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(t["shape"])
    return out


def load_torch_gpt2(folder):
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model = GPT2(config).eval()
    tensors = read_safetensors(os.path.join(folder, "model.safetensors"))
    state = {k[len("transformer."):] if k.startswith("transformer.") else k: torch.from_numpy(v.copy())
             for k, v in tensors.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing:
        sys.exit(f"{folder}: tensors missing for the PyTorch model: {missing}")
    return model, config


# ---------------------------------------------------------------- helpers
def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loaded_blas():
    """The BLAS shared libraries this process mapped (PyTorch's matrix products use them)."""
    found = set()
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if any(s in path for s in ("blas", "mkl", "blis", "atlas")):
                    found.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(found) or ["none found"]


def find_binary(build, name):
    for candidate in (os.path.join(build, "bench", name), os.path.join(build, name)):
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    sys.exit(f"{build}: no bench/{name}; build it: cmake --build {build} --target {name}")


def load_npy(path):
    return np.load(path, allow_pickle=False)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=os.environ.get("ATTN_BENCH_GPT2", "/tmp/attnviz-bench-gpt2"),
                        help="folder made by make_gpt2_checkpoint.py (default $ATTN_BENCH_GPT2)")
    parser.add_argument("--build", default=os.path.join(here, "..", "build-core"),
                        help="build tree holding bench/bench_model_forward and bench_load_peak")
    parser.add_argument("--tokens", default="128,512,1024")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per size and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0,
                        help="threads for both (default: the OpenMP threads attnviz uses)")
    parser.add_argument("--pytorch-defaults", action="store_true",
                        help="keep the environment (no allocator tuning, OPENBLAS_CORETYPE kept)")
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.model, "model.safetensors")):
        sys.exit(f"{args.model}: no model.safetensors; make it with "
                 f"/usr/bin/python3 bench/make_gpt2_checkpoint.py {args.model}")
    counts = [int(t) for t in args.tokens.split(",")]
    forward_bin = find_binary(args.build, "bench_model_forward")
    peak_bin = find_binary(args.build, "bench_load_peak")
    env = dict(os.environ)
    if args.threads > 0:
        env["OMP_NUM_THREADS"] = str(args.threads)

    # 1. Peak memory of loading, in a process of its own.
    peak = subprocess.run([peak_bin, args.model], env=env, capture_output=True, text=True)
    if peak.returncode != 0:
        sys.exit(f"bench_load_peak failed: {peak.stderr.strip()}")
    fields = peak.stdout.split()
    memory = dict(zip(fields[0::2], fields[1::2]))
    alone = subprocess.run([peak_bin, args.model, "--tokenizer-only"], env=env,
                           capture_output=True, text=True)
    if alone.returncode != 0:
        sys.exit(f"bench_load_peak --tokenizer-only failed: {alone.stderr.strip()}")
    fields = alone.stdout.split()
    memory.update(zip(fields[0::2], fields[1::2]))

    # 2. attnviz, serving timing requests with the model loaded once.
    dump = tempfile.mkdtemp(prefix="attnviz-compare-")
    server = subprocess.Popen([forward_bin, args.model, "--serve", "--dump", dump,
                               "--dump-tokens", str(counts[0])],
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def answer():
        line = server.stdout.readline()
        if not line:
            sys.exit("bench_model_forward stopped (see its message above)")
        return line.split()

    load_ms = float(answer()[1])
    threads = int(answer()[1])

    def attnviz_runs(n, repeats):
        server.stdin.write(f"{n} {repeats}\n")
        server.stdin.flush()
        reply = answer()
        if reply[0] != "tokens":
            sys.exit("bench_model_forward: " + " ".join(reply))
        return int(reply[1]), [float(t) for t in reply[reply.index("runs") + 1].split(",")]

    # 3. The PyTorch model, same threads.
    torch.set_num_threads(threads)
    started = time.perf_counter()
    model, config = load_torch_gpt2(args.model)
    torch_load_ms = (time.perf_counter() - started) * 1000

    def torch_runs(ids, repeats):
        times = []
        with torch.inference_mode():
            for r in range(repeats + 1):  # the first run warms up
                started = time.perf_counter()
                out = model(ids)
                elapsed = (time.perf_counter() - started) * 1000
                if r > 0:
                    times.append(elapsed)
                del out
        return times

    # 4. Alternate attnviz and PyTorch on the same ids.
    results = {n: {"attnviz": [], "torch": [], "tokens": 0} for n in counts}
    for round_index in range(args.rounds):
        for n in counts:
            tokens, times = attnviz_runs(n, args.repeats)
            ids = torch.from_numpy(load_npy(os.path.join(dump, f"ids_{n}.npy")).astype(np.int64))
            results[n]["tokens"] = tokens
            results[n]["attnviz"] += times
            results[n]["torch"] += torch_runs(ids.unsqueeze(0), args.repeats)
            print(f"round {round_index + 1}/{args.rounds}, {tokens} tokens: attnviz "
                  f"{statistics.median(times):.1f} ms, PyTorch "
                  f"{statistics.median(results[n]['torch'][-args.repeats:]):.1f} ms", flush=True)
    server.stdin.close()
    server.wait()

    # 5. The same weights?
    n0 = counts[0]
    ids = torch.from_numpy(load_npy(os.path.join(dump, f"ids_{n0}.npy")).astype(np.int64))
    with torch.inference_mode():
        _, attentions = model(ids.unsqueeze(0))
    checks = []
    for which, layer, head in (("first", 0, 0), ("last", len(attentions) - 1,
                                                 attentions[-1].size(1) - 1)):
        ours = load_npy(os.path.join(dump, f"attn_{n0}_{which}.npy"))
        theirs = attentions[layer][0, head].numpy()
        checks.append((layer, head, float(np.max(np.abs(ours - theirs)))))

    # 6. Report.
    print()
    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical CPUs; threads: {threads} for both "
          f"(attnviz: OpenMP omp_get_max_threads(); PyTorch: torch.set_num_threads({threads}))")
    print(f"PyTorch {torch.__version__} eager, BLAS loaded: {', '.join(loaded_blas())}")
    if args.pytorch_defaults:
        print("environment as inherited (--pytorch-defaults): OPENBLAS_CORETYPE="
              f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, no MALLOC_ tuning")
    else:
        print("environment for both: " + " ".join(f"{k}={v}" for k, v in FAIR_ENV.items()) +
              ", OPENBLAS_CORETYPE unset (OpenBLAS detects the CPU)")
    print(f"checkpoint: {args.model}, {int(memory['file_bytes']) / 1e6:.1f} MB float32")
    print()
    print("| tokens | attnviz run() ms | PyTorch eager ms | attnviz / PyTorch |")
    print("|---:|---:|---:|---:|")
    for n in counts:
        a = statistics.median(results[n]["attnviz"])
        t = statistics.median(results[n]["torch"])
        print(f"| {results[n]['tokens']} | {a:.1f} | {t:.1f} | {a / t:.2f} |")
    print(f"(medians of {args.rounds} rounds × {args.repeats} runs, alternating attnviz and "
          "PyTorch; both return every layer's and head's attention weights)")
    print()
    for layer, head, diff in checks:
        verdict = "ok" if diff < 1e-4 else "DIFFERENT"
        print(f"weights at {n0} tokens, layer {layer} head {head}: max |attnviz − PyTorch| = "
              f"{diff:.2e} ({verdict})")
    hwm = int(memory["hwm_kb"]) * 1024
    print(f"load: attnviz {load_ms:.0f} ms (PyTorch script's numpy → torch load "
          f"{torch_load_ms:.0f} ms, for reference)")
    print(f"load peak memory: VmHWM {hwm / 1e6:.1f} MB for a {int(memory['file_bytes']) / 1e6:.1f} MB "
          f"file = {float(memory['ratio']):.3f} × the file size (resident after loading: "
          f"{int(memory['rss_kb']) * 1024 / 1e6:.1f} MB)")
    tokenizer = (int(memory["tokenizer_rss_kb"]) - int(memory["rss_before_kb"])) * 1024
    print(f"  of which: float32 weights {int(memory['weight_bytes']) / 1e6:.1f} MB, the tokenizer "
          f"{tokenizer / 1e6:.1f} MB (loaded alone), the process before loading "
          f"{int(memory['hwm_before_kb']) * 1024 / 1e6:.1f} MB, the rest (peak − those) "
          f"{(hwm - int(memory['weight_bytes']) - tokenizer - int(memory['hwm_before_kb']) * 1024) / 1e6:.1f} MB")
    for name in os.listdir(dump):
        os.remove(os.path.join(dump, name))
    os.rmdir(dump)
    return 0 if all(diff < 1e-4 for _, _, diff in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
