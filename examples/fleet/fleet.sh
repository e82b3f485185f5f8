#!/usr/bin/env bash
# fleet.sh — run one amiscript script against every Asterisk server of a list with GNU
# parallel, and get exactly one JSON line per server (docs/fleet.md).
#
#   AMI_USERNAME=monitor AMI_SECRET=... examples/fleet/fleet.sh hosts.txt 200@default
#
# HOSTS_FILE ('-' for stdin) has one server a line: 'host', 'host:port', '[v6addr]:port';
# '#' starts a comment. The port defaults to $AMI_PORT, else 5038. The remaining arguments
# go to the script (default: mailbox-json.ami beside this file), which runs with AMI_HOST
# and AMI_PORT set per server and must print one JSON object on its last stdout line.
#
# stdout (or -o FILE): one JSON line per server, in the order of the list, each with
# "host", "port", "ok" and "exit" (the script's exit code). A server whose script printed
# nothing (timed out, crashed, killed) still gets one:
#   {"host":"pbx7","port":5038,"ok":false,"exit":124,"error":"timed out after 30s"}
# stderr: a summary made with jq (ok / failed, failures by kind, total new messages).
# Exit: 0 every server ok, 1 some failed, 64 bad usage, 69 a tool is missing.
#
# Options (or environment):
#   -j JOBS      servers at a time (JOBS, default 32)
#   -t SECONDS   the whole run of the script on one server (TIMEOUT, default 30)
#   -w SECONDS   amiscript --timeout: each connect/login/action wait (STEP_TIMEOUT,
#                default a third of TIMEOUT)
#   -s SCRIPT    the amiscript script (SCRIPT, default mailbox-json.ami beside fleet.sh)
#   -o FILE      the JSON lines to FILE instead of stdout (RESULTS)
#   -l FILE      GNU parallel's job log (JOBLOG, default a temporary file)
#   AMISCRIPT    the amiscript binary (default: amiscript on PATH)
#   AMI_USERNAME, AMI_SECRET, AMI_TLS=1, AMI_TLS_CA: passed to the script through the
#   environment, never on a command line.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

JOBS=${JOBS:-32} TIMEOUT=${TIMEOUT:-30} STEP_TIMEOUT=${STEP_TIMEOUT:-}
SCRIPT=${SCRIPT:-$here/mailbox-json.ami} RESULTS=${RESULTS:-} JOBLOG=${JOBLOG:-}
AMISCRIPT=${AMISCRIPT:-amiscript}
while getopts 'j:t:w:s:o:l:h' opt; do
    case $opt in
        j) JOBS=$OPTARG ;; t) TIMEOUT=$OPTARG ;; w) STEP_TIMEOUT=$OPTARG ;;
        s) SCRIPT=$OPTARG ;; o) RESULTS=$OPTARG ;; l) JOBLOG=$OPTARG ;;
        h) usage; exit 0 ;; *) usage >&2; exit 64 ;;
    esac
done
shift $((OPTIND - 1))
(( $# >= 1 )) || { usage >&2; exit 64; }
hosts_file=$1; shift
[[ $JOBS =~ ^[1-9][0-9]*$ && $TIMEOUT =~ ^[1-9][0-9]*$ ]] || { echo "fleet.sh: JOBS and TIMEOUT are whole numbers > 0" >&2; exit 64; }
STEP_TIMEOUT=${STEP_TIMEOUT:-$(( TIMEOUT / 3 > 0 ? TIMEOUT / 3 : 1 ))}
[[ $STEP_TIMEOUT =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "fleet.sh: STEP_TIMEOUT is a number of seconds" >&2; exit 64; }
for tool in parallel jq timeout "$AMISCRIPT"; do
    command -v "$tool" >/dev/null || { echo "fleet.sh: '$tool' not found (apt-get install parallel jq; AMISCRIPT=path/to/amiscript)" >&2; exit 69; }
done
[[ -r $SCRIPT ]] || { echo "fleet.sh: cannot read the script $SCRIPT" >&2; exit 64; }

work=$(mktemp -d) || exit 69
trap 'rm -rf "$work"' EXIT
JOBLOG=${JOBLOG:-$work/joblog}

# The list, cleaned: "host<TAB>port" lines.
cat -- "$hosts_file" | awk -v list="$hosts_file" -v default_port="${AMI_PORT:-5038}" '
    { sub(/#.*/, ""); gsub(/^[ \t\r]+|[ \t\r]+$/, "") }
    $0 == "" { next }
    /^\[[^]]+\](:[0-9]+)?$/ { host = $0; sub(/^\[/, "", host); sub(/\].*/, "", host)
                              port = $0; if (!sub(/^.*\]:/, "", port)) port = default_port }
    !/^\[/ { n = split($0, part, ":")
             if (n == 2) { host = part[1]; port = part[2] } else { host = $0; port = default_port } }
    host == "" || port !~ /^[0-9]+$/ || port + 0 < 1 || port + 0 > 65535 || host ~ /[ \t]/ {
        printf "fleet.sh: %s: line %d: not host, host:port or [v6addr]:port: %s\n", list, NR, $0 > "/dev/stderr"
        bad = 1; next }
    { print host "\t" (port + 0) }
    END { exit bad }' > "$work/targets" || exit 64
[[ -s $work/targets ]] || { echo "fleet.sh: no hosts in $hosts_file" >&2; exit 64; }

# One server: run the script, and whatever happens print one JSON object.
fleet_one() {
    local host=$1 port=$2 out err rc error line
    shift 2
    err=$(mktemp) || return 69
    out=$(AMI_HOST=$host AMI_PORT=$port timeout -k 2 "$TIMEOUT" \
            "$AMISCRIPT" --timeout "$STEP_TIMEOUT" "$SCRIPT" "$@" </dev/null 2>"$err")
    rc=$?
    # The script's own line, marked with its exit code (a non-zero exit is never ok).
    line=$(tail -n 1 <<<"$out")
    if [[ -n $line ]] && line=$(jq -ce --arg host "$host" --argjson port "$port" --argjson exit "$rc" '
            select(type == "object") | {host: $host, port: $port} + del(.host, .port) + {exit: $exit}
            | if $exit != 0 then .ok = false | .error //= "exit \($exit)" else . end' \
            <<<"$line" 2>/dev/null) && [[ -n $line ]]; then
        printf '%s\n' "$line"; rm -f "$err"; return "$rc"
    fi
    # No line: amiscript's error ("FILE:LINE:COL: error: MESSAGE"), else the last stderr line.
    error=$(sed -n 's/^[^ ]*:[0-9]*:[0-9]*: error: //p' "$err" | head -n 1)
    [[ -n $error ]] || error=$(grep -v '^[[:space:]]*$' "$err" | tail -n 1)
    if [[ -z $error ]]; then
        case $rc in
            124) error="timed out after ${TIMEOUT}s" ;;
            0)   error="no JSON line on stdout" ;;
            *)   if (( rc > 128 )); then error="killed by signal $((rc - 128))"; else error="exit $rc without output"; fi ;;
        esac
    fi
    rm -f "$err"
    jq -cn --arg host "$host" --argjson port "$port" --argjson exit "$rc" --arg error "$error" \
        '{host: $host, port: $port, ok: false, exit: $exit, error: $error}'
    return "$rc"
}
export -f fleet_one
export AMISCRIPT SCRIPT TIMEOUT STEP_TIMEOUT

# Keep going on failures (--halt never); --timeout is only a backstop behind the per-server
# 'timeout', so a hung wrapper cannot hold the run; -k keeps the list's order.
PARALLEL_SHELL=/bin/bash parallel --jobs "$JOBS" --halt never --timeout $((TIMEOUT + 10)) \
    --joblog "$JOBLOG" --keep-order --colsep '\t' --quote \
    fleet_one {1} {2} "$@" :::: "$work/targets" > "$work/lines"

# Every server once, in the list's order; a job that printed nothing (killed by parallel)
# gets its line from the job log.
jq -cn --rawfile targets "$work/targets" --rawfile log "$JOBLOG" '
    ([inputs] | map({key: "\(.host)\t\(.port)", value: .}) | from_entries) as $lines
    | ($log | split("\n")[1:] | map(select(length > 0) | split("\t"))
       | map({key: .[0], value: {exit: (.[6] | tonumber), signal: (.[7] | tonumber)}}) | from_entries) as $jobs
    | $targets | split("\n") | map(select(length > 0)) | to_entries[]
    | .value as $t | ($t | split("\t")) as [$host, $port]
    | $lines[$t] // ($jobs["\(.key + 1)"] // {exit: -1, signal: 0}
        | {host: $host, port: ($port | tonumber), ok: false, exit: (if .signal > 0 then 128 + .signal else .exit end),
           error: (if .signal > 0 then "no output: killed by signal \(.signal)" else "no output (exit \(.exit))" end)})' \
    "$work/lines" > "$work/results" || { echo "fleet.sh: jq could not merge the results" >&2; exit 1; }

if [[ -n $RESULTS ]]; then cp "$work/results" "$RESULTS"; else cat "$work/results"; fi

# The summary, on stderr.
jq -rs '
    def kind: {"69": "connection", "77": "login", "124": "timeout", "1": "script error"}["\(.exit)"]
              // (if .exit > 128 or .exit < 0 then "killed" else "exit \(.exit)" end);
    (map(select(.ok == true))) as $ok | (map(select(.ok != true))) as $failed
    | "fleet: \(length) hosts, \($ok | length) ok, \($failed | length) failed"
      + (if ($ok | any(has("new"))) then
           "; \($ok | map(.new // 0) | add) new and \($ok | map(.old // 0) | add) old messages" else "" end),
      ($failed | group_by(kind)[] | "  \(length) failed: \(.[0] | kind)"),
      ($failed[] | "  \(if (.host | contains(":")) then "[\(.host)]" else .host end):\(.port)  exit \(.exit)  \(.error)")' \
    "$work/results" >&2

jq -se 'all(.ok == true)' "$work/results" >/dev/null
