"""Benchmarks: run with `make bench`. They print figures; they never pass or fail on time."""

from __future__ import annotations


def main() -> None:
    print("no benchmarks yet: the analysis benchmarks arrive with the analytics work")


if __name__ == "__main__":
    main()
