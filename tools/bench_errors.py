"""What the Errors page costs on a whole data file: reading it, then decoding and scoring every line with
the same function the page calls (core.decoding.evaluation.evaluate), with its progress callback counted.

    python -m tools.bench_errors ../shared/data/date.txt [--run artifacts/demo] [--repeat 2]

Prints seconds per part and the total of each repetition.
"""
import argparse
import sys
import time

from core import data, rundir
from core.decoding import evaluation


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tools.bench_errors", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data")
    p.add_argument("--run", default="artifacts/demo")
    p.add_argument("--repeat", type=int, default=2)
    args = p.parse_args(argv)
    model, vocab, config, name = rundir.load_model(args.run)
    for repeat in range(args.repeat):
        start = time.perf_counter()
        dataset = data.load_file(args.data)
        read = time.perf_counter() - start
        updates = []
        result = evaluation.evaluate(model, vocab, config, dataset, name,
                                     on_progress=lambda done, total: updates.append(time.perf_counter() - start))
        total = time.perf_counter() - start
        print(f"{len(dataset):,} lines: read {read:.2f} s, decode and score {total - read:.2f} s, "
              f"total {total:.2f} s; {len(updates)} progress updates, first after {updates[0]:.2f} s; "
              f"accuracy {result.accuracy:.5f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
