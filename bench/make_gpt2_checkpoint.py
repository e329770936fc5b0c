#!/usr/bin/python3
"""Writes a GPT-2-small-shaped Hugging Face folder with random weights, for the benchmarks.

    /usr/bin/python3 bench/make_gpt2_checkpoint.py OUT_FOLDER [--tokenizer DIR] [--seed N]

Needs python3 and numpy only (Debian: apt-get install -y python3-numpy). OUT_FOLDER gets
  config.json         model_type gpt2, 12 layers, 12 heads, n_embd 768, 1024 positions,
                      vocab 50257, layer_norm_epsilon 1e-5, gelu_new
  model.safetensors   float32, every tensor with GPT-2's own name and shape (Conv1D weights
                      stored [in, out]); weights N(0, 0.02), LayerNorm weights 1 and biases 0,
                      other biases 0; numpy's PCG64 seeded with --seed (default 0): the same
                      bytes on every machine
  vocab.json, merges.txt  copied from --tokenizer (default ../shared/data/gpt2-tokenizer
                      beside the repository, i.e. /work/shared/data/gpt2-tokenizer)
The file is about 498 MB (124,439,808 floats + the header). Put the folder in the build tree
or /tmp, never in the repository.
"""
import argparse
import json
import os
import shutil
import struct
import sys

import numpy as np

LAYERS, HEADS, D, POSITIONS, VOCAB = 12, 12, 768, 1024, 50257


def tensor_specs():
    """(name, shape, kind) in GPT-2's own order; kind: normal, ones or zeros."""
    specs = [("wte.weight", (VOCAB, D), "normal"), ("wpe.weight", (POSITIONS, D), "normal")]
    for i in range(LAYERS):
        p = f"h.{i}."
        specs += [
            (p + "ln_1.weight", (D,), "ones"),
            (p + "ln_1.bias", (D,), "zeros"),
            (p + "attn.c_attn.weight", (D, 3 * D), "normal"),
            (p + "attn.c_attn.bias", (3 * D,), "zeros"),
            (p + "attn.c_proj.weight", (D, D), "normal"),
            (p + "attn.c_proj.bias", (D,), "zeros"),
            (p + "ln_2.weight", (D,), "ones"),
            (p + "ln_2.bias", (D,), "zeros"),
            (p + "mlp.c_fc.weight", (D, 4 * D), "normal"),
            (p + "mlp.c_fc.bias", (4 * D,), "zeros"),
            (p + "mlp.c_proj.weight", (4 * D, D), "normal"),
            (p + "mlp.c_proj.bias", (D,), "zeros"),
        ]
    specs += [("ln_f.weight", (D,), "ones"), ("ln_f.bias", (D,), "zeros")]
    return specs


def write_safetensors(path, specs, seed):
    """safetensors: u64 little-endian header length, the JSON header (padded with spaces to a
    multiple of 8), then the tensors' bytes back to back in header order."""
    header, offset = {}, 0
    for name, shape, _ in specs:
        size = int(np.prod(shape)) * 4
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    header["__metadata__"] = {"format": "pt", "made_by": "attnviz bench/make_gpt2_checkpoint.py",
                              "seed": str(seed)}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    rng = np.random.default_rng(seed)
    tmp = path + ".partial"
    with open(tmp, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for name, shape, kind in specs:
            if kind == "normal":
                values = rng.normal(0.0, 0.02, size=shape).astype("<f4")
            elif kind == "ones":
                values = np.ones(shape, dtype="<f4")
            else:
                values = np.zeros(shape, dtype="<f4")
            out.write(values.tobytes(order="C"))
    os.replace(tmp, path)
    return 8 + len(text) + offset


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_tokenizer = os.path.normpath(os.path.join(here, "..", "..", "shared", "data",
                                                      "gpt2-tokenizer"))
    if not os.path.isdir(default_tokenizer):
        default_tokenizer = "/work/shared/data/gpt2-tokenizer"
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="folder to write (made if missing)")
    parser.add_argument("--tokenizer", default=default_tokenizer,
                        help="folder with GPT-2's vocab.json and merges.txt")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    repo = os.path.normpath(os.path.join(here, ".."))
    out = os.path.abspath(args.out)
    inside = os.path.relpath(out, repo)
    if not inside.startswith("..") and not inside.split(os.sep)[0].startswith("build"):
        sys.exit(f"{out}: inside the repository; write the checkpoint into a build folder or /tmp")
    for name in ("vocab.json", "merges.txt"):
        if not os.path.isfile(os.path.join(args.tokenizer, name)):
            sys.exit(f"{args.tokenizer}: no {name} (GPT-2's tokenizer files); pass --tokenizer DIR")

    os.makedirs(out, exist_ok=True)
    config = {
        "model_type": "gpt2", "architectures": ["GPT2Model"],
        "n_layer": LAYERS, "n_head": HEADS, "n_embd": D, "n_positions": POSITIONS,
        "n_ctx": POSITIONS, "vocab_size": VOCAB, "layer_norm_epsilon": 1e-5,
        "activation_function": "gelu_new", "n_inner": None,
        "bos_token_id": 50256, "eos_token_id": 50256, "torch_dtype": "float32",
    }
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    for name in ("vocab.json", "merges.txt"):
        shutil.copyfile(os.path.join(args.tokenizer, name), os.path.join(out, name))
    size = write_safetensors(os.path.join(out, "model.safetensors"), tensor_specs(), args.seed)
    print(f"{out}: model.safetensors {size} bytes ({size / 1e6:.1f} MB), seed {args.seed}")


if __name__ == "__main__":
    main()
