"""Append-only, hash-chained audit log of every decision, with secrets redacted."""
