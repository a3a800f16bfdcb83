"""Locked instructions per request, from a callgrind profile made with
--dump-instr=yes: the executed instructions that carry a `lock` prefix, and
`xchg` with memory (locked implicitly). Each is an atomic read-modify-write
(an `Arc` clone or drop, a mutex taken or released, a waker registered):
~4.5 ns apiece on this machine when they follow each other, which
instruction counts do not show.

usage: locks.py PROFILE N   (N: requests in the profile; objdump from binutils)
"""
import os, re, subprocess, sys
from collections import Counter

profile, n = sys.argv[1], int(sys.argv[2])
LOCKED = re.compile(r"^\s*([0-9a-f]+):\s+(lock\b|xchg\s+%\w+,\s*[^%\s]*\(|xchg\s+[^%\s]*\()")
COST = re.compile(r"^(0x[0-9a-f]+|[+-](?:0x[0-9a-f]+|\d+)|\*)\s+\S+\s+(\d+)")


def locked_addresses(path):
    """The addresses of `path`'s locked instructions, as callgrind names them
    (relative to the object, as objdump prints them)."""
    listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path],
                             capture_output=True, text=True, check=True).stdout
    return {int(m.group(1), 16) for m in map(LOCKED.match, listing.splitlines()) if m}


objects, locked, counts = {}, {}, Counter()
current, last, call_cost_next = None, 0, False
with open(profile) as lines:
    for line in lines:
        if line.startswith(("ob=", "cob=")):
            # An object is named at its first mention, which may be as a callee.
            m = re.match(r"c?ob=\((\d+)\)(?: (.*))?", line.strip())
            if m.group(2):
                objects[m.group(1)] = m.group(2)
            if line.startswith("cob="):
                continue
            current = objects.get(m.group(1))
            if current not in locked:
                locked[current] = locked_addresses(current) if current and os.path.isfile(current) else set()
            continue
        if line.startswith("calls="):
            call_cost_next = True  # the next cost line is a call's inclusive cost
            continue
        m = COST.match(line)
        if not m:
            continue
        at = m.group(1)
        last = int(at, 16) if at.startswith("0x") else last if at == "*" else last + int(at[0] + "1") * int(at[1:], 0)
        if call_cost_next:
            call_cost_next = False
            continue
        if last in locked.get(current, ()):
            counts[os.path.basename(current)] += int(m.group(2))

total = sum(counts.values())
parts = ", ".join(f"{name} {c / n:.1f}" for name, c in counts.most_common())
print(f"  {total / n:.1f} locked instructions per request ({parts})")
