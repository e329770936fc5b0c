#!/usr/bin/env bash
# Trains the models attnviz ships and writes them into resources/models (each script measures
# its model's behaviour on held-out sentences and fails if a threshold is missed):
#   marian-en-zh     Marian layout, English → Chinese; cross-attention aligns the words
#   bert-pronouns    BERT layout; one head finds what "it" refers to (about 17 min, one thread)
#   gpt2-induction   GPT-2 layout; a previous-token head and an induction head (about 2 min)
# Needs Debian's python3-torch and python3-sentencepiece (installed here if missing); never the
# app or its tests. Under a minute for the translator, about 17 minutes for the pronoun BERT, about 2 for
# the induction GPT-2 (about 20 in all); ATTNVIZ_TRAIN_THREADS sets torch's threads (default 2).
#   scripts/train/train_all.sh [--quick]      --quick: a short run of each, to try the scripts
#                                             (written under the temporary directory, not
#                                             over the shipped models)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install_packages.sh python3-torch python3-sentencepiece python3-numpy
for script in train_marian_en_zh train_bert_pronouns train_gpt2_induction; do
  echo "== $script"
  /usr/bin/time -f "$script: %e s wall, %U s user, %S s system" \
    /usr/bin/python3 "scripts/train/$script.py" "$@"
done
