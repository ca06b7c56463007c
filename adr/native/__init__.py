"""adr's native fast client: a small C99 program (adr_fast.c) for the hook and shim fast paths, and
the code that builds it (build.py). The Python clients remain the reference and the fallback."""
