"""`python -m mclint`."""

from mclint.entry import run

if __name__ == "__main__":
    run()
