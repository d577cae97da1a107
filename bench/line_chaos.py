"""Delivery chaos benchmark: 10,000 deliveries across 200 LINE groups through real `jingmin worker`
processes, the fake LINE server failing 30 % of requests at random, two workers killed with SIGKILL
(and replaced) during the run. Prints time to drain, retries and duplicates (must be 0).

    python bench/line_chaos.py [--groups 200 --campaigns 50 --workers 2 --failure-rate 0.3 --kills 2]
                               [--database-url postgresql://…/jingmin_chaos]   (an empty database)
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jingmin.messaging import chaos  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--groups", type=int, default=200)
    p.add_argument("--campaigns", type=int, default=50)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--failure-rate", type=float, default=0.3)
    p.add_argument("--kills", type=int, default=2)
    p.add_argument("--claim-batch", type=int, default=96)
    p.add_argument("--threads", type=int, default=32)
    p.add_argument("--database-url", default=None)
    args = p.parse_args()
    result = chaos.run(
        groups=args.groups,
        campaigns=args.campaigns,
        workers=args.workers,
        failure_rate=args.failure_rate,
        kills=args.kills,
        database_url=args.database_url,
        timeout=1800,
        settings_env={
            "JINGMIN_MESSAGING_CLAIM_BATCH": str(args.claim_batch),
            "JINGMIN_MESSAGING_SEND_THREADS": str(args.threads),
        },
    )
    print(json.dumps(result, indent=1, ensure_ascii=False))
    print(
        f"drained {result['deliveries']} deliveries in {result['drain_seconds']} s "
        f"({result['deliveries_per_second']}/s), {result['requests']} requests, {result['retries']} retries, "
        f"{result['sigkills']} SIGKILLs, duplicates = {result['duplicates']}, lost = {result['lost']}"
    )
    return 0 if result["duplicates"] == 0 and result["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
