#!/usr/bin/python3
"""Trains bert-pronouns, the BERT-layout encoder attnviz ships to show a head that resolves "it".

    /usr/bin/python3 scripts/train/train_bert_pronouns.py [--out resources/models/bert-pronouns]
                                                           [--steps N] [--quick]

What it learns, and why: a generator writes Winograd-style sentences with two nouns and a
pronoun whose referent only the predicate decides: "the animal didn't cross the street because
it was too tired / wide", "the trophy didn't fit in the suitcase because it was too big /
small", "the dog couldn't catch the boy because he was too fast", ... Nine predicates (cross,
fit in, catch, lift, eat, read, climb, buy, wear), each in both word orders ("the animal didn't
cross the street" / "the street wasn't crossed by the animal", "the trophy didn't fit in the
suitcase" / "the suitcase couldn't hold the trophy", "the dog couldn't catch the boy" / "the boy
escaped from the dog"), so the referent is the first noun as often as the second and neither
position is a default. Each sentence is also kept in its resolved form, in which the pronoun's
slot names the noun it stands for. Training is masked-language modelling of the resolved form,
the only loss (no loss on any attention weight): besides the usual 15 % of tokens (80 % [MASK],
10 % random, 10 % kept), in 80 % of sentences the model reads the pronoun (or, a quarter of the
time, [MASK]) in that slot and must predict the noun of the resolved form. Saying which noun
"it" stands for means finding the noun the predicate fits and copying it, so the pronoun's own
position has to look at its antecedent. The model is small (3 layers of 2 heads, hidden 64), so
that no pair of heads can share the two readings between them.

Measured on held-out sentences (noun pairs the generator never produced in training, in any
template or order; "it" as the pronoun; half of them of each reading), per head: the mean
weight from "it" to the correct antecedent (threshold 0.5), the same for each reading on its
own (referent the first noun / the second noun, threshold 0.4 each), how often the correct
antecedent gets more weight than the wrong one (threshold 90 %), and the weight on the right
noun in the opening example, "the animal didn't cross the street because it was too tired"
(animal) and "... too wide" (street), threshold 0.4 each. A head's strict score is the smallest
of its figures divided by their thresholds (≥ 1: it passes them all). Training keeps the
checkpoint whose best head scores highest on a probe of 200 other held-out sentences (checked
every 100 steps from step 500), and attnviz focuses the head that scores highest on 400 more.
Writes the Hugging Face folder attnviz loads: config.json (model_type bert), model.safetensors
(BERT's names, encoder only), vocab.txt + tokenizer_config.json (lower case), attnviz.json and
README.md (the model card). Exits 1 if the chosen head misses a threshold.

Needs only Debian's python3-torch, one thread: 1,500 steps in about 17 minutes on the 2-core
development machine with its other core busy.

Status: shipped as resources/models/bert-pronouns, no auxiliary attention loss. The earlier
version (3 layers × 4 heads, hidden 128, six templates all with the agent first) met the plain
figures through a loophole: its best head put 0.99 of "it" on the second noun when that was
the referent but 0.006 on the first noun when that was ("... too tired": animal 0.006), another
head covering that reading. Templates in both word orders, three more predicates, 2 heads per
layer and choosing by the strict score closed it: on the 400 held-out sentences head layer 2,
head 1 (0-based 1, 0) puts 0.916 on the correct antecedent (0.916 when it is the first noun,
0.915 when the second), the correct one gets more in 99.5 % of sentences (99.5 % also with
≥ 0.3 on it), and the opening pair gets animal 0.941 (tired) and street 0.923 (wide); checkpoint
of step 1,400, 1,022 s of training. On the 24 sentences of
tests/core/test_shipped_bert_pronouns.cpp (the same forward pass in PyTorch): mean 0.875, 0.885
and 0.861 per reading, 23 of 24 right ("the bird escaped from the mouse because it was too
slow" is the miss: mouse 0.265, bird 0.714).
"""
import argparse
import math
import os
import random
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checkpoint_io import (add_out_argument, fix_seeds, output_folder,  # noqa: E402
                           save_safetensors, write_json)

SEED = 4321
STARTED = 0.0  # when training began (for the log)
LAYERS, HEADS, HIDDEN, FF, POSITIONS = 3, 2, 64, 256, 48
BATCH = 64
MEAN_THRESHOLD, ACCURACY_THRESHOLD, READING_THRESHOLD = 0.5, 0.9, 0.4
REAL_WEIGHT = 0.3  # a sentence counts as resolved (strictly) only with this much on the referent
EXAMPLE = "The animal didn't cross the street because it was too tired"
FLAGSHIP = [("the animal didn ' t cross the street because it was too tired", "animal"),
            ("the animal didn ' t cross the street because it was too wide", "street")]

# ---------------------------------------------------------------------------------------------
# The generator: nouns with the pronoun they take, and templates whose predicate picks the
# referent. Each template: words before the pronoun with {a} and {b} (in either order), the
# agent's nouns, the other noun's, the adjectives that make "a" the referent, those that make
# "b" the referent. Every predicate comes in both word orders ("the animal didn't cross the
# street" / "the street wasn't crossed by the animal"), so neither the first nor the second
# noun is a default: only the predicate says which one "it" is.

PEOPLE_HE = ["boy", "man", "father", "king", "farmer", "brother"]
PEOPLE_SHE = ["girl", "woman", "mother", "queen", "teacher", "sister"]
PEOPLE_THEY = ["children", "students", "players"]
ANIMALS = ["animal", "dog", "cat", "horse", "fox", "rabbit", "bird", "mouse"]
PRONOUN = {**{n: "he" for n in PEOPLE_HE}, **{n: "she" for n in PEOPLE_SHE},
           **{n: "they" for n in PEOPLE_THEY}}
PRONOUNS = ["he", "she", "it", "they"]
PEOPLE = PEOPLE_HE + PEOPLE_SHE + PEOPLE_THEY
BEINGS = PEOPLE + ANIMALS
PLACES = ["street", "road", "river", "bridge", "field"]
THINGS = ["trophy", "ball", "cake", "book", "toy", "box"]
CONTAINERS = ["suitcase", "bag", "drawer", "basket", "cupboard"]
LOADS = ["box", "table", "stone", "bag", "trophy"] + ANIMALS
FOODS = ["cake", "soup", "apple", "bread", "fish"]
TEXTS = ["book", "letter", "story", "paper"]
HEIGHTS = ["tree", "wall", "hill", "ladder", "tower"]
GOODS = ["car", "house", "toy", "coat", "ball"]
CLOTHES = ["coat", "hat", "dress", "shirt"]

TEMPLATES = [
    ("the {a} didn ' t cross the {b} because", BEINGS, PLACES,
     ["tired", "scared", "weak", "slow"], ["wide", "busy", "long", "dangerous"]),
    ("the {b} wasn ' t crossed by the {a} because", BEINGS, PLACES,
     ["tired", "scared", "weak", "slow"], ["wide", "busy", "long", "dangerous"]),
    ("the {a} didn ' t fit in the {b} because", THINGS, CONTAINERS,
     ["big", "large", "wide"], ["small", "narrow", "full"]),
    ("the {b} couldn ' t hold the {a} because", THINGS, CONTAINERS,
     ["big", "large", "wide"], ["small", "narrow", "full"]),
    ("the {a} couldn ' t catch the {b} because", BEINGS, BEINGS,
     ["slow", "tired", "weak"], ["fast", "quick", "clever"]),
    ("the {b} escaped from the {a} because", BEINGS, BEINGS,
     ["slow", "tired", "weak"], ["fast", "quick", "clever"]),
    ("the {a} couldn ' t lift the {b} because", BEINGS, LOADS,
     ["weak", "tired", "small"], ["heavy", "big", "large"]),
    ("the {b} wasn ' t lifted by the {a} because", BEINGS, LOADS,
     ["weak", "tired", "small"], ["heavy", "big", "large"]),
    ("the {a} didn ' t eat the {b} because", BEINGS, FOODS,
     ["full", "sick", "tired"], ["hot", "old", "cold", "salty"]),
    ("the {b} wasn ' t eaten by the {a} because", BEINGS, FOODS,
     ["full", "sick", "tired"], ["hot", "old", "cold", "salty"]),
    ("the {a} didn ' t read the {b} because", PEOPLE, TEXTS,
     ["busy", "tired", "sleepy"], ["long", "boring", "old"]),
    ("the {b} wasn ' t read by the {a} because", PEOPLE, TEXTS,
     ["busy", "tired", "sleepy"], ["long", "boring", "old"]),
    ("the {a} didn ' t climb the {b} because", BEINGS, HEIGHTS,
     ["scared", "small", "weak"], ["tall", "high", "steep"]),
    ("the {b} wasn ' t climbed by the {a} because", BEINGS, HEIGHTS,
     ["scared", "small", "weak"], ["tall", "high", "steep"]),
    ("the {a} didn ' t buy the {b} because", PEOPLE, GOODS,
     ["poor", "careful"], ["expensive", "old", "ugly"]),
    ("the {b} wasn ' t bought by the {a} because", PEOPLE, GOODS,
     ["poor", "careful"], ["expensive", "old", "ugly"]),
    ("the {a} didn ' t wear the {b} because", PEOPLE, CLOTHES,
     ["hot", "warm"], ["small", "dirty", "old"]),
    ("the {b} wasn ' t worn by the {a} because", PEOPLE, CLOTHES,
     ["hot", "warm"], ["small", "dirty", "old"]),
]

# Noun pairs never produced in training (in any template, either order): the held-out set is
# made of these, all of whose nouns take "it", so the pronoun's form gives nothing away.
HELD_OUT_PAIRS = {("animal", "street"), ("trophy", "suitcase"), ("horse", "river"),
                  ("cake", "basket"), ("fox", "box"), ("cat", "soup"), ("mouse", "bird"),
                  ("dog", "bridge"), ("ball", "drawer"), ("rabbit", "stone"),
                  ("fox", "hill"), ("cat", "fish"), ("book", "bag"), ("horse", "table"),
                  ("bird", "tree"), ("dog", "road")}


def pronoun_of(noun):
    return PRONOUN.get(noun, "it")


def sentence(rng, template, a, b, refers_to_a, full_stop):
    """Tokens (lower case, as BERT's WordPiece splits them) and the positions of the pronoun,
    the correct antecedent and the wrong one (positions in the token list, [CLS] excluded)."""
    words, _, _, adjectives_a, adjectives_b = template
    before = words.format(a=a, b=b).split()
    adjective = rng.choice(adjectives_a if refers_to_a else adjectives_b)
    referent = a if refers_to_a else b
    tokens = before + [pronoun_of(referent), "was", "too", adjective] + (["."] if full_stop else [])
    a_at, b_at = before.index(a), before.index(b)
    pronoun_at = len(before)
    return tokens, pronoun_at, (a_at if refers_to_a else b_at), (b_at if refers_to_a else a_at)


def draw(rng, held_out, refers_to_a=None):
    """A random sentence from training combinations (held_out False) or held-out ones with an
    "it" pronoun (held_out True); `refers_to_a` fixes the reading (None: either)."""
    while True:
        template = rng.choice(TEMPLATES)
        a, b = rng.choice(template[1]), rng.choice(template[2])
        if a == b:
            continue
        is_held_out = (a, b) in HELD_OUT_PAIRS or (b, a) in HELD_OUT_PAIRS
        if is_held_out != held_out:
            continue
        reading = rng.random() < 0.5 if refers_to_a is None else refers_to_a
        if held_out and pronoun_of(a if reading else b) != "it":
            continue
        return sentence(rng, template, a, b, reading, rng.random() < 0.5)


def vocabulary():
    words = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", "'", "t", "was", "too"}
    for template in TEMPLATES:
        words.update(template[0].replace("{a}", "").replace("{b}", "").split())
        for group in template[1:]:
            words.update(group)
    words.update(PRONOUNS)
    words.update(BEINGS)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    return specials + sorted(words - set(specials))


# ---------------------------------------------------------------------------------------------
# BERT exactly as attnviz computes it: word + position + token-type embeddings, LayerNorm, then
# post-LayerNorm layers with erf GELU, no attention mask (one sentence, no padding).

class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = (nn.Linear(HIDDEN, HIDDEN) for _ in range(3))
        self.attention_out = nn.Linear(HIDDEN, HIDDEN)
        self.ln_1 = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.intermediate = nn.Linear(HIDDEN, FF)
        self.out = nn.Linear(FF, HIDDEN)
        self.ln_2 = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, x):  # b × n × d
        b, n, d = x.shape
        split = lambda t: t.view(b, n, HEADS, d // HEADS).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        weights = (q @ k.transpose(-1, -2) / math.sqrt(d // HEADS)).softmax(-1)
        context = (weights @ v).transpose(1, 2).reshape(b, n, d)
        x = self.ln_1(x + self.attention_out(context))
        x = self.ln_2(x + self.out(nn.functional.gelu(self.intermediate(x))))
        return x, weights


class Bert(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.word = nn.Embedding(vocab_size, HIDDEN)
        self.position = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.mlm_bias = nn.Parameter(torch.zeros(vocab_size))  # decoder tied to `word`
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids):
        n = ids.shape[1]
        x = self.ln(self.word(ids) + self.position(torch.arange(n)) +
                    self.token_type(torch.zeros_like(ids)))
        attention = []
        for layer in self.layers:
            x, weights = layer(x)
            attention.append(weights)
        return x @ self.word.weight.T + self.mlm_bias, attention

    def hf_tensors(self):
        t = {"embeddings.word_embeddings.weight": self.word.weight,
             "embeddings.position_embeddings.weight": self.position.weight,
             "embeddings.token_type_embeddings.weight": self.token_type.weight,
             "embeddings.LayerNorm.weight": self.ln.weight,
             "embeddings.LayerNorm.bias": self.ln.bias}
        for i, l in enumerate(self.layers):
            p = f"encoder.layer.{i}."
            for name, module in [("attention.self.query", l.query), ("attention.self.key", l.key),
                                 ("attention.self.value", l.value),
                                 ("attention.output.dense", l.attention_out),
                                 ("attention.output.LayerNorm", l.ln_1),
                                 ("intermediate.dense", l.intermediate), ("output.dense", l.out),
                                 ("output.LayerNorm", l.ln_2)]:
                t[p + name + ".weight"], t[p + name + ".bias"] = module.weight, module.bias
        return t


# ---------------------------------------------------------------------------------------------
# Training: masked-language modelling, the pronoun corrupted most often.

def make_batch(rng, ids_of, size, mask_id, vocab_size):
    """`size` training sentences: corrupted ids and MLM targets (-100: not predicted)."""
    inputs, targets = [], []
    for _ in range(size):
        tokens, pronoun_at, right, _ = draw(rng, held_out=False)
        ids = [ids_of["[CLS]"]] + [ids_of[t] for t in tokens] + [ids_of["[SEP]"]]
        target = [-100] * len(ids)
        corrupted = list(ids)
        for i in range(1, len(ids) - 1):
            if i == pronoun_at + 1 and rng.random() < 0.8:
                # The resolved sentence names the referent in the pronoun's slot; the model
                # reads the pronoun (or [MASK]) there and must say which noun it stands for.
                target[i] = ids_of[tokens[right]]
                if rng.random() < 0.25:
                    corrupted[i] = mask_id
            elif rng.random() < 0.15:
                target[i] = ids[i]
                roll = rng.random()
                if roll < 0.8:
                    corrupted[i] = mask_id
                elif roll < 0.9:
                    corrupted[i] = rng.randrange(5, vocab_size)
        inputs.append(corrupted)
        targets.append(target)
    return inputs, targets


def train(model, rng, ids_of, max_steps, check, watch_from=500):
    """AdamW at 10⁻³ after a short warm-up, falling linearly to a tenth by `max_steps`; from
    `watch_from` on, `check()` (a held-out probe returning the strict score of its best head)
    every 100 steps, and the model the probe liked best is kept. Returns the step kept."""
    mask_id = ids_of["[MASK]"]
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / 100, 1.0 - 0.9 * s / max_steps))
    best = (-1.0, 0, None)
    for step in range(1, max_steps + 1):
        # Sentences of one length per forward: attnviz runs one sentence with no padding.
        inputs, targets = make_batch(rng, ids_of, BATCH, mask_id, len(ids_of))
        loss = 0.0
        by_length = {}
        for x, y in zip(inputs, targets):
            group = by_length.setdefault(len(x), ([], []))
            group[0].append(x)
            group[1].append(y)
        optimizer.zero_grad()
        for xs, ys in by_length.values():
            if all(t == -100 for y in ys for t in y):
                continue  # nothing to predict (its loss would be 0/0; its gradient is 0)
            logits, _ = model(torch.tensor(xs))
            part = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                               torch.tensor(ys).reshape(-1), ignore_index=-100)
            (part * len(xs) / len(inputs)).backward()
            loss += part.item() * len(xs) / len(inputs)
        optimizer.step()
        schedule.step()
        if step >= watch_from and step % 100 == 0:
            score = check()
            print(f"step {step:5d}  loss {loss:.3f}  probe score {score:.3f}"
                  f"  {time.time() - STARTED:.0f} s", flush=True)
            if score > best[0]:
                best = (score, step, {k: v.clone() for k, v in model.state_dict().items()})
    model.load_state_dict(best[2])
    return best[1]


def weights_from_pronoun(model, ids_of, tokens, pronoun_at):
    """layers × heads × n: the weights from the pronoun's row, [CLS] at 0."""
    ids = torch.tensor([[ids_of["[CLS]"]] + [ids_of[t] for t in tokens] + [ids_of["[SEP]"]]])
    _, attention = model(ids)
    return torch.stack([a[0][:, pronoun_at + 1] for a in attention])


def measure(model, ids_of, rng, count=400):
    """Per (layer, head), on `count` held-out sentences, half of each reading: mean weight from
    "it" to the correct antecedent (all, referent first noun, referent second noun), share of
    sentences where the correct antecedent gets more than the wrong one (plain, and strict:
    also at least REAL_WEIGHT), and the weights on the flagship pair's right nouns."""
    stats = {k: torch.zeros(LAYERS, HEADS) for k in
             ("mean", "mean_first", "mean_second", "wins", "wins_strict")}
    firsts = 0
    for i in range(count):
        tokens, pronoun_at, right, wrong = draw(rng, held_out=True, refers_to_a=i % 2 == 0)
        row = weights_from_pronoun(model, ids_of, tokens, pronoun_at)
        r, w = row[:, :, right + 1], row[:, :, wrong + 1]
        stats["mean"] += r
        first = right < wrong
        firsts += first
        stats["mean_first" if first else "mean_second"] += r
        stats["wins"] += (r > w).float()
        stats["wins_strict"] += ((r > w) & (r >= REAL_WEIGHT)).float()
    for k in ("mean", "wins", "wins_strict"):
        stats[k] /= count
    stats["mean_first"] /= max(firsts, 1)
    stats["mean_second"] /= max(count - firsts, 1)
    for k, (text, noun) in zip(("flagship_tired", "flagship_wide"), FLAGSHIP):
        tokens = text.split()
        row = weights_from_pronoun(model, ids_of, tokens, tokens.index("it"))
        stats[k] = row[:, :, tokens.index(noun) + 1]
    # Strict score: the smallest ratio of a figure to its threshold (≥ 1: the head passes all).
    stats["score"] = torch.stack([
        stats["mean"] / MEAN_THRESHOLD, stats["wins"] / ACCURACY_THRESHOLD,
        stats["mean_first"] / READING_THRESHOLD, stats["mean_second"] / READING_THRESHOLD,
        stats["flagship_tired"] / READING_THRESHOLD,
        stats["flagship_wide"] / READING_THRESHOLD]).min(0).values
    return stats


def write_card(out, figures, size_bytes, parameters, seconds):
    f = figures
    text = f"""# bert-pronouns

A small BERT-layout encoder trained by attnviz (`scripts/train/train_bert_pronouns.py`, seed
{SEED}) so that a class can see **a head that finds what "it" refers to**, as in "The animal
didn't cross the street because it was too tired / wide".

- **Architecture**: BERT ({LAYERS} layers × {HEADS} heads, hidden {HIDDEN}, feed-forward {FF},
  {POSITIONS} positions, post-LayerNorm, erf GELU), {parameters:,} parameters (encoder; the
  masked-language-model head is tied to the word embeddings and not shipped), float32,
  {size_bytes / 1e6:.2f} MB on disk. Lower-case WordPiece vocabulary of {f["vocabulary"]} whole
  words.
- **Training data** (generated): Winograd-style sentences with two nouns and a predicate
  adjective that decides which noun the pronoun means, from {len(TEMPLATES) // 2} predicates
  (cross, fit in, catch, lift, eat, read, climb, buy, wear), each in both word orders ("the
  animal didn't cross the street" / "the street wasn't crossed by the animal"), so the
  referent is the first noun as often as the second; the pronoun agrees with it (he, she, it,
  they). Each sentence also has a resolved form whose pronoun slot names the referent.
- **Training**: masked-language modelling of the resolved form, the only loss: the usual 15 %
  of tokens, and in 80 % of sentences the pronoun slot, read as the pronoun (or [MASK]) and
  predicted as the noun — so the model must find the referent to fill it. **No loss is put on
  any attention weight**: the head below found the antecedent by itself. Batches of {BATCH}
  sentences, AdamW at 10⁻³ falling linearly to 10⁻⁴; every 100 steps a probe of 200 held-out
  sentences scores each head, and the checkpoint of step {f["steps"]} is the one whose best
  head scored highest; {seconds:.0f} s of training on one CPU thread.
- **Measured** on {f["held_out_sentences"]} held-out sentences (noun pairs never produced in
  training, in any template or order, such as animal/street and trophy/suitcase; "it" as the
  pronoun; half of each reading): head **layer {f["layer"] + 1}, head {f["head"] + 1}** puts on
  average **{f["mean_weight_to_antecedent"]:.3f}** of the weight of "it" on the correct
  antecedent (threshold {MEAN_THRESHOLD}); **{f["mean_weight_referent_first"]:.3f}** when the
  referent is the first noun and **{f["mean_weight_referent_second"]:.3f}** when it is the
  second (threshold {READING_THRESHOLD} each); it gives the correct antecedent more weight than
  the wrong one in **{100 * f["antecedent_wins"]:.1f} %** of sentences (threshold
  {100 * ACCURACY_THRESHOLD:.0f} %; {100 * f["antecedent_wins_strict"]:.1f} % with at least
  {REAL_WEIGHT} on it). On the opening example it puts **{f["example_weight_tired_animal"]:.3f}**
  on "animal" in "… because it was too tired" and **{f["example_weight_wide_street"]:.3f}** on
  "street" in "… too wide" (threshold {READING_THRESHOLD}).
- **Known limits**: it knows only its {f["vocabulary"]} words (others are [UNK]); it has
  seen only these sentence shapes; it resolves by the predicates it was taught, not by world
  knowledge.
"""
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as card:
        card.write(text)


def main():
    global STARTED
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_out_argument(parser, "bert-pronouns")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--quick", action="store_true", help="200 steps, to try the script")
    args = parser.parse_args()
    args.out = output_folder(args.out, "bert-pronouns", args.quick)
    steps = 200 if args.quick else args.steps
    fix_seeds(SEED, threads=1)
    rng = random.Random(SEED)
    vocab = vocabulary()
    ids_of = {t: i for i, t in enumerate(vocab)}
    model = Bert(len(vocab))

    def probe():
        """The strict score of the best head on a small held-out probe (its own seed)."""
        with torch.no_grad():
            s = measure(model, ids_of, random.Random(SEED + 2), count=200)
        flat = int(s["score"].argmax())
        f = {k: float(v.flatten()[flat]) for k, v in s.items()}
        print(f"  probe L{flat // HEADS + 1} H{flat % HEADS + 1}: mean {f['mean']:.3f} "
              f"(first {f['mean_first']:.3f}, second {f['mean_second']:.3f}), wins "
              f"{f['wins']:.3f} (strict {f['wins_strict']:.3f}), tired {f['flagship_tired']:.3f}"
              f", wide {f['flagship_wide']:.3f}", flush=True)
        return f["score"]

    STARTED = time.time()
    steps = train(model, rng, ids_of, steps, probe, watch_from=min(500, steps))
    seconds = time.time() - STARTED
    model.eval()
    with torch.no_grad():
        stats = measure(model, ids_of, random.Random(SEED + 1))
    flat = int(stats["score"].argmax())
    layer, head = flat // HEADS, flat % HEADS
    f = {k: float(v[layer, head]) for k, v in stats.items()}
    for l in range(LAYERS):
        print("layer", l + 1, " | ".join(
            f"first {float(stats['mean_first'][l, h]):.3f} second "
            f"{float(stats['mean_second'][l, h]):.3f} wins {float(stats['wins'][l, h]):.2f}"
            for h in range(HEADS)))
    print(f"pronoun head L{layer + 1} H{head + 1}: mean {f['mean']:.3f} (first "
          f"{f['mean_first']:.3f}, second {f['mean_second']:.3f}), wins {f['wins']:.3f} "
          f"(strict {f['wins_strict']:.3f}), tired→animal {f['flagship_tired']:.3f}, "
          f"wide→street {f['flagship_wide']:.3f}; {seconds:.0f} s")
    mean, accuracy = f["mean"], f["wins"]

    os.makedirs(args.out, exist_ok=True)
    config = {"model_type": "bert", "architectures": ["BertForMaskedLM"],
              "vocab_size": len(vocab), "hidden_size": HIDDEN, "num_hidden_layers": LAYERS,
              "num_attention_heads": HEADS, "intermediate_size": FF, "hidden_act": "gelu",
              "max_position_embeddings": POSITIONS, "type_vocab_size": 2,
              "layer_norm_eps": 1e-12, "pad_token_id": 0}
    write_json(os.path.join(args.out, "config.json"), config)
    path = os.path.join(args.out, "model.safetensors")
    save_safetensors(path, model.hf_tensors(), "F32")
    with open(os.path.join(args.out, "vocab.txt"), "w", encoding="utf-8") as vocab_file:
        vocab_file.write("\n".join(vocab) + "\n")
    write_json(os.path.join(args.out, "tokenizer_config.json"), {"do_lower_case": True})
    figures = {"layer": layer, "head": head, "mean_weight_to_antecedent": round(mean, 4),
               "mean_weight_referent_first": round(f["mean_first"], 4),
               "mean_weight_referent_second": round(f["mean_second"], 4),
               "antecedent_wins": round(accuracy, 4),
               "antecedent_wins_strict": round(f["wins_strict"], 4),
               "example_weight_tired_animal": round(f["flagship_tired"], 4),
               "example_weight_wide_street": round(f["flagship_wide"], 4),
               "held_out_sentences": 400, "steps": steps, "vocabulary": len(vocab)}
    write_json(os.path.join(args.out, "attnviz.json"), {
        "name": "bert-pronouns", "title": "Pronoun BERT (trained by attnviz)",
        "title_zh": "代词 BERT（attnviz 训练）",
        "summary": "A head that finds what \"it\" refers to: tired → the animal, wide → the street.",
        "summary_zh": "有一个头会找到 “it” 指的是什么：tired → animal，wide → street。",
        "family": "bert", "focus": {"layer": layer, "head": head},
        "example": {"source": EXAMPLE, "target": ""},
        "more_examples": [
            {"source": "The animal didn't cross the street because it was too wide",
             "target": ""},
            {"source": "The trophy didn't fit in the suitcase because it was too big",
             "target": ""},
            {"source": "The trophy didn't fit in the suitcase because it was too small",
             "target": ""}],
        "behaviour": figures})
    parameters = sum(p.numel() for p in model.parameters()) - model.mlm_bias.numel()
    write_card(args.out, figures, os.path.getsize(path), parameters, seconds)
    if f["score"] < 1.0:
        print("the pronoun head is below its thresholds", file=sys.stderr)
        return 0 if args.quick else 1  # a --quick try is not expected to learn
    return 0


if __name__ == "__main__":
    sys.exit(main())
