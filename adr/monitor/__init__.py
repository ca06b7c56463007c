"""Watching processes and files on the host (psutil process trees, watchdog on paths)."""
