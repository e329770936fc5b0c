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

Status (2 Dec 2026): meets both thresholds, but not shipped. With the data and the seeded
starts below, the default run (seed 1234, AdamW 2e-3, batch 32 × 96 tokens) forms the
induction head between steps 1,750 and 2,000 and stops at step 2,000 (572 s on one shared CPU
thread): held-out previous-token 0.891 (layer 1 head 1), induction 0.812 (layer 2 head 1). Two
reasons it is not shipped: the previous-token head is set by hand at the start (layer 1 head 1
begins as one; training only refines it), so that behaviour is not learnt; and on the app's
example it scores only 0.272 (story text the model predicts from its templates, and "a"/"the"
occur twice in the sentence). Without the seeded starts no run of up to 2,600 steps formed an
induction head (probe 0.02-0.03; layer 2's query/key gradient is about 1/500 of its value
gradient). Found on the way: torch's default bias init added a constant vector longer than a
token's to every position (now zero, as GPT-2 starts); Debian's torch multiplies with the
reference BLAS (about 2 GFLOP/s), hence the 1×1-convolution products while training (3-6×
faster, equal to the plain products to 3e-7). Next: an unseeded run with many more steps (the
faster products make 10,000+ affordable) or a curriculum from short repeated spans, and story
examples that only copying predicts.

Tried on 2 Dec 2026 (second session; each run one CPU thread, 96-token rows unless said, held-
out probe every 250 steps; none shipped). These runs also used 10 % story rows and repeated
spans of 4 to 32 words (a third of a row at most), where the script's defaults are 15 % and
8 to 40, so the flags named below reproduce their data only with those two changed:
  - Unseeded, random repeated spans only (no stories), AdamW 1e-3 and 3e-3: loss stays at the
    unigram floor (5.38) for 7,750 steps; no head of either kind (probe 0.05 / 0.03).
  - Unseeded, 32-token rows: a layer-1 head scored 0.6 on the induction probe, but by a
    positional shortcut (the longest spans filled the row, so the copy stood a fixed distance
    back): spans must stay well under half a row so that every copy's distance varies.
  - Rows of triples "A B A" (30-50 % of rows; --triple-rows F --learn-previous-head) teach a previous-token head without any seeding:
    0.80-0.84 by step 3,500. Its output copies token i-1 into the same directions as token i,
    so a key can no longer tell "this word" from "the word before"; no induction head formed
    in 6,000 steps, even with layer 2's value/output started as a copy.
  - Triples "A B g(A)" with g a fixed random permutation of the lexicon (add --permute): a learnt
    previous-token head (0.87 at 7,750 steps with AdamW 3e-3; 0.91 at 3,500 with 1e-2), value/
    output of layer 2 head 1 started as a copy: still no induction head (probe ≤ 0.03) by step
    7,750 (3e-3) or 15,000 (1e-2; 2,400 s). Why, looked at in that 15,000-step model: both of
    layer 2's heads had turned to the triples, attending at offsets -4, -7, -10, ... (the
    start of each earlier triple, a period-3 positional pattern) with max weight 0.21, and its
    loss on the repeated half of a random span written twice was no lower than on the first
    half (6.41 vs 6.45 nats). Also tried: 4 heads a layer (prev-token 0.91 by 2,000 steps, no
    induction by 4,500) and repeated spans drawn from 40 words only (none by 5,750).
  So a learnt previous-token head is in hand, but the triples also hand layer 2 a task of its
  own. The curriculum tried last (--triple-rows 0.4 --permute --learn-previous-head --lr 1e-2,
  copy-started layer 2, then --triples-until 2000, or 5 % triples after step 2,000): the
  previous-token head dips to 0.61-0.68 when the triples stop and comes back by itself to
  0.87-0.93 by step 7,000, but no induction head (probe ≤ 0.017) by then (1,070 s). Next:
  many more steps of that curriculum (the plateau may simply be longer), a wider model, or a
  loss on the repeated half only; and look inside again before guessing.
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
N_LAYER, N_HEAD, N_EMBD, N_POSITIONS = 2, 2, 64, 256
TOKEN_NORM = 0.5         # every token vector starts this long (positions: 0.5 too)
PREV_PAIRS, PREV_SCALE, PREV_COPY = 6, 4.0, 0.05
COPY_SCALE = 0.1
SEQ_LEN = 96
STORY_FRACTION = 0.15
BATCH = 32
WARMUP = 100
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


# Debian's torch multiplies matrices with the reference BLAS, several times slower than its
# oneDNN convolutions on one thread. So while training, every matrix product is computed as a
# 1×1 convolution (dilation 2 only makes torch choose oneDNN; a 1×1 kernel has nothing to
# dilate): the same products, summed in another order. Measurements run with FAST off.
FAST = False


def linear(x, layer):
    """x @ layer.weight.T + layer.bias, x: b × n × in."""
    if not FAST:
        return layer(x)
    b, n, d = x.shape
    return matmul_weight(x.reshape(b * n, d), layer.weight, layer.bias).reshape(b, n, -1)


def matmul_weight(x, weight, bias=None):
    """x @ weight.T (+ bias), x: m × in, weight: out × in."""
    if not FAST:
        return nn.functional.linear(x, weight, bias)
    y = nn.functional.conv2d(x.T[None, :, :, None], weight[:, :, None, None], bias, dilation=2)
    return y[0, :, :, 0].T


def bmm(a, b):
    """a @ b over the leading dimensions: a: ... × m × k, b: ... × k × p."""
    if not FAST:
        return a @ b
    lead, (m, k), p = a.shape[:-2], a.shape[-2:], b.shape[-1]
    g = a[..., 0, 0].numel()
    x = a.reshape(g, m, k).transpose(1, 2).reshape(1, g * k, m, 1)
    w = b.reshape(g, k, p).transpose(1, 2).reshape(g * p, k, 1, 1)
    y = nn.functional.conv2d(x, w, groups=g, dilation=2)  # 1 × g·p × m × 1
    return y.reshape(g, p, m).transpose(1, 2).reshape(*lead, m, p)


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
        q, k, v = linear(self.ln_1(x), self.c_attn).split(d, dim=2)
        split = lambda t: t.reshape(b, n, N_HEAD, d // N_HEAD).transpose(1, 2)  # noqa: E731
        q, k, v = split(q), split(k), split(v)
        scores = bmm(q, k.transpose(-1, -2)) / (d // N_HEAD) ** 0.5
        weights = scores.masked_fill(mask[:n, :n], float("-inf")).softmax(-1)
        out = bmm(weights, v).transpose(1, 2).reshape(b, n, d)
        x = x + linear(out, self.c_proj)
        x = x + linear(gelu_new(linear(self.ln_2(x), self.c_fc)), self.mlp_proj)
        return x, weights


class Gpt2(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, N_EMBD)
        self.wpe = nn.Embedding(N_POSITIONS, N_EMBD)
        self.h = nn.ModuleList(Block() for _ in range(N_LAYER))
        self.ln_f = nn.LayerNorm(N_EMBD, eps=1e-5)
        self.register_buffer("mask", torch.ones(N_POSITIONS, N_POSITIONS).triu(1).bool())
        for name, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)
            elif name.endswith(".bias") and "ln_" not in name:
                nn.init.zeros_(p)  # as GPT-2 starts; torch's default would add a constant
                # vector (norm ≈ 0.6, longer than a token's) to every position
        self.start_layout()

    # The start (only the start: every weight is trained from here). Tokens and positions
    # begin in separate halves of the residual stream, each vector of one length, so that
    # LayerNorm scales every position alike; positions are sinusoids, so "the token before"
    # is a fixed rotation away; and layer 1's head 1 begins as a previous-token head that
    # writes the token before, turned by a fixed random rotation, into the token half. The
    # induction head (layer 2) starts random: where it looks is learned from the data.
    def start_layout(self):
        half = N_EMBD // 2
        with torch.no_grad():
            token = torch.randn(self.wte.weight.shape[0], half)
            self.wte.weight.zero_()
            self.wte.weight[:, :half] = TOKEN_NORM * token / token.norm(dim=1, keepdim=True)
            self.wpe.weight.zero_()
            position = torch.arange(N_POSITIONS).unsqueeze(1)
            self.wpe.weight[:, half::2] = torch.sin(position * self.rates()) / 8
            self.wpe.weight[:, half + 1::2] = torch.cos(position * self.rates()) / 8

    @staticmethod
    def rates():
        """The sinusoids' frequencies, one a pair of the position half: 1 down to 1/10^4."""
        half = N_EMBD // 2
        return torch.exp(torch.arange(0, half, 2) * (-torch.log(torch.tensor(1e4)) / half))

    def start_previous_token_head(self, head=0, pairs=PREV_PAIRS, scale=PREV_SCALE,
                                  copy=PREV_COPY):
        """Layer 1's head `head` starts out attending to the position before: its query reads
        the first `pairs` sine/cosine pairs of the positions rotated one step back, its key
        the same pairs unrotated, so q_i·k_j peaks at j = i−1. Its value reads the token half
        and its output writes it back there turned by a random rotation (times `copy`)."""
        half, d, d_head = N_EMBD // 2, N_EMBD, N_EMBD // N_HEAD
        rate = self.rates()
        w = self.h[0].c_attn.weight  # rows: q (d), k (d), v (d); columns: the input
        o = self.h[0].c_proj.weight  # rows: the residual; columns: the heads side by side
        with torch.no_grad():
            q0, k0, v0 = head * d_head, d + head * d_head, 2 * d + head * d_head
            w[q0:q0 + d_head].zero_()
            w[k0:k0 + d_head].zero_()
            for p in range(pairs):
                c, s = float(torch.cos(rate[p])), float(torch.sin(rate[p]))
                q, k, col = q0 + 2 * p, k0 + 2 * p, half + 2 * p
                # (sin (i−1)ω, cos (i−1)ω) from (sin iω, cos iω)
                w[q, col], w[q, col + 1] = scale * c, -scale * s
                w[q + 1, col], w[q + 1, col + 1] = scale * s, scale * c
                w[k, col], w[k + 1, col + 1] = scale, scale
            w[v0:v0 + d_head].zero_()
            w[v0:v0 + min(d_head, half), :min(d_head, half)] = torch.eye(min(d_head, half))
            rotation, _ = torch.linalg.qr(torch.randn(half, half))
            o[:, head * d_head:(head + 1) * d_head].zero_()
            o[:half, head * d_head:head * d_head + min(d_head, half)] = \
                copy * rotation[:, :min(d_head, half)]

    def start_copy_head(self, layer=1, head=0, copy=COPY_SCALE):
        """Layer `layer`'s head `head` starts with a value that reads the token half and an
        output that writes it back unturned (times `copy`), so whatever it attends to raises
        that token's logit; its query and key, where it looks, start random."""
        half, d, d_head = N_EMBD // 2, N_EMBD, N_EMBD // N_HEAD
        w, o = self.h[layer].c_attn.weight, self.h[layer].c_proj.weight
        n = min(d_head, half)
        with torch.no_grad():
            v0 = 2 * d + head * d_head
            w[v0:v0 + d_head].zero_()
            w[v0:v0 + n, :n] = torch.eye(n)
            o[:, head * d_head:(head + 1) * d_head].zero_()
            o[:n, head * d_head:head * d_head + n] = copy * torch.eye(n)

    def forward(self, ids, keep=None):  # ids: b × n
        """Logits over the whole vocabulary, or (training) only over the ids in `keep`."""
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        attention = []
        for block in self.h:
            x, weights = block(x, self.mask)
            attention.append(weights)
        rows = self.wte.weight if keep is None else self.wte.weight[keep]
        h = self.ln_f(x)
        return matmul_weight(h.reshape(-1, N_EMBD), rows).reshape(*h.shape[:2], -1), attention

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


def background(rng, tokenizer, pool, n):
    """`n` ids of filler: tiny stories (with their repeated sentences) or random lexicon words."""
    if n == 0:
        return []
    if rng.random() < 0.5:
        ids = []
        while len(ids) < n:
            ids += tokenizer.encode(story_text(rng, 8))
        return ids[:n]
    return [rng.choice(pool) for _ in range(n)]


class TripleRows:
    """Rows of triples "A B g(A)" (--triple-rows, --triples-until, --permute): the third word
    of each follows from the word two back, which only a head that looks at the previous token
    can pass on. g is a fixed random permutation of the pool, or the identity."""

    def __init__(self, share=0.0, until=0, g=None):
        self.share, self.until, self.g = share, until, g or {}

    def share_at(self, step):
        """The share of rows at training step `step` (none from `until` on, when it is set)."""
        return 0.0 if self.until and step >= self.until else self.share

    def row(self, rng, pool):
        ids = [rng.choice(pool) for _ in range(rng.randint(0, 2))]
        while len(ids) < SEQ_LEN:
            a, b = rng.choice(pool), rng.choice(pool)
            ids += [a, b, self.g.get(a, a)]
        return ids[:SEQ_LEN]


def training_row(rng, tokenizer, pool, triples=None, step=0):
    """SEQ_LEN ids. A quarter are plain tiny stories; the rest a random span of 8-40 lexicon
    words written two or three times, with filler (stories or random words) of random
    lengths before, between and after the copies, so the copies stand at varying distances:
    the only way to predict a later copy is to find the current token earlier and copy what
    followed it (no fixed offset works)."""
    share = triples.share_at(step) if triples else 0.0
    if share and rng.random() < share:  # no draw without triples: old runs keep their data
        return triples.row(rng, pool)
    if rng.random() < STORY_FRACTION:
        return background(rng, tokenizer, pool, SEQ_LEN)
    length = rng.randint(8, 40)
    copies = rng.randint(2, min(3, SEQ_LEN // length))
    free = SEQ_LEN - copies * length
    cuts = sorted(rng.randint(0, free) for _ in range(copies))
    gaps = [b - a for a, b in zip([0] + cuts, cuts + [free])]  # copies + 1 filler lengths
    span = [rng.choice(pool) for _ in range(length)]
    ids = []
    for i, gap in enumerate(gaps):
        ids += background(rng, tokenizer, pool, gap) if gap else []
        if i < copies:
            ids += span
    return ids


def batch(rng, tokenizer, pool, size, triples=None, step=0):
    return torch.tensor([training_row(rng, tokenizer, pool, triples, step)
                         for _ in range(size)])


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


def example_induction_score(model, tokenizer, layer, head):
    """The app's example (one sentence written twice): mean weight from each token of the
    second copy whose token stood at the same place in the first copy to the token after that
    earlier occurrence. (The second 'Once' follows a space, so it is another token than the
    first and is left out.)"""
    ids = tokenizer.encode(EXAMPLE)
    m = len(ids) // 2
    rows = [r for r in range(m, 2 * m) if ids[r] == ids[r - m]]
    _, attention = model(torch.tensor([ids]))
    w = attention[layer][0][head]
    return float(sum(w[r, r - m + 1] for r in rows) / len(rows))


def best(scores):
    flat = int(scores.argmax())
    return flat // N_HEAD, flat % N_HEAD, float(scores.max())


def train(model, tokenizer, pool, max_steps, rng, check, lr, max_seconds, triples=None):
    """AdamW at a constant rate after a WARMUP-step warm-up, until `check()` (run every 250 steps
    on held-out sequences) says both heads are there, max_steps, or max_seconds. Returns the
    steps taken. The softmax runs over the ids the training text can contain (every lexicon
    word with and without its space, '.' and ','), not the byte pieces and merges it never
    uses: the same loss on this text, a third of the cost."""
    keep = torch.tensor(sorted(set(tokenizer.vocab["Ġ" + w] for w in lexicon()) |
                               set(tokenizer.vocab[w] for w in lexicon()) |
                               {tokenizer.vocab["."], tokenizer.vocab[","]}))
    index = torch.full((len(tokenizer.vocab),), -100, dtype=torch.long)
    index[keep] = torch.arange(len(keep))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / WARMUP))
    started = time.time()
    for step in range(1, max_steps + 1):
        ids = batch(rng, tokenizer, pool, BATCH, triples, step)
        logits, _ = model(ids, keep)
        loss = nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]),
                                           index[ids[:, 1:]].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        out_of_time = time.time() - started > max_seconds
        if step % 250 == 0 or step == max_steps or out_of_time:
            print(f"step {step:5d}  loss {loss.item():.3f}  {time.time() - started:.0f} s",
                  flush=True)
            if check() or out_of_time:
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
- **Training data** (generated, seed {SEED}): {SEQ_LEN} tokens a sequence;
  {STORY_FRACTION:.0%} plain tiny stories from templates (some sentences come back later in
  the text), the rest a random span of 8–40 lexicon words written two or three times, with
  filler of random lengths (stories or random words) before, between and after the copies,
  so the copies stand at varying distances. {figures["steps"]} steps of {BATCH} sequences,
  AdamW at a constant {figures["lr"]:g} after {WARMUP} warm-up steps; training stops once a
  held-out probe shows both heads above their thresholds with a margin. Took {seconds:.0f} s
  on one CPU thread.
- **Start**: tokens and positions begin in separate halves of the residual stream
  (positions as sinusoids), and layer 1's head 1 begins as a previous-token head (query and
  key set to compare a position with the one before, value and output copying the token
  half), and layer 2's head 1's value and output begin copying the token half; every
  weight is then trained. Where layer 2's heads look (their queries and keys) starts random:
  the induction pattern is learned.
- **Measured on held-out sequences** (fresh random draws):
  - previous-token head **layer {prev["layer"] + 1}, head {prev["head"] + 1}**: mean weight
    from token i to token i−1 over story text **{prev["score"]:.3f}** (threshold
    {PREV_TOKEN_THRESHOLD});
  - induction head **layer {ind["layer"] + 1}, head {ind["head"] + 1}**: on a random word
    span of 30 repeated twice, mean weight from each second-half token to the token after its
    earlier occurrence **{ind["score"]:.3f}** (threshold {INDUCTION_THRESHOLD}); on the
    app's example (one sentence written twice) **{ind["example_score"]:.3f}**.
- **Known limits**: it writes nothing worth reading; its vocabulary is a few hundred words of
  children's stories; text outside the lexicon is split into byte pieces, where the heads
  still work but less cleanly. attnviz computes it without a BOS token, as it was trained.
"""
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="resources/models/gpt2-induction")
    parser.add_argument("--steps", type=int, default=30000, help="at most this many steps")
    parser.add_argument("--max-seconds", type=float, default=780,
                        help="stop training after this long")
    parser.add_argument("--lr", type=float, default=1e-3, help="AdamW's learning rate")
    parser.add_argument("--quick", action="store_true", help="200 steps, to try the script")
    parser.add_argument("--triple-rows", type=float, default=0.0,
                        help='share of rows made of triples "A B g(A)"')
    parser.add_argument("--triples-until", type=int, default=0,
                        help="no triple rows from this step on (a curriculum; 0: always)")
    parser.add_argument("--permute", action="store_true",
                        help="g a random permutation of the words (else g(A) = A)")
    parser.add_argument("--learn-previous-head", action="store_true",
                        help="start layer 1 random instead of as a previous-token head")
    args = parser.parse_args()
    steps = 200 if args.quick else args.steps
    fix_seeds(SEED, threads=1)
    rng = random.Random(SEED)
    words = lexicon()
    # A word at the start of a text, and after a space (GPT-2's byte map writes ' ' as 'Ġ').
    vocab, merges = train_bpe(words + [" " + w for w in words] + [".", ","])
    tokenizer = Tokenizer(vocab)
    pool = word_ids(tokenizer, words)
    g = None
    if args.permute:
        shuffled = pool[:]
        random.Random(SEED + 7).shuffle(shuffled)
        g = dict(zip(pool, shuffled))
    triples = TripleRows(args.triple_rows, args.triples_until, g)
    model = Gpt2(len(vocab))
    if not args.learn_previous_head:
        model.start_previous_token_head()
    model.start_copy_head()
    def both_heads_there():
        """A margin above the thresholds on a small held-out draw (its own seed)."""
        probe = random.Random(SEED + 2)
        with torch.no_grad():
            prev = best(previous_token_scores(model, tokenizer, probe))[2]
            ind = best(induction_scores(model, pool, probe))[2]
        print(f"  held-out probe: previous-token {prev:.3f}, induction {ind:.3f}", flush=True)
        return prev >= PREV_TOKEN_THRESHOLD + 0.05 and ind >= INDUCTION_THRESHOLD + 0.1

    global FAST
    FAST = True
    started = time.time()
    steps = train(model, tokenizer, pool, steps, rng, both_heads_there, args.lr, args.max_seconds,
                  triples)
    seconds = time.time() - started
    FAST = False
    model.eval()
    held_out = random.Random(SEED + 1)
    with torch.no_grad():
        prev_layer, prev_head, prev_score = best(previous_token_scores(model, tokenizer, held_out))
        ind_layer, ind_head, ind_score = best(induction_scores(model, pool, held_out))
        example_score = example_induction_score(model, tokenizer, ind_layer, ind_head)
    print(f"previous-token head L{prev_layer + 1} H{prev_head + 1}: {prev_score:.3f}")
    print(f"induction head L{ind_layer + 1} H{ind_head + 1}: {ind_score:.3f}")
    print(f"induction head on the app's example: {example_score:.3f}")

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
                                  "score": round(ind_score, 4),
                                  "example_score": round(example_score, 4)},
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
