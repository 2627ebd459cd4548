#!/usr/bin/python3
"""The independent reader of the server's GET /metrics in the tests: Debian's python3-prometheus-client
parses the text exposition (format 0.0.4) and prints every sample as JSON, one object per family:

  {"families": {"unitclock_http_requests": {"type": "counter", "samples": [
      {"name": "unitclock_http_requests_total", "labels": {...}, "value": 3.0}]}}}

Exit status 1, with the parser's message on stderr, when the text is not valid exposition format."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    families = {}
    try:
        for family in text_string_to_metric_families(text):
            if family.name in families:
                raise ValueError("family %s appears twice" % family.name)
            families[family.name] = {
                "type": family.type,
                "help": family.documentation,
                "samples": [{"name": s.name, "labels": s.labels,
                             "value": s.value if math.isfinite(s.value) else str(s.value)}
                            for s in family.samples],
            }
    except Exception as e:  # the parser raises ValueError (and others) on malformed text
        print("not valid exposition format: %s" % e, file=sys.stderr)
        return 1
    print(json.dumps({"families": families}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
