"""Hand-off times from a SIPp UAS message trace (-trace_msg) of the ACD bench's agent phones.

For each agent (the user part of the queue INVITE's Request-URI: the phone registered as sip:2000N@...), every BYE
the phone sent is paired with the next INVITE that reached the same agent; the gap is how long the agent sat free
after hanging up. While callers are waiting that gap is the ACD's hand-off: BYE received, wrap-up (none here),
routing decision, INVITE to the agent. Prints count, median, p90, p99 and max in milliseconds.
"""
import re
import sys
from datetime import datetime

STAMP = re.compile(r"^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6})")
DIRECTION = re.compile(r"^\w+ message (sent|received)")


def messages(path):
    stamp = direction = None
    lines = []
    with open(path, encoding="utf-8", errors="replace") as trace:
        for line in trace:
            match = STAMP.match(line)
            if match:
                if stamp and lines:
                    yield stamp, direction, lines
                stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
                direction, lines = None, []
                continue
            found = DIRECTION.match(line)
            if found and direction is None:
                direction = found.group(1)
                continue
            if line.strip() or lines:
                lines.append(line.rstrip("\r\n"))
    if stamp and lines:
        yield stamp, direction, lines


def header(lines, name):
    prefix = name.lower() + ":"
    for line in lines:
        if line.lower().startswith(prefix):
            return line.split(":", 1)[1].strip()
    return None


def main(paths):
    agent_of_call = {}
    free_since = {}
    hung_up = set()
    gaps = []
    for path in paths:
        for stamp, direction, lines in messages(path):
            first = lines[0] if lines else ""
            call_id = header(lines, "Call-ID")
            if direction == "received" and first.startswith("INVITE "):
                user = re.match(r"INVITE sips?:([^@;> ]+)@", first)
                if not user or call_id in agent_of_call:
                    continue
                agent = user.group(1)
                agent_of_call[call_id] = agent
                if agent in free_since:
                    gaps.append(stamp - free_since.pop(agent))
            elif direction == "sent" and first.startswith("BYE ") and call_id in agent_of_call:
                # The first BYE of a call counts; a retransmission is not a second hang-up.
                if call_id not in hung_up:
                    hung_up.add(call_id)
                    free_since[agent_of_call[call_id]] = stamp
    if not gaps:
        print("handoff: no agent got a second call")
        return
    gaps.sort()
    pick = lambda q: gaps[min(len(gaps) - 1, int(q * len(gaps)))] * 1000
    print(f"handoff_ms: count={len(gaps)} median={pick(0.5):.2f} p90={pick(0.9):.2f} p99={pick(0.99):.2f} "
          f"max={gaps[-1] * 1000:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
