#!/bin/sh
# Generates the shipped music-on-hold class "default": a plucked arpeggio over four chords (C, Am, F, G), each chord
# twice, 9.6 s, as one 8 kHz 16-bit mono WAV in default/. A class is a folder of moh/ and plays every WAV in it in name
# order, looped; put your own music in a folder of its own and name that folder in a queue's musicOnHold.
# -R: sox's random numbers (the pluck's excitation, dither) repeat, so a rerun gives the same file.
#
# Run it again after editing and commit the WAV file: a fresh install needs no sox.
# Needs: sox.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

i=0
for chord in "C4 E4 G4 C5" "A3 C4 E4 A4" "F3 A3 C4 F4" "G3 B3 D4 G4"; do
    for _ in 1 2; do
        for note in $chord; do
            i=$((i + 1))
            sox -R -n -r 8000 -c 1 -b 16 "$work/note$(printf %03d $i).wav" synth 0.3 pluck "$note" fade 0 0.3 0.1
        done
    done
done

mkdir -p "$here/default"
sox -R "$work"/note*.wav "$work/arpeggio.wav"
sox -R "$work/arpeggio.wav" -r 8000 -c 1 -b 16 -e signed-integer "$here/default/arpeggio.wav" reverb 30 norm -12
echo "default/arpeggio.wav"
