"""`mlops generate`: write a synthetic raw loan CSV (and optionally each row's true risk)."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from mlops import synthetic

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write a synthetic raw loan CSV in the real file's shape",
        description=synthetic.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--users",
        type=int,
        default=synthetic.FULL_SIZE_USERS,
        help="number of users (default: full size, %(default)s users, about 777k loans)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.add_argument(
        "--truth", type=Path, help="also write loan_id,p_default (the true probability) here"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    dataset = synthetic.generate(users=args.users, seed=args.seed)
    synthetic.write_csv(dataset.raw, args.out)
    if args.truth:
        synthetic.write_csv(dataset.truth, args.truth)
    log.info(
        "wrote %s: %d loans of %d users, %.2f %% defaults, %.1f MB in %.1f s%s",
        args.out,
        len(dataset.raw),
        args.users,
        100 * dataset.positive_rate,
        args.out.stat().st_size / 1e6,
        time.perf_counter() - started,
        f"; true probabilities in {args.truth}" if args.truth else "",
    )
    return 0
