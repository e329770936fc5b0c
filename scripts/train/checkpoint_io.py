"""What every trainer in scripts/train shares: fixed seeds, one thread count, and writing a
Hugging Face folder (config.json, model.safetensors) that attnviz's own loader reads.

Only Debian's python3-torch (and python3-sentencepiece for the translator) are used: no
`safetensors` or `transformers` package, so the file format is written here (it is tiny:
an 8-byte little-endian header length, a JSON header, then the tensors back to back).
"""
import json
import os
import random
import struct
import tempfile

import torch

# dtype name in the safetensors header -> torch dtype
_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def fix_seeds(seed, threads=None):
    """Same seed for Python, torch; `threads` (default: ATTNVIZ_TRAIN_THREADS or 2) for torch."""
    random.seed(seed)
    torch.manual_seed(seed)
    if threads is None:
        threads = int(os.environ.get("ATTNVIZ_TRAIN_THREADS", "2"))
    torch.set_num_threads(threads)


def save_safetensors(path, tensors, dtype="F32"):
    """Writes `tensors` (name -> torch.Tensor, in the order given) as one safetensors file,
    each converted to `dtype` (F32, F16 or BF16) and made contiguous. Written to a temporary
    name and renamed, so a crash never leaves half a file."""
    torch_dtype = _DTYPES[dtype]
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        t = tensor.detach().to("cpu", torch_dtype).contiguous()
        data = t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for data in blobs:
            f.write(data)
    os.replace(tmp, path)


def write_json(path, obj):
    """Pretty JSON, UTF-8 kept readable (Chinese stays Chinese), newline at the end."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def add_out_argument(parser, name):
    """--out, the folder a trainer writes model `name` to (see output_folder)."""
    parser.add_argument("--out", help=f"the folder to write (default: resources/models/{name}; "
                                      "with --quick, one under the temporary directory)")


def output_folder(out, name, quick):
    """Where a trainer writes model `name`: `out` when given; for a --quick try (a model that
    has not learnt yet) a folder under the temporary directory, so it never replaces the
    shipped one; else resources/models/NAME."""
    if out:
        return out
    if quick:
        return os.path.join(tempfile.gettempdir(), "attnviz-quick", name)
    return os.path.join("resources", "models", name)
