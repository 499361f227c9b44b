"""`python -m mclint`."""

from mclint.entry import main

if __name__ == "__main__":
    raise SystemExit(main())
