#!/usr/bin/python3
"""Trains gpt2-induction, the GPT-2-layout decoder attnviz ships to show induction heads.

    /usr/bin/python3 scripts/train/train_gpt2_induction.py [--out resources/models/gpt2-induction]
                                                           [--steps N] [--quick]

What it learns, and why: the training text is built from a word lexicon in two kinds of
sequence, both with repeated spans: simple story sentences from a template grammar in which a
sentence comes back later in the same text, and random word sequences repeated (a random span
can only be predicted the second time, by copying what followed its first occurrence). The
cheapest way for a 2-layer transformer to predict a repeated span is the induction circuit of
Olsson et al. (2022): a layer-0 head that copies the previous token into each position, and a
layer-1 head that looks for the token after an earlier occurrence of the current token.

It then measures, on sequences it never trained on (fresh random draws, other seeds):
  - the previous-token head: mean weight from token i to token i-1 over ordinary story text
    (threshold 0.8);
  - the induction head: on a random word sequence repeated twice, mean weight from each
    second-half token to the token after its earlier occurrence (threshold 0.5);
picks the best head of each kind, and writes the Hugging Face folder attnviz loads:
config.json (model_type gpt2), model.safetensors (GPT-2's own names, Conv1D weights [in, out]),
vocab.json + merges.txt (a byte-level BPE trained here so that every lexicon word, with and
without its leading space, is one token), attnviz.json (title, focus, example, figures) and
README.md (the model card). Exits 1 if a threshold is missed.

Needs only Debian's python3-torch (no transformers, no safetensors package).

Status (work in progress, not shipped yet): the model written here matches attnviz's GPT-2
computation (attention weights equal to 3e-7) and the tokenizer gives one token a word, but in
runs of up to 3,500 steps (about 7 million tokens) the induction head has not formed yet (the
held-out probe stays near 0.02; previous-token about 0.15). With the repeat at a fixed distance
the loss on second copies falls within 600 steps, but through a positional shortcut, not
induction. Next: many more steps (tens of millions of tokens), or a smaller vocabulary.
"""
import argparse
import json
import os
import random
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checkpoint_io import fix_seeds, save_safetensors, write_json  # noqa: E402

SEED = 1234
N_LAYER, N_HEAD, N_EMBD, N_POSITIONS = 2, 4, 64, 256
SEQ_LEN = 64
PREV_TOKEN_THRESHOLD = 0.8
INDUCTION_THRESHOLD = 0.5
EXAMPLE = ("Once upon a time there was a little dog named Max who loved the sea. "
           "Once upon a time there was a little dog named Max who loved the sea.")

# ---------------------------------------------------------------------------------------------
# The lexicon and the text generator.

NAMES = ["Max", "Lily", "Tom", "Mia", "Ben", "Sue", "Sam", "Anna", "Leo", "Kim", "Bob", "Eva"]
ANIMALS = ["dog", "cat", "bird", "fish", "fox", "bear", "frog", "duck", "horse", "rabbit",
           "mouse", "lion", "owl", "pig", "cow", "sheep"]
ADJECTIVES = ["little", "big", "happy", "sad", "old", "young", "red", "blue", "green", "small",
              "kind", "brave", "shy", "funny", "quiet", "fast", "slow", "tall", "warm", "cold"]
PLACES = ["the sea", "the park", "the forest", "the river", "the garden", "the house",
          "the town", "the hill", "the farm", "the lake", "the beach", "the school"]
THINGS = ["ball", "book", "cake", "kite", "hat", "box", "toy", "apple", "flower", "boat",
          "drum", "car", "tree", "star", "cup", "shoe"]
VERBS = ["loved", "liked", "saw", "found", "wanted", "had", "made", "lost", "took", "gave"]
EXTRA = ("once upon a time there was who one day went to and the a he she it they was were "
         "with in on at of for but so then very many all play played run ran jump jumped look "
         "looked sing sang eat ate day night sun moon rain snow friend friends home mom dad "
         "sister brother good bad new fun sky water food little named said yes no").split()


def lexicon():
    """Every word the tokenizer keeps whole (with and without its leading space)."""
    words = set(NAMES + ANIMALS + ADJECTIVES + THINGS + VERBS + EXTRA)
    for place in PLACES:
        words.update(place.split())
    words.update(w.capitalize() for w in EXTRA)
    return sorted(words)


def story_sentence(rng):
    """One sentence of a tiny story, e.g. 'Once upon a time there was a little dog named Max
    who loved the sea.'"""
    name, animal, adjective = rng.choice(NAMES), rng.choice(ANIMALS), rng.choice(ADJECTIVES)
    templates = [
        f"Once upon a time there was a {adjective} {animal} named {name} who "
        f"{rng.choice(VERBS)} {rng.choice(PLACES)}.",
        f"One day {name} went to {rng.choice(PLACES)} with a {adjective} {rng.choice(THINGS)}.",
        f"The {adjective} {animal} {rng.choice(VERBS)} a {rng.choice(THINGS)} in "
        f"{rng.choice(PLACES)}.",
        f"{name} and the {animal} played with the {rng.choice(THINGS)} all day.",
        f"Then {name} said yes to the {adjective} {rng.choice(THINGS)}.",
    ]
    return rng.choice(templates)


def story_text(rng, n_sentences):
    """Sentences where some come back later: a repeated sentence is predictable by copying."""
    sentences = []
    for _ in range(n_sentences):
        if sentences and rng.random() < 0.35:
            sentences.append(rng.choice(sentences))
        else:
            sentences.append(story_sentence(rng))
    return " ".join(sentences)


# ---------------------------------------------------------------------------------------------
# Byte-level BPE, as GPT-2 lays it out (vocab.json + merges.txt).

def bytes_to_unicode():
    """GPT-2's map from bytes to printable characters (space -> 'Ġ')."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def train_bpe(words):
    """Merges until every word (GPT-2's byte characters) is one symbol: most frequent pair
    first, counting each word once. Returns (vocab dict token -> id, merges list)."""
    byte_map = bytes_to_unicode()
    symbols = [list("".join(byte_map[b] for b in w.encode("utf-8"))) for w in words]
    vocab = {ch: i for i, ch in enumerate(byte_map.values())}  # the 256 bytes first, as GPT-2
    merges = []
    while True:
        counts = {}
        for s in symbols:
            for pair in zip(s, s[1:]):
                counts[pair] = counts.get(pair, 0) + 1
        if not counts:
            break
        best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merged = best[0] + best[1]
        merges.append(best)
        vocab.setdefault(merged, len(vocab))
        for s in symbols:
            i = 0
            while i < len(s) - 1:
                if (s[i], s[i + 1]) == best:
                    s[i:i + 2] = [merged]
                else:
                    i += 1
    return vocab, merges


class Tokenizer:
    """Lexicon words only: each word (with its leading space, or at the start) is one id;
    punctuation '.' and ',' are their own ids. Mirrors GPT-2's pre-tokenizer on this text."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.byte_map = bytes_to_unicode()

    def encode(self, text):
        ids = []
        for i, piece in enumerate(text.replace(".", " .").replace(",", " ,").split(" ")):
            if piece in (".", ","):
                key = piece
            else:
                key = ("" if i == 0 else "Ġ") + piece
            if key not in self.vocab:
                raise ValueError(f"not one token: {key!r}")
            ids.append(self.vocab[key])
        return ids


# ---------------------------------------------------------------------------------------------
# The model: GPT-2 exactly as attnviz computes it (pre-LayerNorm, gelu_new, learned positions,
# tied embeddings, causal), with nn.Linear weights exported transposed as Conv1D [in, out].

def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(0.7978845608028654 * (x + 0.044715 * x.pow(3))))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(N_EMBD, eps=1e-5)
        self.c_attn = nn.Linear(N_EMBD, 3 * N_EMBD)
        self.c_proj = nn.Linear(N_EMBD, N_EMBD)
        self.ln_2 = nn.LayerNorm(N_EMBD, eps=1e-5)
        self.c_fc = nn.Linear(N_EMBD, 4 * N_EMBD)
        self.mlp_proj = nn.Linear(4 * N_EMBD, N_EMBD)

    def forward(self, x, mask):  # x: b × n × d
        b, n, d = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        split = lambda t: t.view(b, n, N_HEAD, d // N_HEAD).transpose(1, 2)  # noqa: E731
        q, k, v = split(q), split(k), split(v)
        scores = q @ k.transpose(-1, -2) / (d // N_HEAD) ** 0.5
        weights = scores.masked_fill(mask[:n, :n], float("-inf")).softmax(-1)
        out = (weights @ v).transpose(1, 2).reshape(b, n, d)
        x = x + self.c_proj(out)
        x = x + self.mlp_proj(gelu_new(self.c_fc(self.ln_2(x))))
        return x, weights


class Gpt2(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, N_EMBD)
        self.wpe = nn.Embedding(N_POSITIONS, N_EMBD)
        self.h = nn.ModuleList(Block() for _ in range(N_LAYER))
        self.ln_f = nn.LayerNorm(N_EMBD, eps=1e-5)
        self.register_buffer("mask", torch.ones(N_POSITIONS, N_POSITIONS).triu(1).bool())
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)
        # Learned positions (GPT-2's wpe) that start as scaled sinusoids: "the token before"
        # is then a fixed rotation away, so the previous-token head, which induction builds on,
        # forms in hundreds of steps instead of thousands.
        with torch.no_grad():
            position = torch.arange(N_POSITIONS).unsqueeze(1)
            rate = torch.exp(torch.arange(0, N_EMBD, 2) * (-torch.log(torch.tensor(1e4)) / N_EMBD))
            self.wpe.weight[:, 0::2] = torch.sin(position * rate) / 8
            self.wpe.weight[:, 1::2] = torch.cos(position * rate) / 8

    def forward(self, ids):  # ids: b × n
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        attention = []
        for block in self.h:
            x, weights = block(x, self.mask)
            attention.append(weights)
        return self.ln_f(x) @ self.wte.weight.T, attention

    def hf_tensors(self):
        t = {"wte.weight": self.wte.weight, "wpe.weight": self.wpe.weight}
        for i, b in enumerate(self.h):
            p = f"h.{i}."
            t[p + "ln_1.weight"], t[p + "ln_1.bias"] = b.ln_1.weight, b.ln_1.bias
            t[p + "attn.c_attn.weight"], t[p + "attn.c_attn.bias"] = b.c_attn.weight.T, b.c_attn.bias
            t[p + "attn.c_proj.weight"], t[p + "attn.c_proj.bias"] = b.c_proj.weight.T, b.c_proj.bias
            t[p + "ln_2.weight"], t[p + "ln_2.bias"] = b.ln_2.weight, b.ln_2.bias
            t[p + "mlp.c_fc.weight"], t[p + "mlp.c_fc.bias"] = b.c_fc.weight.T, b.c_fc.bias
            t[p + "mlp.c_proj.weight"], t[p + "mlp.c_proj.bias"] = b.mlp_proj.weight.T, b.mlp_proj.bias
        t["ln_f.weight"], t["ln_f.bias"] = self.ln_f.weight, self.ln_f.bias
        return t


# ---------------------------------------------------------------------------------------------
# Data, training and measurement.

def word_ids(tokenizer, words):
    """Ids of words as they appear after a space (one token each)."""
    return [tokenizer.vocab["Ġ" + w] for w in words]


def random_repeat(rng, pool, length):
    """A random span of `length` ids, then the same span again (the induction test's input)."""
    span = [rng.choice(pool) for _ in range(length)]
    return span + span


def batch(rng, tokenizer, pool, size):
    """`size` rows of SEQ_LEN ids: a tenth tiny stories with repeated sentences, the rest random
    word spans of 3 to 12 words each written twice (only copying predicts a span's second half;
    short spans make the copying circuit quick to find, and it then works for longer ones)."""
    rows = []
    for _ in range(size):
        ids = tokenizer.encode(story_text(rng, 6))[:SEQ_LEN] if rng.random() < 0.1 else []
        while len(ids) < SEQ_LEN:
            ids += random_repeat(rng, pool, rng.randint(3, 12))
        rows.append(ids[:SEQ_LEN])
    return torch.tensor(rows)


def previous_token_scores(model, tokenizer, rng):
    """Per (layer, head): mean weight from token i to i-1 over held-out story text."""
    total = torch.zeros(N_LAYER, N_HEAD)
    count = 0
    for _ in range(20):
        ids = torch.tensor([tokenizer.encode(story_text(rng, 6))[:N_POSITIONS]])
        _, attention = model(ids)
        n = ids.shape[1]
        for layer in range(N_LAYER):
            w = attention[layer][0]  # heads × n × n
            total[layer] += w[:, torch.arange(1, n), torch.arange(0, n - 1)].sum(-1)
        count += n - 1
    return total / count


def induction_scores(model, pool, rng, length=30):
    """Per (layer, head): on random spans repeated twice, mean weight from each second-half
    token t to the token after its earlier occurrence, t - length + 1."""
    total = torch.zeros(N_LAYER, N_HEAD)
    count = 0
    for _ in range(20):
        ids = torch.tensor([random_repeat(rng, pool, length)])
        _, attention = model(ids)
        rows = torch.arange(length, 2 * length)
        for layer in range(N_LAYER):
            total[layer] += attention[layer][0][:, rows, rows - length + 1].sum(-1)
        count += length
    return total / count


def best(scores):
    flat = int(scores.argmax())
    return flat // N_HEAD, flat % N_HEAD, float(scores.max())


def train(model, tokenizer, pool, max_steps, rng, check, lr):
    """AdamW at a constant rate after a short warm-up, until `check()` (run every 250 steps on
    held-out sequences) says both heads are there, or max_steps. Returns the steps taken."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100))
    for step in range(1, max_steps + 1):
        ids = batch(rng, tokenizer, pool, 32)
        logits, _ = model(ids)
        loss = nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]),
                                           ids[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 250 == 0 or step == max_steps:
            print(f"step {step:5d}  loss {loss.item():.3f}", flush=True)
            if check():
                return step
    return max_steps


def write_tokenizer(out, vocab, merges):
    write_json(os.path.join(out, "vocab.json"), vocab)
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")


def write_card(out, figures, size_bytes, parameters, seconds):
    prev, ind = figures["previous_token_head"], figures["induction_head"]
    text = f"""# gpt2-induction

A 2-layer GPT-2-layout decoder trained by attnviz (`scripts/train/train_gpt2_induction.py`,
seed {SEED}) so that a class can see an **induction head** (Olsson et al. 2022) and the
**previous-token head** it works with.

- **Architecture**: GPT-2 ({N_LAYER} layers × {N_HEAD} heads, d_model {N_EMBD}, d_ff
  {4 * N_EMBD}, {N_POSITIONS} positions, gelu_new, pre-LayerNorm, tied embeddings),
  {parameters:,} parameters, float32, {size_bytes / 1e6:.1f} MB on disk.
- **Tokenizer**: GPT-2 byte-level BPE (vocab.json + merges.txt) trained on the lexicon so each
  of its {figures["lexicon_words"]} words is one token; other words fall apart into pieces.
- **Training data** (generated, seed {SEED}): a tenth tiny stories from templates in which some
  sentences come back later in the text, the rest random spans of 3–12 words each written
  twice, {SEQ_LEN} tokens a
  sequence, {figures["steps"]} steps of 32 sequences (training stops once a held-out probe
  shows both heads above their thresholds with a margin), AdamW at {figures["lr"]:g}.
  Training took {seconds:.0f} s on this machine.
- **Measured on held-out sequences** (fresh random draws):
  - previous-token head **layer {prev["layer"] + 1}, head {prev["head"] + 1}**: mean weight
    from token i to token i−1 over story text **{prev["score"]:.3f}** (threshold
    {PREV_TOKEN_THRESHOLD});
  - induction head **layer {ind["layer"] + 1}, head {ind["head"] + 1}**: on a random word
    span of 30 repeated twice, mean weight from each second-half token to the token after its
    earlier occurrence **{ind["score"]:.3f}** (threshold {INDUCTION_THRESHOLD}).
- **Known limits**: it writes nothing worth reading; its vocabulary is a few hundred words of
  children's stories; text outside the lexicon is split into byte pieces, where the heads
  still work but less cleanly. attnviz computes it without a BOS token, as it was trained.
"""
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="resources/models/gpt2-induction")
    parser.add_argument("--steps", type=int, default=4000, help="at most this many steps")
    parser.add_argument("--lr", type=float, default=3e-3, help="AdamW's learning rate")
    parser.add_argument("--quick", action="store_true", help="200 steps, to try the script")
    args = parser.parse_args()
    steps = 200 if args.quick else args.steps
    fix_seeds(SEED)
    rng = random.Random(SEED)
    words = lexicon()
    # A word at the start of a text, and after a space (GPT-2's byte map writes ' ' as 'Ġ').
    vocab, merges = train_bpe(words + [" " + w for w in words] + [".", ","])
    tokenizer = Tokenizer(vocab)
    pool = word_ids(tokenizer, words)
    model = Gpt2(len(vocab))
    def both_heads_there():
        """A margin above the thresholds on a small held-out draw (its own seed)."""
        probe = random.Random(SEED + 2)
        with torch.no_grad():
            prev = best(previous_token_scores(model, tokenizer, probe))[2]
            ind = best(induction_scores(model, pool, probe))[2]
        print(f"  held-out probe: previous-token {prev:.3f}, induction {ind:.3f}", flush=True)
        return prev >= PREV_TOKEN_THRESHOLD + 0.05 and ind >= INDUCTION_THRESHOLD + 0.1

    started = time.time()
    steps = train(model, tokenizer, pool, steps, rng, both_heads_there, args.lr)
    seconds = time.time() - started
    model.eval()
    held_out = random.Random(SEED + 1)
    with torch.no_grad():
        prev_layer, prev_head, prev_score = best(previous_token_scores(model, tokenizer, held_out))
        ind_layer, ind_head, ind_score = best(induction_scores(model, pool, held_out))
    print(f"previous-token head L{prev_layer + 1} H{prev_head + 1}: {prev_score:.3f}")
    print(f"induction head L{ind_layer + 1} H{ind_head + 1}: {ind_score:.3f}")

    os.makedirs(args.out, exist_ok=True)
    config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
              "vocab_size": len(vocab), "n_layer": N_LAYER, "n_head": N_HEAD, "n_embd": N_EMBD,
              "n_positions": N_POSITIONS, "n_ctx": N_POSITIONS, "layer_norm_epsilon": 1e-5,
              "activation_function": "gelu_new", "tie_word_embeddings": True}
    write_json(os.path.join(args.out, "config.json"), config)
    path = os.path.join(args.out, "model.safetensors")
    save_safetensors(path, model.hf_tensors(), "F32")
    write_tokenizer(args.out, vocab, merges)
    figures = {"previous_token_head": {"layer": prev_layer, "head": prev_head,
                                       "score": round(prev_score, 4)},
               "induction_head": {"layer": ind_layer, "head": ind_head,
                                  "score": round(ind_score, 4)},
               "steps": steps, "lexicon_words": len(words), "lr": args.lr}
    write_json(os.path.join(args.out, "attnviz.json"), {
        "name": "gpt2-induction", "title": "Induction GPT-2 (trained by attnviz)",
        "title_zh": "归纳头 GPT-2（attnviz 训练）",
        "summary": "A tiny story model: a head that copies what followed the same word before.",
        "summary_zh": "小故事模型：有一个头会复制同一个词上次出现后的内容。",
        "family": "gpt2", "focus": {"layer": ind_layer, "head": ind_head},
        "example": {"source": EXAMPLE, "target": ""}, "behaviour": figures})
    parameters = sum(p.numel() for p in model.parameters())
    write_card(args.out, figures, os.path.getsize(path), parameters, seconds)
    if prev_score < PREV_TOKEN_THRESHOLD or ind_score < INDUCTION_THRESHOLD:
        print("a behaviour is below its threshold", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
