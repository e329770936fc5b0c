#!/usr/bin/env bash
# Writes the tokenizer files of the tiny Marian-layout test checkpoint into
# tests/data/marian-tiny/: source.spm and target.spm (SentencePiece unigram models trained by
# spm_train from Debian's `sentencepiece` package on the few lines below) and vocab.json (as
# opus-mt lays it out: "</s>" 0, "<unk>" 1, the pieces of source.spm then the new ones of
# target.spm, "<pad>" last). The files are committed; run this again only to change them.
#
#   scripts/make_tiny_marian_tokenizer.sh        (needs spm_train, spm_export_vocab, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/data/marian-tiny
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

cat > "$work/source.txt" <<'TEXT'
the cat sat on the mat
the dog sat on the mat
a cat is on a mat
the cat and the dog are friends
i love you
we learn attention by looking at it
students learn with their teacher
the mat is red and the cat is black
TEXT
cat > "$work/target.txt" <<'TEXT'
die katze sass auf der matte
der hund sass auf der matte
eine katze ist auf einer matte
die katze und der hund sind freunde
ich liebe dich
wir lernen aufmerksamkeit durch hinsehen
schueler lernen mit ihrem lehrer
die matte ist rot und die katze ist schwarz
TEXT

for side in source target; do
  spm_train --input="$work/$side.txt" --model_prefix="$work/$side" --model_type=unigram \
            --vocab_size=48 --hard_vocab_limit=false --character_coverage=1.0 --normalization_rule_name=identity --num_threads=1 --minloglevel=2 \
            >/dev/null 2>&1
  spm_export_vocab --model="$work/$side.model" --output="$work/$side.vocab"
  cp "$work/$side.model" "$out/$side.spm"
done

python3 - "$work/source.vocab" "$work/target.vocab" "$out/vocab.json" <<'PY'
import json, sys
pieces = ["</s>", "<unk>"]
for path in sys.argv[1:3]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            piece = line.rstrip("\n").split("\t")[0]
            if piece not in ("<unk>", "<s>", "</s>") and piece not in pieces:
                pieces.append(piece)
pieces.append("<pad>")
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump({p: i for i, p in enumerate(pieces)}, f, ensure_ascii=False, indent=2)
    f.write("\n")
print(f"{sys.argv[3]}: {len(pieces)} ids")
PY
ls -l "$out"
