#!/bin/sh
# Reproduces the renderer figures of docs/benchmarks.md ("Streaming binaural renderer"):
#  (a) `pinna render` against ffmpeg's sofalizer (Debian's ffmpeg: apt-get install -y
#      ffmpeg; not in scripts/setup.sh, CI runs no benchmarks): the same mono file of pink
#      noise (10 and 60 minutes, 16-bit, at the SOFA file's own rate, so that ffmpeg
#      resamples nothing), the same SOFA file, a source in front, both writing a 32-bit
#      float WAV, in a tmpfs folder (/dev/shm) so that the disk does not time the runs.
#      Whole commands (start-up, SOFA load, rendering, WAV input and output), alternating
#      pinna and ffmpeg, median of R runs of each: wall time and CPU time (user + sys, the
#      SOFA worker process included), and their ratios. A 1 s file measures each tool's
#      start-up, which is subtracted for the rendering throughput ratio.
#  (b, c) bin/pinna_render_bench on the same file resampled to 48 kHz, 256
#      taps: moving sources in real time at block 256 and 64, cost of a process() call
#      against the block size.
#
# usage: [BUILD=folder] bench/render_bench.sh [FILE.sofa] [REPS]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
datasets=${DATASETS:-$root/../shared/datasets}
sofa=${1:-$(ls "$datasets"/sonicom/P*_FreeFieldComp_44kHz.sofa 2>/dev/null | head -n 1 || true)}
sofa=${sofa:-/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa}
reps=${2:-5}
command -v ffmpeg >/dev/null || { echo "render_bench: ffmpeg is needed (apt-get install -y ffmpeg)"; exit 1; }

# BUILD=folder: an existing Release build configured with PINNA_BUILD_BENCH=ON instead.
build=${BUILD:-$root/build-bench}
if [ -z "${BUILD:-}" ]; then
    cmake --preset bench -S "$root" -DPINNA_WITH_TORCH=OFF >/dev/null
fi
cmake --build "$build" --target pinna_cli pinna_render_bench -j 2 >/dev/null
pinna=$build/bin/pinna
work=$(mktemp -d "${TMPDIR_BENCH:-/dev/shm}/pinna-render-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

rate=$("$pinna" info "$sofa" --json | sed -n 's/.*"sample_rate_hz": *\([0-9.]*\).*/\1/p' | head -n 1)
rate=${rate%.*}
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain -- src include CMakeLists.txt 2>/dev/null | wc -l)
echo "pinna commit $commit ($dirty uncommitted changes under src/ include/), $(ffmpeg -version | head -n 1)"
echo "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "SOFA: $sofa ($rate Hz)"

for seconds in 1 600 3600; do
    ffmpeg -nostdin -v error -y -f lavfi \
        -i "anoisesrc=color=pink:sample_rate=$rate:amplitude=0.3:duration=$seconds:seed=1" \
        -c:a pcm_s16le "$work/in_$seconds.wav"
done

# "wall cpu" of one command, CPU = user + sys of the process and its children.
timed() {
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" ||
        { echo "render_bench: failed: $*" >&2; cat "$work/stderr" "$work/time" >&2; exit 1; }
    awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$work/time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '\n| input | tool | wall s (median of %s) | CPU s (median) |\n|---|---|---:|---:|\n' "$reps"
for seconds in 1 600 3600; do
    in=$work/in_$seconds.wav
    : >"$work/pinna.txt"
    : >"$work/pinna256.txt"
    : >"$work/ffmpeg.txt"
    i=0
    while [ $i -lt "$reps" ]; do
        timed "$pinna" render "$in" -o "$work/pinna.wav" --sofa "$sofa" --direction 0,0 >>"$work/pinna.txt"
        timed ffmpeg -nostdin -v error -y -i "$in" -af "sofalizer=sofa=$sofa:type=freq" \
            -c:a pcm_f32le "$work/ffmpeg.wav" >>"$work/ffmpeg.txt"
        timed "$pinna" render "$in" -o "$work/pinna.wav" --sofa "$sofa" --direction 0,0 \
            --block 256 >>"$work/pinna256.txt"
        i=$((i + 1))
    done
    for tool in pinna pinna256 ffmpeg; do
        wall=$(cut -d' ' -f1 "$work/$tool.txt" | median)
        cpu=$(cut -d' ' -f2 "$work/$tool.txt" | median)
        eval "wall_${tool}_$seconds=$wall cpu_${tool}_$seconds=$cpu"
        case $tool in
            pinna) name="pinna render (default block 512)" ;;
            pinna256) name="pinna render --block 256" ;;
            *) name="ffmpeg -af sofalizer (type=freq)" ;;
        esac
        printf '| %s s | %s | %s | %s |\n' "$seconds" "$name" "$wall" "$cpu"
    done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
net() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
printf '\n| ratio (sofalizer time / pinna time) | wall | CPU |\n|---|---:|---:|\n'
for seconds in 600 3600; do
    for tool in pinna pinna256; do
        eval "pw=\$wall_${tool}_$seconds pc=\$cpu_${tool}_$seconds fw=\$wall_ffmpeg_$seconds fc=\$cpu_ffmpeg_$seconds"
        eval "pw1=\$wall_${tool}_1 pc1=\$cpu_${tool}_1 fw1=\$wall_ffmpeg_1 fc1=\$cpu_ffmpeg_1"
        printf '| %s s, %s, whole commands | %s | %s |\n' "$seconds" "$tool" "$(ratio "$fw" "$pw")" "$(ratio "$fc" "$pc")"
        printf '| %s s, %s, start-up (1 s run) subtracted | %s | %s |\n' "$seconds" "$tool" \
            "$(ratio "$(net "$fw" "$fw1")" "$(net "$pw" "$pw1")")" "$(ratio "$(net "$fc" "$fc1")" "$(net "$pc" "$pc1")")"
    done
done

echo
# Not exec: the EXIT trap removes the work folder (the 60 min files take 2.9 GB).
"$build/bin/pinna_render_bench" "$sofa" --json "$build/render_bench.json"
