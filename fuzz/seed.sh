#!/usr/bin/env bash
# Regenerates the seed corpora of the fuzz targets (fuzz/corpus/TARGET) from the project's
# own material: every script under tests/scripts and examples (parser), the AMI transcripts
# of tests/fixtures (decoder), and a few expect patterns with the text they wait for
# (expect). The seeds are kept in git (small); what libFuzzer finds on top of them goes to
# .build-fuzz/corpus/TARGET (scripts/fuzz.sh), not here.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 - <<'PY'
import glob, hashlib, json, os, shutil

root = "fuzz/corpus"
for target in ("parser", "decoder", "expect"):
    shutil.rmtree(os.path.join(root, target), ignore_errors=True)
    os.makedirs(os.path.join(root, target))

def write(target, name, data):
    with open(os.path.join(root, target, name), "wb") as f:
        f.write(data)

# parser: the scripts as they are.
for path in sorted(glob.glob("tests/scripts/**/*.ami", recursive=True) + glob.glob("examples/**/*.ami", recursive=True)):
    name = path.replace("tests/scripts/", "").replace("/", "-")
    with open(path, "rb") as f:
        write("parser", name, f.read())

# decoder: byte 0 = settings (1: client, banner and legacy bodies; 2: small limits),
# byte 1 = seed of the random splits; then the stream. Streams are cut to 6 KB at a packet
# boundary (libFuzzer's longest input follows the longest seed).
LIMIT = 6 * 1024
def cut(data):
    if len(data) <= LIMIT:
        return data
    end = data.rfind(b"\r\n\r\n", 0, LIMIT)
    return data[: end + 4] if end > 0 else data[:LIMIT]

transcripts = "tests/fixtures/ami-transcripts"
for path in sorted(glob.glob(transcripts + "/asterisk-master/*.jsonl")):
    name = os.path.basename(path)[: -len(".jsonl")]
    server, client = b"", b""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                if row["dir"] == "S":
                    server += row["data"].encode("utf-8")
                else:
                    client += row["data"].encode("utf-8")
    seed = len(name) & 0xFF
    write("decoder", name + ".server", bytes([1, seed]) + cut(server))
    # What the client wrote, as the simulator's side reads it.
    write("decoder", name + ".client", bytes([0, seed]) + cut(client))
    # The same server stream against the small limits.
    write("decoder", name + ".server-small", bytes([3, seed ^ 0x5A]) + cut(server)[:1024])
for path in sorted(glob.glob(transcripts + "/legacy/panoramisk/*.txt")):
    name = os.path.basename(path)[: -len(".txt")]
    with open(path, "rb") as f:
        text = f.read()
    write("decoder", "legacy-" + name + ".crlf", bytes([1, 7]) + cut(text.replace(b"\n", b"\r\n")))
    write("decoder", "legacy-" + name + ".lf", bytes([1, 11]) + cut(text))

# expect: patterns, one a line (FLAGS/REGEX or =TEXT), a NUL, then the reads, cut at 0x01.
def expect_seed(name, patterns, reads):
    data = "\n".join(patterns).encode("utf-8") + b"\0" + b"\x01".join(r if isinstance(r, bytes) else r.encode("utf-8") for r in reads)
    write("expect", name, data)

expect_seed("vmcount", ["/Response:\\s*Error", "/Response:\\s*Success"],
            ["Asterisk Call Manager/13.0.0\r\n", "Response: Succ", "ess\r\nMessage: Authentication accepted\r\n\r\n"])
expect_seed("newmessages", ["/NewMessages:\\s*(\\d*)", "/OldMessages:\\s*(\\d*)"],
            ["Response: Success\r\nMessage: Mailbox Message Count\r\nMailbox: 200@default\r\nUrgMessages: 0\r\nNewMe",
             "ssages: 3\r\nOldMessages: 2\r\n\r\n"])
expect_seed("events", ["m/^Event: (\\w+)", "=FullyBooted"],
            ["Event: FullyBooted\r\nPrivilege: system,all\r\n", "Status: Fully Booted\r\n\r\nEvent: Success", "fulAuth\r\n\r\n"])
expect_seed("named-groups", ["i/(?<count>\\d+) messages", "/(?<mailbox>\\d+)@(\\w+)"],
            ["You have 12 ", "MESSAGES in 200@", "default\r\n"])
expect_seed("lookaround", ["/(?<=Channel: )\\S+(?=\\r\\n)", "s/Uniqueid:.*?\\r\\n"],
            ["Event: Newchannel\r\nChannel: Local/s@amitest-00000000;1\r", "\nUniqueid: 1764.5\r\n\r\n"])
expect_seed("anchors", ["/^Asterisk", "/\\r\\n$", "x/ \\d + \\. \\d"],
            ["Asterisk Call Manager/13.0.0", "\r\n", "Response: Success\r\n"])
expect_seed("utf8-split", ["/M\u00fcller", "/\u00e9+", "=\u20ac"],
            # UTF-8 cut inside a character, as a TCP read may cut it.
            [b"CallerIDName: M\xc3", b"\xbcller \xc3", b"\xa9\xc3\xa9 \xe2\x82", b"\xac\r\n"])
expect_seed("empty-and-alternation", ["/(a|ab)(c|bcd)(d*)", "/x*", "=abc"],
            ["ab", "cd", "abcd"])
expect_seed("legacy-command", ["s/Response: Follows.*?--END COMMAND--", "/(\\d+) active call"],
            ["Response: Follows\r\nPrivilege: Command\r\n", "0 active channels\r\n0 active calls\r\n--END COMM", "AND--\r\n\r\n"])
expect_seed("binary", ["/\\x00\\xff", "/[^\\x00-\\x7f]+"],
            [b"a\xff\xfe", b"\x00", b"\xff\xc3\xa9"])
PY

for target in parser decoder expect; do
  echo "fuzz/corpus/$target: $(ls fuzz/corpus/$target | wc -l) files, $(cat fuzz/corpus/$target/* | wc -c) bytes"
done
