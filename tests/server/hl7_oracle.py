#!/usr/bin/python3
"""The test suite's independent HL7 reader: Debian's python3-hl7, which no one here wrote.

    hl7_oracle.py FILE [KEY ...]

Parses FILE (one or more DFT^P03 messages, or an FHS/BHS batch file) and prints one JSON object:
  "messages": N                     how many messages the file holds
  "batch": {"FHS.F9": ...}          header and trailer fields of a batch file (FHS, BHS, BTS, FTS)
  "fields": {KEY: VALUE}            for each KEY "M:ACCESSOR", the value python-hl7 reads at ACCESSOR in
                                    message M (1-based), e.g. "1:FT1.F2", "2:FT12.F20.R1.C13"
                                    (the second FT1 segment), unescaped; "<missing>" when absent.
Exits 1 with a message when the file does not parse.
"""
import json
import sys

import hl7


def messages_of(text):
    if text.startswith("FHS") or text.startswith("BHS"):
        parsed = hl7.parse_file(text) if text.startswith("FHS") else None
        batches = list(parsed) if parsed is not None else [hl7.parse_batch(text)]
        out = []
        for batch in batches:
            out.extend(list(batch))
        return out, parsed, batches
    return [hl7.parse(m) for m in hl7.split_file(text)], None, []


def main():
    with open(sys.argv[1], encoding="utf-8", newline="") as f:
        text = f.read()
    try:
        msgs, parsed_file, batches = messages_of(text)
    except Exception as e:  # noqa: BLE001 - any parse failure is the answer
        print("parse error: %s" % e, file=sys.stderr)
        return 1
    out = {"messages": len(msgs), "batch": {}, "fields": {}}
    headers = []
    if parsed_file is not None:
        headers += [("FHS", parsed_file.header), ("FTS", parsed_file.trailer)]
    for batch in batches:
        headers += [("BHS", batch.header), ("BTS", batch.trailer)]
    for name, seg in headers:
        if seg is None:
            continue
        # python-hl7 numbers FHS and BHS like MSH: index 1 is the field separator, FHS-1.
        for i in range(1, len(seg)):
            out["batch"]["%s.F%d" % (name, i)] = str(seg[i])
    for key in sys.argv[2:]:
        index, accessor = key.split(":", 1)
        try:
            value = msgs[int(index) - 1][accessor]
        except Exception:  # noqa: BLE001 - an absent segment or field
            value = "<missing>"
        out["fields"][key] = str(value)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
