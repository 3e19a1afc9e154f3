# Helpers of the whole-process benchmarks (bench/startup.sh, bench/neural_cli.sh); sourced.

wall_ms() {  # command... -> wall time in ms of one run, output discarded
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))e-3
}

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

machine_line() {  # the CPU model, CPU count, load and time, for the report's head
  echo "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
}

# alternate RUNS A B C: the commands A and B (functions or programs, no arguments) in turn,
# A B A B ..., after one warm-up each, and C after each pair; prints one line per pair:
# wall ms of A, of B, A / B, of C.
alternate() {
  local runs=$1 a=$2 b=$3 c=$4 i ta tb
  wall_ms "$a" >/dev/null
  wall_ms "$b" >/dev/null
  for ((i = 0; i < runs; ++i)); do
    ta=$(wall_ms "$a")
    tb=$(wall_ms "$b")
    echo "$ta $tb $(awk -v x="$ta" -v y="$tb" 'BEGIN {printf "%.4f", x / y}') $(wall_ms "$c")"
  done
}

column_median() {  # N -> the median of column N of stdin
  awk -v n="$1" '{print $n}' | median
}
