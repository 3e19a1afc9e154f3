#!/usr/bin/env bash
# Quick-start command 1: set up, build, and run pinna's main job on shipped data.
#  1. load Debian's KEMAR set (libmysofa1 ships it) and describe it;
#  2. convert it to a conformant SimpleFreeFieldHRIR file;
#  3. keep a sparse subset (the LAP challenge's 100 directions), upsample it back to the
#     full grid, and score the result against the measurement;
#  render: a generated mono signal circling the head and a 5.1 file through virtual
#     loudspeakers with a turning head, into binaural WAVs (pinna render, docs/renderer.md);
#  4. (with LibTorch) predict personal sets from the example anthropometry in data/ and
#     upsample the sparse KEMAR subset with the neural model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
pinna=build/bin/pinna
kemar=/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa
out=out/demo
mkdir -p "$out"
step() { echo; echo "== $*"; }

step "1. load: pinna info $kemar"
$pinna info "$kemar"

step "2. convert to conformant SimpleFreeFieldHRIR"
$pinna convert "$kemar" "$out/kemar.sofa"

step "3. sparse -> dense: keep the LAP 100-direction subset, upsample back, evaluate"
$pinna sparsify "$out/kemar.sofa" --lap 100 -o "$out/kemar_sparse100.sofa"
for method in nearest barycentric; do
  $pinna upsample "$out/kemar_sparse100.sofa" --grid "$out/kemar.sofa" --method $method --time-aligned \
    -o "$out/kemar_$method.sofa"
  $pinna evaluate "$out/kemar.sofa" "$out/kemar_$method.sofa" --exclude "$out/kemar_sparse100.sofa"
done

step "render: a source circling the head, and 5.1 through virtual loudspeakers with a turning head"
# Signals generated here (python3's standard library): 6 s of a 220 Hz buzz with noise
# bursts (mono), and a 5.1 file whose channels sound in turn (L R C LFE Ls Rs).
python3 - "$out" <<'PY'
import math, random, struct, sys, wave
out, fs = sys.argv[1], 44100  # the KEMAR set's rate: no resampling needed
def write(path, channels):
    with wave.open(path, "wb") as w:
        w.setnchannels(len(channels)); w.setsampwidth(2); w.setframerate(fs)
        frames = bytearray()
        for i in range(len(channels[0])):
            for c in channels:
                frames += struct.pack("<h", max(-32767, min(32767, int(c[i] * 32767))))
        w.writeframes(bytes(frames))
random.seed(1)
n = 6 * fs
buzz = [0.25 * sum(math.sin(2 * math.pi * 220 * k * i / fs) / k for k in range(1, 20))
        * (0.6 + 0.4 * math.sin(2 * math.pi * 3 * i / fs)) for i in range(n)]
mono = [b + (0.3 * random.uniform(-1, 1) if (i % (fs // 2)) < fs // 20 else 0.0)
        for i, b in enumerate(buzz)]
write(out + "/render_source.wav", [mono])
seg = int(0.8 * fs)
six = [[0.0] * (6 * seg) for _ in range(6)]
for c in range(6):
    f = 60.0 if c == 3 else 330.0 * (1 + c / 4)
    for i in range(seg):
        env = math.sin(math.pi * i / seg) ** 2
        six[c][c * seg + i] = 0.4 * env * math.sin(2 * math.pi * f * i / fs)
write(out + "/render_51_source.wav", six)
with open(out + "/render_circle.csv", "w") as f:
    f.write("time_s,azimuth_deg,elevation_deg\n")
    for k in range(25):
        t = 0.25 * k
        f.write(f"{t},{(180 * t) % 360},{20 * math.sin(math.pi * t / 3)}\n")
with open(out + "/render_head.csv", "w") as f:
    f.write("time_s,yaw_deg,pitch_deg,roll_deg\n0,0,0,0\n4.8,90,0,0\n")
PY
$pinna render "$out/render_source.wav" -o "$out/render_moving.wav" --sofa "$kemar" \
  --trajectory "$out/render_circle.csv"
$pinna render "$out/render_51_source.wav" -o "$out/render_51.wav" --sofa "$kemar" \
  --layout 5.1 --head "$out/render_head.csv"

if $pinna --version | grep -q "neural models: LibTorch"; then
  bash scripts/demo_neural.sh "$pinna" "$out"
else
  echo; echo "(pinna was built without LibTorch: skipping the neural demo)"
fi
echo; echo "demo outputs in $out/"
