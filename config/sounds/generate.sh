#!/bin/sh
# Generates the shipped prompts from the texts in prompts/<language>.txt (one "name|text" a line) with espeak-ng,
# as 8 kHz 16-bit mono WAV files in <language>/<name>.wav. espeak-ng writes 22,050 Hz; sox resamples with its own
# anti-aliasing filter (-R: no random dither, so a rerun gives the same files), takes the level to a peak of
# -6 dBFS and adds 100 ms of silence at each end so that a prompt does not start on the first packet's edge.
#
# Run it again after editing a text and commit the WAV files: a fresh install needs no espeak-ng or sox.
# Needs: espeak-ng (Debian package espeak-ng) and sox.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# language folder = espeak-ng voice
for language in en cmn; do
    mkdir -p "$here/$language"
    grep -v '^#' "$here/prompts/$language.txt" | grep '|' | while IFS='|' read -r name text; do
        espeak-ng -v "$language" -s 150 -w "$work/raw.wav" "$text"
        sox -R "$work/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$here/$language/$name.wav" \
            norm -6 pad 0.1 0.1
        echo "$language/$name.wav"
    done
done
