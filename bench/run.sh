#!/usr/bin/env bash
# The whole-CLI benchmark (README.md, "Performance").
#
#   bench/run.sh                     # 20,000 guides, seed 42, 5 repetitions
#   GUIDES=5000 REPS=3 bench/run.sh  # smaller, quicker
#
# Environment:
#   GUIDES   guides to generate (20000)     SEED  generator seed (42)
#   REPS     repetitions of each run (5)    THREADS  RAYON_NUM_THREADS (all cores)
#   CORPUS   use this corpus directory instead of generating one (kept)
#   KEEP=1   keep the generated corpus
#
# What it does, in one run on one corpus:
#   1. builds guidelint and the examples in release mode;
#   2. generates a docs repository (examples/gen_corpus.rs) in a temp dir;
#   3. runs, REPS times each and interleaved, the parse-only baseline
#      (examples/parse_only.rs: read, find the front-matter fences, pulldown-cmark, nothing
#      else) and `guidelint check DIR --format json > /dev/null` (every rule on),
#      both on RAYON_NUM_THREADS=THREADS;
#   4. reports the median wall time, files/s and MB/s of each, their ratio
#      (full check throughput / baseline throughput), CPU seconds, peak RSS;
#      and, to show where the check's time goes, the same files taken through
#      guidelint's guide model only, then through fact extraction too
#      (examples/parse_only.rs --stage model|extract);
#   5. times a full check with a warm cache (outside the ratio; its findings
#      must equal the cold run's), then a changed-files run: one guide changed, the whole corpus indexed;
#      cold (--no-cache: every guide read) and warm (the summary cache filled by
#      one run first: unchanged guides are only stat'ed);
#   6. times the pretty and the JSON report of one large guide (3.5 MB, 80,000 findings).
# The full check runs with --no-cache (the cache is the changed-files run's business).
set -euo pipefail

GUIDES=${GUIDES:-20000}
SEED=${SEED:-42}
REPS=${REPS:-5}
THREADS=${THREADS:-$(nproc)}
export RAYON_NUM_THREADS=$THREADS

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/release/guidelint
base=$target/release/examples/parse_only
gen=$target/release/examples/gen_corpus

say() { printf '%s\n' "$*" >&2; }

# --- peak memory: GNU time, installed if missing --------------------------
TIME=/usr/bin/time
if ! [ -x "$TIME" ]; then
    say "== /usr/bin/time is missing: installing the 'time' package"
    if command -v apt-get >/dev/null; then
        { apt-get update -qq && apt-get install -y -qq time; } >/dev/null 2>&1 || true
    fi
fi
if ! [ -x "$TIME" ]; then
    say "!! no /usr/bin/time: peak RSS will not be reported"
    TIME=""
fi

say "== building (release)"
cargo build --release --quiet --bin guidelint --example gen_corpus --example parse_only

# --- the corpus ------------------------------------------------------------
if [ -n "${CORPUS:-}" ]; then
    dir=$CORPUS
    say "== using the corpus in $dir"
else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/guidelint-bench.XXXXXX")
    if [ -z "${KEEP:-}" ]; then
        trap 'rm -rf "$dir"' EXIT
    fi
    say "== generating $GUIDES guides (seed $SEED) in $dir"
    "$gen" --guides "$GUIDES" --seed "$SEED" --out "$dir" >&2
fi

# --- one measured run --------------------------------------------------------
# run NAME CMD...: appends "wall cpu rss_kb" to $out/NAME; stdout to /dev/null.
out=$(mktemp -d "${TMPDIR:-/tmp}/guidelint-bench-times.XXXXXX")
run() {
    local name=$1
    shift
    local status=0
    if [ -n "$TIME" ]; then
        "$TIME" -o "$out/t" -f '%e %U %S %M' "$@" >/dev/null 2>"$out/err" || status=$?
        # GNU time writes "Command exited with non-zero status N" first.
        read -r wall user sys rss < <(tail -n 1 "$out/t")
    else
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>"$out/err" || status=$?
        t1=$(date +%s.%N)
        wall=$(echo "$t1 - $t0" | bc -l)
        user=0 sys=0 rss=0
    fi
    # guidelint exits 1 when it finds problems; 2 and above is a failure.
    if [ "$status" -ge 2 ]; then
        say "!! $name failed (exit $status):"
        cat "$out/err" >&2
        exit 1
    fi
    echo "$wall $(echo "$user + $sys" | bc -l) $rss" >>"$out/$name"
}

# The baseline prints what it read: files and bytes.
line=$("$base" "$dir")
files=$(echo "$line" | sed -n 's/.*files=\([0-9]*\).*/\1/p')
bytes=$(echo "$line" | sed -n 's/.*bytes=\([0-9]*\).*/\1/p')
say "== corpus: $files files, $bytes bytes; $REPS repetitions each, RAYON_NUM_THREADS=$THREADS"

nocache=""
if "$bin" check --help 2>/dev/null | grep -q -- '--no-cache'; then
    nocache="--no-cache"
fi
for i in $(seq 1 "$REPS"); do
    say "   repetition $i/$REPS"
    run baseline "$base" "$dir"
    run full "$bin" check "$dir" --format json $nocache
done
# Where the check's time goes (not part of the ratio): the same files taken
# through guidelint's guide model only, then through fact extraction too.
for i in $(seq 1 "$REPS"); do
    run model "$base" --stage model "$dir"
    run extract "$base" --stage extract "$dir"
done

# median COLUMN FILE
median() {
    cut -d' ' -f"$1" "$2" | sort -g | awk '{a[NR]=$1} END {m=(NR+1)/2; if (NR%2) print a[m]; else print (a[NR/2]+a[NR/2+1])/2}'
}
max() { cut -d' ' -f"$1" "$2" | sort -g | tail -1; }

# --- the full check again with a warm cache ------------------------------------
# Not part of the ratio (the issue's throughput is a cold check): a second full
# run over an unchanged corpus checks again only the guides with findings or
# suppression comments. Its findings must be the cold run's.
warm_full_line=""
if [ -n "$nocache" ]; then
    say "== full check with a warm cache (one run fills it)"
    "$bin" check "$dir" --format json --cache-dir "$out/cache" >"$out/full.json" 2>"$out/err" || true
    for i in $(seq 1 "$REPS"); do
        run warmfull "$bin" check "$dir" --format json --cache-dir "$out/cache"
    done
    "$bin" check "$dir" --format json --cache-dir "$out/cache" >"$out/warmfull.json" 2>"$out/err" || true
    "$bin" check "$dir" --format json $nocache >"$out/cold.json" 2>"$out/err" || true
    if ! cmp -s "$out/cold.json" "$out/warmfull.json"; then
        say "!! the warm full run's findings differ from the cold run's"
        exit 1
    fi
    warm_full_line="full check, warm cache (unchanged corpus): $(printf '%.2f' "$(median 1 "$out/warmfull")") s median, peak RSS $(printf '%.0f' "$(echo "$(max 3 "$out/warmfull") / 1024" | bc -l)") MB"
fi

bw=$(median 1 "$out/baseline")
bc_=$(median 2 "$out/baseline")
brss=$(max 3 "$out/baseline")
fw=$(median 1 "$out/full")
fc=$(median 2 "$out/full")
frss=$(max 3 "$out/full")

# --- the changed-files run ---------------------------------------------------
# One guide changed in a git repository of the corpus; `guidelint check .` with
# the changed-files flag checks it with the whole corpus indexed. If the flag is
# missing or the run fails, one folder is timed instead, and the report says so.
changed_note=""
# (awk reads all its input: `head` would end the pipe early, and pipefail the script)
one=$(find "$dir/pages/web/emails" -name 'guide.fr-fr.md' | sort | awk 'NR == 1')
help=$("$bin" check --help 2>/dev/null || true)
flag=""
if grep -q -- '--changed-since' <<<"$help"; then
    flag="--changed-since HEAD"
elif grep -q -- '--staged' <<<"$help"; then
    flag="--staged"
fi
if [ -n "$flag" ]; then
    say "== changed-files run: guidelint check . $flag (git repository of the corpus)"
    if ! [ -d "$dir/.git" ]; then
        git -C "$dir" init -q
        git -C "$dir" add -A
        git -C "$dir" -c user.name=bench -c user.email=bench@localhost commit -qm corpus
    fi
    cp "$one" "$out/one.bak"
    printf '\nUne ligne ajoutée pour le benchmark.\n' >>"$one"
    git -C "$dir" add "$one"
    status=0
    # shellcheck disable=SC2086 # $flag is two words on purpose
    (cd "$dir" && "$bin" check . $flag --format json $nocache >"$out/changed.json" 2>"$out/err") || status=$?
    if [ "$status" -ge 2 ]; then
        say "!! guidelint check . $flag failed (exit $status); falling back to one folder:"
        cat "$out/err" >&2
        flag=""
    else
        for i in $(seq 1 "$REPS"); do
            # shellcheck disable=SC2086
            (cd "$dir" && run changed "$bin" check . $flag --format json $nocache)
        done
        changed_note="guidelint check . $flag $nocache (one guide changed, whole corpus indexed)"
        if [ -n "$nocache" ]; then
            say "== changed-files run with a warm summary cache (one run fills it)"
            # shellcheck disable=SC2086
            (cd "$dir" && "$bin" check . $flag --format json >/dev/null 2>"$out/err") || true
            for i in $(seq 1 "$REPS"); do
                # shellcheck disable=SC2086
                (cd "$dir" && run warm "$bin" check . $flag --format json)
            done
            # shellcheck disable=SC2086
            (cd "$dir" && "$bin" check . $flag --format json >"$out/warm.json" 2>"$out/err") || true
            if ! cmp -s "$out/changed.json" "$out/warm.json"; then
                say "!! the warm-cache run's findings differ from the cold run's"
                exit 1
            fi
        fi
    fi
    git -C "$dir" reset -q "$one"
    cp "$out/one.bak" "$one"
fi
if [ -z "$flag" ]; then
    folder=$(dirname "$one")
    say "== changed-files run: no usable --changed-since/--staged; checking one folder"
    for i in $(seq 1 "$REPS"); do
        run changed "$bin" check "$folder" --format json
    done
    changed_note="APPROXIMATION: no usable --changed-since/--staged in this guidelint; timed 'guidelint check ${folder#"$dir"/}' (one folder, corpus NOT indexed)"
fi
cw=$(median 1 "$out/changed")
crss=$(max 3 "$out/changed")
warm_line=""
if [ -s "$out/warm" ]; then
    ww=$(median 1 "$out/warm")
    wrss=$(max 3 "$out/warm")
    warm_line="changed-files run, warm summary cache: $(printf '%.0f' "$(echo "$ww * 1000" | bc -l)") ms median, peak RSS $(printf '%.0f' "$(echo "$wrss / 1024" | bc -l)") MB   (target < 300 ms)"
fi

# --- one large guide: the reporters ----------------------------------------------
# 40,000 paragraphs (3.5 MB) with two findings each: the pretty report, which
# shows every finding's lines, must cost about what the JSON report costs.
say "== one large guide (80,000 findings): pretty and JSON reports"
large=$(mktemp -d "${TMPDIR:-/tmp}/guidelint-bench-large.XXXXXX")
awk 'BEGIN {
    print "---\ntitle: Large\nslug: large\n---\n# Serveur\n"
    for (i = 0; i < 40000; i++)
        printf "Le serveur POP3 utilise le port 993 pour la ligne %d. Voir [ici](#nulle-part-%d).\n\n", i, i
}' >"$large/guide.fr-fr.md"
run large_pretty "$bin" check "$large" --color never $nocache
run large_json "$bin" check "$large" --format json $nocache
rm -rf "$large"
large_line="one large guide (3.5 MB, 80,000 findings): pretty report $(printf '%.2f' "$(median 1 "$out/large_pretty")") s, JSON report $(printf '%.2f' "$(median 1 "$out/large_json")") s"

# --- the report ----------------------------------------------------------------
mb=$(echo "$bytes / 1000000" | bc -l)
rate() { echo "$1 / $2" | bc -l; }
# stage_line LABEL NAME: one stage's median wall, MB/s and share of the baseline's throughput.
stage_line() {
    local w
    w=$(median 1 "$out/$2")
    printf -- '- %s: %.2f s, %.1f MB/s, %.0f%% of the baseline throughput\n' "$1" "$w" "$(rate "$mb" "$w")" "$(echo "$bw / $w * 100" | bc -l)"
}
ratio=$(echo "$bw / $fw" | bc -l)
cpu_ratio=$(echo "$bc_ / $fc" | bc -l)
cat <<EOF

guidelint benchmark: $files guides, $(printf '%.1f' "$mb") MB, seed $SEED, RAYON_NUM_THREADS=$THREADS, $REPS repetitions (median), $(nproc) cores
$(uname -sm), $(date -u +%Y-%m-%d)

| run | wall (s) | files/s | MB/s | CPU (s) | peak RSS (MB) |
|---|---:|---:|---:|---:|---:|
| parse-only baseline | $(printf '%.2f' "$bw") | $(printf '%.0f' "$(rate "$files" "$bw")") | $(printf '%.1f' "$(rate "$mb" "$bw")") | $(printf '%.2f' "$bc_") | $(printf '%.0f' "$(echo "$brss / 1024" | bc -l)") |
| guidelint check (all rules, JSON) | $(printf '%.2f' "$fw") | $(printf '%.0f' "$(rate "$files" "$fw")") | $(printf '%.1f' "$(rate "$mb" "$fw")") | $(printf '%.2f' "$fc") | $(printf '%.0f' "$(echo "$frss / 1024" | bc -l)") |

where the time goes, the same files taken (stages of examples/parse_only.rs, outside the ratio):
$(stage_line "read + guide model (Guide::parse)" model)
$(stage_line "read + guide model + fact extraction" extract)

ratio (full check throughput / parse-only throughput): $(printf '%.0f' "$(echo "$ratio * 100" | bc -l)")% by wall time, $(printf '%.0f' "$(echo "$cpu_ratio * 100" | bc -l)")% by CPU time   (target >= 50%)
peak RSS of the full check: $(printf '%.0f' "$(echo "$frss / 1024" | bc -l)") MB   (target < 200 MB)
changed-files run, no cache: $(printf '%.0f' "$(echo "$cw * 1000" | bc -l)") ms median, peak RSS $(printf '%.0f' "$(echo "$crss / 1024" | bc -l)") MB   (target < 300 ms)
  $changed_note
$warm_line
$warm_full_line
$large_line
EOF
rm -rf "$out"
