"""Asking the human: one interface (interface.py), one module per channel, picked by select.py."""
