"""Optional, online reputation look-ups (off until the user enables a provider)."""
