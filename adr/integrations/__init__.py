"""Host integrations: one module per agent host. Parsers and formatters are stdlib-only
because the hook client imports them on every agent action."""
