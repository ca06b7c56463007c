"""`python -m adr.cli …`: the same as the `adr` console script (the login service falls back to it
when no console script sits beside the interpreter)."""
from adr.cli import main

main(prog_name="adr")
