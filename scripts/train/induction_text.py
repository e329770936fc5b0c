"""The words gpt2-induction knows, the tiny stories it reads as filler, and its tokenizer: a
GPT-2 byte-level BPE (vocab.json + merges.txt) trained so that every lexicon word, with and
without its leading space, is one token."""
import os

from checkpoint_io import write_json

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


# Byte-level BPE, as GPT-2 lays it out.

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



def word_ids(tokenizer, words):
    """Ids of words as they appear after a space (one token each)."""
    return [tokenizer.vocab["Ġ" + w] for w in words]


def training_vocabulary(tokenizer):
    """The ids the training text can contain: every lexicon word with and without its space,
    '.' and ','; never the byte pieces and merges in between."""
    words = lexicon()
    return sorted(set(tokenizer.vocab["Ġ" + w] for w in words) |
                  set(tokenizer.vocab[w] for w in words) |
                  {tokenizer.vocab["."], tokenizer.vocab[","]})


def write_tokenizer(out, vocab, merges):
    """vocab.json and merges.txt, as GPT-2's tokenizer files lay them out."""
    write_json(os.path.join(out, "vocab.json"), vocab)
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
