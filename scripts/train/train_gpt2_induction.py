#!/usr/bin/python3
"""Trains gpt2-induction, the GPT-2-layout decoder attnviz ships to show induction heads.

    /usr/bin/python3 scripts/train/train_gpt2_induction.py [--out resources/models/gpt2-induction]
                                                           [--steps N] [--quick]

What it learns, and why: every training row holds a random span of lexicon words written two
or three times, with filler (tiny stories or random words) of random lengths before, between
and after the copies, so a copy stands at no fixed distance from the one before. The loss
counts only the words of the later copies after their first word: the words the context
determines. The one way a 2-layer transformer predicts them is the induction circuit of
Olsson et al. (2022): a layer-1 head that copies the token before into each position (the
previous-token head), and a layer-2 head that looks for the position whose token before is the
current token and copies the token there.

It then measures, on sequences it never trained on (fresh random draws, other seeds):
  - the previous-token head: mean weight from token i to token i-1 over ordinary story text
    (threshold 0.8);
  - the induction head: on a random word span of 30 written twice, mean weight from each
    second-half token to the token after its earlier occurrence (threshold 0.5);
picks the best head of each kind, and writes the Hugging Face folder attnviz loads:
config.json (model_type gpt2), model.safetensors (GPT-2's own names, Conv1D weights [in, out]),
vocab.json + merges.txt, attnviz.json (title, focus, examples, figures) and README.md (the
model card). Exits 1 if a threshold is missed.

Needs only Debian's python3-torch (no transformers, no safetensors package).

History (2 Dec 2026). Earlier runs counted the loss on every token. Then nothing formed
without help: the loss sat at the unigram floor (5.38 nats) for 7,750 steps, because four
tokens in five are unpredictable random words whose gradient noise drowns the small signal
of the circuit (Adam scales each step by that noise). Seeding layer 1 as a previous-token
head by hand made the induction head form by step 2,000; rows of triples "A B g(A)" taught a
previous-token head without seeding (0.87-0.93) but layer 2 then served the triples
(period-3 offsets) and no induction head formed in up to 15,000 steps. Counting the loss on
the determined words only, both heads form from a random start by step 1,250 (seed 1234,
AdamW 3e-3): previous-token 0.955, induction 0.930, the app's example 0.943. Without the
copy start of layer 2's value/output (below), the same loss is also driven down (0.38 by step
2,500), but by a positional shortcut that fails the held-out probe (0.10), so the copy start
stays.
"""
import argparse
import os
import random
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt2_layout  # noqa: E402
from checkpoint_io import (add_out_argument, fix_seeds, output_folder,  # noqa: E402
                           save_safetensors, write_json)
from gpt2_layout import N_EMBD, N_HEAD, N_LAYER, N_POSITIONS, Gpt2  # noqa: E402
from induction_text import (Tokenizer, lexicon, story_text, train_bpe,  # noqa: E402
                            training_vocabulary, word_ids, write_tokenizer)

SEED = 1234
SEQ_LEN = 96
SPAN_WORDS = (8, 40)
BATCH = 32
WARMUP = 100
LEARNING_RATE = 3e-3
PREV_TOKEN_THRESHOLD = 0.8
INDUCTION_THRESHOLD = 0.5
EXAMPLE = ("Once upon a time there was a little dog named Max who loved the sea. "
           "Once upon a time there was a little dog named Max who loved the sea.")
# Words in no order: nothing but copying predicts the second half.
RANDOM_EXAMPLE = ("kite owl sad river cake horse green drum. "
                  "kite owl sad river cake horse green drum.")


# ---------------------------------------------------------------------------------------------
# Data.

def random_repeat(rng, pool, length):
    """A random span of `length` ids, then the same span again (the induction test's input)."""
    span = [rng.choice(pool) for _ in range(length)]
    return span + span


def filler(rng, tokenizer, pool, n):
    """`n` ids: tiny stories (with their repeated sentences) or random lexicon words."""
    if n == 0:
        return []
    if rng.random() < 0.5:
        ids = []
        while len(ids) < n:
            ids += tokenizer.encode(story_text(rng, 8))
        return ids[:n]
    return [rng.choice(pool) for _ in range(n)]


def training_row(rng, tokenizer, pool):
    """(ids, counted): SEQ_LEN ids, a random span written two or three times among filler of
    random lengths; counted[t] is 1 where ids[t] is a word of a later copy after its first
    (the words the context determines, the only ones the loss counts)."""
    length = rng.randint(*SPAN_WORDS)
    copies = rng.randint(2, min(3, SEQ_LEN // length))
    free = SEQ_LEN - copies * length
    cuts = sorted(rng.randint(0, free) for _ in range(copies))
    gaps = [b - a for a, b in zip([0] + cuts, cuts + [free])]  # copies + 1 filler lengths
    span = [rng.choice(pool) for _ in range(length)]
    ids, counted = [], []
    for i, gap in enumerate(gaps):
        words = filler(rng, tokenizer, pool, gap)
        ids += words
        counted += [0] * len(words)
        if i < copies:
            ids += span
            counted += [0] + [int(i > 0)] * (length - 1)
    return ids, counted


def batch(rng, tokenizer, pool, size):
    """ids: size × SEQ_LEN, counted: size × SEQ_LEN (0/1)."""
    rows = [training_row(rng, tokenizer, pool) for _ in range(size)]
    return torch.tensor([r[0] for r in rows]), torch.tensor([r[1] for r in rows])


# ---------------------------------------------------------------------------------------------
# Measurement.

def previous_token_scores(model, tokenizer, rng):
    """layers × heads: mean weight from token i to i-1 over held-out story text."""
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
    """layers × heads: on random spans written twice, mean weight from each second-half token
    t to the token after its earlier occurrence, t - length + 1."""
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


def example_induction_score(model, tokenizer, text, layer, head):
    """An example written twice: mean weight from each token of the second copy whose token
    stood at the same place in the first copy to the token after that earlier occurrence.
    (The second copy's first word follows a space, so it is another token than the first and
    is left out.)"""
    ids = tokenizer.encode(text)
    m = len(ids) // 2
    rows = [r for r in range(m, 2 * m) if ids[r] == ids[r - m]]
    _, attention = model(torch.tensor([ids]))
    w = attention[layer][0][head]
    return float(sum(w[r, r - m + 1] for r in rows) / len(rows))


def best(scores):
    """(layer, head, score) of the highest score in a layers × heads table."""
    flat = int(scores.argmax())
    return flat // N_HEAD, flat % N_HEAD, float(scores.max())


# ---------------------------------------------------------------------------------------------
# Training.

def train(model, tokenizer, pool, max_steps, rng, check, lr, max_seconds):
    """AdamW at a constant rate after a WARMUP-step warm-up, until `check()` (run every 250 steps
    on held-out sequences) says both heads are there, max_steps, or max_seconds. Returns the
    steps taken. The softmax runs over the ids the training text can contain, not the byte
    pieces and merges it never uses: the same loss on this text, a third of the cost."""
    keep = torch.tensor(training_vocabulary(tokenizer))
    index = torch.full((len(tokenizer.vocab),), -100, dtype=torch.long)
    index[keep] = torch.arange(len(keep))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / WARMUP))
    started = time.time()
    for step in range(1, max_steps + 1):
        ids, counted = batch(rng, tokenizer, pool, BATCH)
        logits, _ = model(ids, keep)
        nll = nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]),
                                          index[ids[:, 1:]].reshape(-1), reduction="none")
        weight = counted[:, 1:].reshape(-1).float()
        loss = (nll * weight).sum() / weight.sum()
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


# ---------------------------------------------------------------------------------------------
# Writing the folder.

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
- **Training data** (generated, seed {SEED}): {SEQ_LEN} tokens a row, each a random span of
  {SPAN_WORDS[0]}–{SPAN_WORDS[1]} lexicon words written two or three times, with filler of
  random lengths (tiny stories or random words) before, between and after the copies, so the
  copies stand at varying distances. The loss counts only the words of the later copies after
  their first word, the words the context determines: on the others no circuit can help, and
  their noise kept every earlier run that counted them at the unigram floor.
  {figures["steps"]} steps of {BATCH} rows, AdamW at a constant {figures["lr"]:g} after
  {WARMUP} warm-up steps; training stops once a held-out probe shows both heads above their
  thresholds with a margin. Took {seconds:.0f} s on one CPU thread.
- **Start**: GPT-2's random start (normal, std 0.02), except that tokens and positions begin in
  separate halves of the residual stream with positions as sinusoids, and layer 2's head 1
  begins with a value and output that copy the token half. Where every head looks (queries
  and keys) starts random: both the previous-token and the induction pattern are learned.
- **Measured on held-out sequences** (fresh random draws):
  - previous-token head **layer {prev["layer"] + 1}, head {prev["head"] + 1}**: mean weight
    from token i to token i−1 over story text **{prev["score"]:.3f}** (threshold
    {PREV_TOKEN_THRESHOLD});
  - induction head **layer {ind["layer"] + 1}, head {ind["head"] + 1}**: on a random word
    span of 30 written twice, mean weight from each second-half token to the token after its
    earlier occurrence **{ind["score"]:.3f}** (threshold {INDUCTION_THRESHOLD}); on the app's
    example (one story sentence written twice) **{ind["example_score"]:.3f}**.
- **Known limits**: it predicts only copies and writes nothing worth reading (the loss never
  counted first occurrences); its vocabulary is a few hundred words of children's stories;
  text outside the lexicon is split into byte pieces, where the heads still work but less
  cleanly. A word that occurs twice in the first copy ("a", "the") gives the induction head
  two candidates. attnviz computes it without a BOS token, as it was trained.
"""
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)


def write_folder(out, model, vocab, merges, figures, seconds):
    """config.json, model.safetensors, vocab.json, merges.txt, attnviz.json, README.md."""
    os.makedirs(out, exist_ok=True)
    config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
              "vocab_size": len(vocab), "n_layer": N_LAYER, "n_head": N_HEAD, "n_embd": N_EMBD,
              "n_positions": N_POSITIONS, "n_ctx": N_POSITIONS, "layer_norm_epsilon": 1e-5,
              "activation_function": "gelu_new", "tie_word_embeddings": True}
    write_json(os.path.join(out, "config.json"), config)
    path = os.path.join(out, "model.safetensors")
    save_safetensors(path, model.hf_tensors(), "F32")
    write_tokenizer(out, vocab, merges)
    ind = figures["induction_head"]
    write_json(os.path.join(out, "attnviz.json"), {
        "name": "gpt2-induction", "title": "Induction GPT-2 (trained by attnviz)",
        "title_zh": "归纳头 GPT-2（attnviz 训练）",
        "summary": "A head that looks at what followed the same word last time, and copies it.",
        "summary_zh": "有一个头会看同一个词上次出现后跟着的词，并把它复制过来。",
        "family": "gpt2", "focus": {"layer": ind["layer"], "head": ind["head"]},
        "example": {"source": EXAMPLE, "target": ""},
        "more_examples": [{"source": RANDOM_EXAMPLE, "target": ""}],
        "behaviour": figures})
    parameters = sum(p.numel() for p in model.parameters())
    write_card(out, figures, os.path.getsize(path), parameters, seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_out_argument(parser, "gpt2-induction")
    parser.add_argument("--steps", type=int, default=10000, help="at most this many steps")
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="stop training after this long")
    parser.add_argument("--lr", type=float, default=LEARNING_RATE, help="AdamW's learning rate")
    parser.add_argument("--quick", action="store_true", help="200 steps, to try the script")
    args = parser.parse_args()
    args.out = output_folder(args.out, "gpt2-induction", args.quick)
    steps = 200 if args.quick else args.steps
    fix_seeds(SEED, threads=1)
    rng = random.Random(SEED)
    words = lexicon()
    # A word at the start of a text, and after a space (GPT-2's byte map writes ' ' as 'Ġ').
    vocab, merges = train_bpe(words + [" " + w for w in words] + [".", ","])
    tokenizer = Tokenizer(vocab)
    pool = word_ids(tokenizer, words)
    model = Gpt2(len(vocab))
    model.start_copy_head()

    def both_heads_there():
        """A margin above the thresholds on a small held-out draw (its own seed)."""
        probe = random.Random(SEED + 2)
        with torch.no_grad():
            prev = best(previous_token_scores(model, tokenizer, probe))[2]
            ind = best(induction_scores(model, pool, probe))[2]
        print(f"  held-out probe: previous-token {prev:.3f}, induction {ind:.3f}", flush=True)
        return prev >= PREV_TOKEN_THRESHOLD + 0.1 and ind >= INDUCTION_THRESHOLD + 0.35

    gpt2_layout.FAST = True
    started = time.time()
    steps = train(model, tokenizer, pool, steps, rng, both_heads_there, args.lr, args.max_seconds)
    seconds = time.time() - started
    gpt2_layout.FAST = False
    model.eval()
    held_out = random.Random(SEED + 1)
    with torch.no_grad():
        prev_layer, prev_head, prev_score = best(previous_token_scores(model, tokenizer, held_out))
        ind_layer, ind_head, ind_score = best(induction_scores(model, pool, held_out))
        example = example_induction_score(model, tokenizer, EXAMPLE, ind_layer, ind_head)
        random_example = example_induction_score(model, tokenizer, RANDOM_EXAMPLE, ind_layer,
                                                 ind_head)
    print(f"previous-token head L{prev_layer + 1} H{prev_head + 1}: {prev_score:.3f}")
    print(f"induction head L{ind_layer + 1} H{ind_head + 1}: {ind_score:.3f}")
    print(f"induction head on the app's examples: {example:.3f}, {random_example:.3f}")
    figures = {"previous_token_head": {"layer": prev_layer, "head": prev_head,
                                       "score": round(prev_score, 4)},
               "induction_head": {"layer": ind_layer, "head": ind_head,
                                  "score": round(ind_score, 4),
                                  "example_score": round(example, 4),
                                  "random_example_score": round(random_example, 4)},
               "steps": steps, "lexicon_words": len(words), "lr": args.lr}
    write_folder(args.out, model, vocab, merges, figures, seconds)
    if prev_score < PREV_TOKEN_THRESHOLD or ind_score < INDUCTION_THRESHOLD:
        print("a behaviour is below its threshold", file=sys.stderr)
        return 0 if args.quick else 1  # a --quick try is not expected to learn
    return 0


if __name__ == "__main__":
    sys.exit(main())
